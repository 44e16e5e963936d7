"""Tests for the evaluation harness: gold readers (real shared files) and scoring."""

from __future__ import annotations

import csv
import json
import sys
import types
from itertools import islice
from pathlib import Path

import pytest

from sitreps.evaluate import format_scores, read_gold, run_eval
from sitreps.evaluate.gold import (
    GoldFormatError,
    GoldRecord,
    actor_country,
    country_to_iso2,
    map_2015_type,
    normalise_actor_name,
    parse_gold_date,
)
from sitreps.evaluate.score import FIELDS, admin1_match, choose_event, compare, weighted_f1
from sitreps.records import Actor, ActorKind, ArticleRef, Event, Location

SHARED_EVENTS = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "events"
ACLED_DIR = SHARED_EVENTS / "acled"
needs_shared = pytest.mark.skipif(
    not ACLED_DIR.is_dir(), reason="shared evaluation data (../shared/eval/events) is absent"
)

# A gold file of our own, in the current ACLED layout (the columns the reader uses).
OWN_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "notes",
    "fatalities",
]
OWN_ROWS = [
    [
        "TST1",
        "14 March 2021",
        "1",
        "Protests",
        "Peaceful protest",
        "Protesters (Kenya)",
        "",
        "Kenya",
        "Nakuru",
        "Nakuru",
        "-0.2833",
        "36.0667",
        "1",
        "On 14 March 2021, about two hundred traders marched peacefully through Nakuru town "
        "to demand lower market fees from the county government.",
        "0",
    ],
    [
        "TST2",
        "15 March 2021",
        "1",
        "Violence against civilians",
        "Attack",
        "Unidentified Armed Group (Kenya)",
        "Civilians (Kenya)",
        "Kenya",
        "Mombasa",
        "Mombasa",
        "-4.0547",
        "39.6636",
        "1",
        "On 15 March 2021, unknown gunmen shot dead two shopkeepers in Mombasa.",
        "2",
    ],
    [
        "TST3",
        "16 March 2021",
        "1",
        "Battles",
        "Armed clash",
        "Military Forces of Kenya (2013-)",
        "Al Shabaab",
        "Kenya",
        "Lamu",
        "Lamu",
        "-2.2717",
        "40.902",
        "1",
        "On 16 March 2021, soldiers clashed with Al Shabaab militants near Lamu; "
        "three militants were killed.",
        "3",
    ],
]


def write_own_gold(directory: Path) -> Path:
    path = directory / "own_gold.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OWN_COLUMNS)
        writer.writerows(OWN_ROWS)
    return path


def make_event(
    event_type: str = "Violence against civilians",
    sub_event_type: str = "Attack",
    date: str | None = "2021-03-15",
    actor_name: str = "Unidentified Armed Group (Kenya)",
    actor_country_code: str | None = "KE",
    country: str | None = "KE",
    admin1: str | None = "Mombasa",
    lat: float | None = -4.06,
    lon: float | None = 39.67,
    fatalities: int | None = 2,
) -> Event:
    return Event(
        id=f"ev-{event_type}-{sub_event_type}-{lat}",
        event_type=event_type,
        sub_event_type=sub_event_type,
        date=date,
        actor1=Actor(name=actor_name, country=actor_country_code, kind=ActorKind.EXTERNAL_OTHER),
        location=Location(
            name="somewhere", country=country, admin1=admin1, lat=lat, lon=lon, precision="place"
        ),
        fatalities=fatalities,
        evidence=[],
        article=ArticleRef(id="doc"),
        confidence=0.9,
    )


WRONG_EVENT = make_event(
    event_type="Riots",
    sub_event_type="Mob violence",
    date="2020-01-01",
    actor_name="Protesters (Uganda)",
    actor_country_code="UG",
    country="UG",
    admin1="Kampala",
    lat=0.3476,
    lon=32.5825,
    fatalities=7,
)


class FixedPipeline:
    """A stand-in pipeline returning prepared events per doc id."""

    def __init__(self, by_id: dict[str, list[Event]], failing: set[str] = frozenset()) -> None:
        self.by_id = by_id
        self.failing = failing
        self.calls: list[tuple[str, str | None]] = []

    def process_text(self, text: str, doc_id: str | None = None, ref_date: str | None = None):
        self.calls.append((doc_id, ref_date))
        if doc_id in self.failing:
            raise RuntimeError("model exploded")
        return self.by_id.get(doc_id, [])


def own_gold_record(tmp_path: Path, record_id: str) -> GoldRecord:
    return next(r for r in read_gold(write_own_gold(tmp_path)) if r.id == record_id)


# ---------------------------------------------------------------- readers on our own data


def test_dates_parse_by_explicit_shape() -> None:
    assert parse_gold_date("31-12-19") == "2019-12-31"
    assert parse_gold_date("01-January-2015") == "2015-01-01"
    assert parse_gold_date("28 December 2022") == "2022-12-28"
    assert parse_gold_date("9-May-20") == "2020-05-09"
    assert parse_gold_date("2016-01-01") == "2016-01-01"
    assert parse_gold_date("NA") is None


def test_month_first_date_is_an_error_not_a_guess() -> None:
    with pytest.raises(GoldFormatError):
        parse_gold_date("12-31-19")
    with pytest.raises(GoldFormatError):
        parse_gold_date("December 31, 2019")


def test_actor_country_and_names() -> None:
    assert actor_country("Police Forces of Kenya (2013-)") == "KE"
    assert actor_country("Military Forces of Burkina Faso (2015-2022)") == "BF"
    assert actor_country("Police Forces of Burkina Faso (2015-) Gendarmerie") == "BF"
    assert actor_country("Rioters (Kenya)") == "KE"
    assert actor_country("Unidentified Armed Group (Kenya)") == "KE"
    assert actor_country("Government of Syria") == "SY"
    assert actor_country("Al Shabaab") is None
    assert actor_country("Islamic State (Greater Sahara)") is None
    assert actor_country("CPI (Maoist): Communist Party of India (Maoist)") is None
    assert normalise_actor_name("Police Forces of Kenya (2002-2013)") == "police forces of kenya"
    assert normalise_actor_name("police forces of KENYA (2013-)") == "police forces of kenya"
    assert country_to_iso2("Democratic Republic of Congo") == "CD"
    assert country_to_iso2("Vietnam") == "VN"
    assert country_to_iso2("Atlantis") is None


def test_2015_types_map_to_current_types() -> None:
    assert map_2015_type("Remote violence") == (
        "Explosions/Remote violence",
        frozenset({"Explosions/Remote violence"}),
    )
    assert map_2015_type("Battle-No change of territory")[0] == "Battles"
    assert map_2015_type("Violence Against Civilians")[0] == "Violence against civilians"
    assert map_2015_type("Riots/Protests") == (None, frozenset({"Protests", "Riots"}))


def test_own_csv_reads(tmp_path: Path) -> None:
    records = list(read_gold(write_own_gold(tmp_path)))
    assert [r.id for r in records] == ["TST1", "TST2", "TST3"]
    clash = records[2]
    assert clash.date == clash.ref_date == "2021-03-16"
    assert clash.actor1_country == "KE" and clash.country == "KE"
    assert clash.fatalities == 3 and clash.lat == pytest.approx(-2.2717)
    assert records[0].actor2 is None


def test_a_monadic_export_is_read_one_record_per_event(tmp_path: Path) -> None:
    """No actor2 column: ACLED wrote one row per actor, the event's actor 1 first."""
    columns = [c for c in OWN_COLUMNS if c != "actor2"]
    rows = [[v for c, v in zip(OWN_COLUMNS, row, strict=True) if c != "actor2"] for row in OWN_ROWS]
    second_actor = list(rows[2])
    second_actor[columns.index("actor1")] = "Al Shabaab"
    path = tmp_path / "monadic.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([rows[0], rows[2], second_actor, rows[1]])
    records = list(read_gold(path))
    assert [r.id for r in records] == ["TST1", "TST3", "TST2"]
    assert (records[1].actor1, records[1].actor2) == (
        "Military Forces of Kenya (2013-)",
        "Al Shabaab",
    )
    assert records[0].actor2 is None and records[2].actor2 is None


def test_admin1_matching() -> None:
    assert admin1_match("Homs Governorate", "Homs")
    assert admin1_match("Hamah Governorate", "Hama")
    assert admin1_match("Ar Raqqah Governorate", "Raqqa")
    assert admin1_match("Deir ez Zor Governorate", "Dayr az Zawr")
    assert admin1_match("Homs Governorate", "Muhafazat Hims")
    assert admin1_match("Aleppo Governorate", "Ḩalab")  # an alias in the subdivision table
    assert admin1_match("Nairobi", "Nairobi City")
    assert not admin1_match("Daraa Governorate", "Deir ez Zor")
    assert admin1_match("Boucle du Mouhoun", "boucle du mouhoun region")
    assert admin1_match("Ségou", "SEGOU")
    assert not admin1_match("Aleppo Governorate", "Idlib")
    assert not admin1_match("Nakuru", None)


# ---------------------------------------------------------------- scoring


def test_perfect_event_scores_one_everywhere(tmp_path: Path) -> None:
    gold_path = write_own_gold(tmp_path)
    perfect = make_event()
    scores = run_eval(gold_path, pipeline=FixedPipeline({"TST2": [perfect]}))
    assert scores["n"] == 3 and scores["found"]["n"] == 1
    for name in FIELDS:
        field = scores["fields"][name]
        assert field["correct"] == field["n_found"] == 1, name
        assert field["acc_found"] == 1.0, name
    assert scores["coordinates"]["within_25km_of_pairs"] == 1.0
    assert scores["coordinates"]["chosen_with_coordinates"] == 1.0
    json.dumps(scores)  # JSON-serialisable


def test_wrong_event_scores_zero(tmp_path: Path) -> None:
    gold = own_gold_record(tmp_path, "TST2")
    results = compare(gold, WRONG_EVENT)
    assert all(results[name] is False for name in FIELDS)


def test_no_event_means_no_recall(tmp_path: Path) -> None:
    scores = run_eval(write_own_gold(tmp_path), pipeline=FixedPipeline({}))
    assert scores["found"]["recall"] == 0.0
    assert scores["events_per_record"] == 0.0
    assert scores["fields"]["event_type"]["acc_all"] == 0.0
    assert scores["fields"]["event_type"]["acc_found"] is None
    assert scores["sub_event_type_f1_weighted"] == 0.0
    assert "event found (recall)" in format_scores(scores)


def test_best_event_is_chosen(tmp_path: Path) -> None:
    gold = own_gold_record(tmp_path, "TST2")
    far_attack = make_event(lat=3.0, lon=35.0)
    near_attack = make_event()
    assert choose_event(gold, [WRONG_EVENT, far_attack, near_attack]) is near_attack
    assert choose_event(gold, [WRONG_EVENT, far_attack]) is far_attack
    assert choose_event(gold, []) is None


def test_weighted_f1() -> None:
    assert weighted_f1([("a", "a"), ("b", "b")]) == 1.0
    assert weighted_f1([("a", "b"), ("b", "a")]) == 0.0
    # a: P=1/2 R=1 F=2/3 (support 1); b: P=0 (never predicted) -> F=0 (support 1)
    assert weighted_f1([("a", "a"), ("b", "a")]) == pytest.approx(1 / 3, abs=1e-4)
    assert weighted_f1([]) is None


def test_errors_file_and_failing_record(tmp_path: Path) -> None:
    gold_path = write_own_gold(tmp_path)
    errors_path = tmp_path / "out" / "errors.jsonl"
    pipeline = FixedPipeline({"TST1": [WRONG_EVENT], "TST2": [make_event()]}, failing={"TST3"})
    scores = run_eval(gold_path, errors_path=errors_path, pipeline=pipeline)
    assert scores["n"] == 3 and scores["n_errors"] == 1
    assert "model exploded" in scores["error_examples"][0]
    lines = [json.loads(line) for line in errors_path.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["TST1", "TST3"]  # TST2 is perfect
    wrong, failed = lines
    assert "event_type" in wrong["mismatched"] and "date" in wrong["mismatched"]
    assert wrong["event"]["event_type"] == "Riots"
    assert wrong["gold"]["event_type"] == "Protests"  # gold fields are written too
    assert failed["event"] is None and failed["mismatched"][0] == "event"
    assert "RuntimeError" in failed["error"]


def test_limit_and_reference_dates(tmp_path: Path) -> None:
    pipeline = FixedPipeline({})
    scores = run_eval(write_own_gold(tmp_path), limit=2, pipeline=pipeline)
    assert scores["n"] == 2
    assert pipeline.calls == [("TST1", "2021-03-14"), ("TST2", "2021-03-15")]


def test_default_pipeline_is_built_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[FixedPipeline] = []

    def build() -> FixedPipeline:
        built.append(FixedPipeline({"TST2": [make_event()]}))
        return built[-1]

    fake_module = types.ModuleType("sitreps.pipeline")
    fake_module.Pipeline = build
    monkeypatch.setitem(sys.modules, "sitreps.pipeline", fake_module)
    scores = run_eval(write_own_gold(tmp_path), progress=True)
    assert len(built) == 1 and len(built[0].calls) == 3
    assert scores["found"]["n"] == 1 and scores["timing"]["pipeline_load_s"] >= 0


# ---------------------------------------------------------------- readers on the shared files


@needs_shared
def test_kenya_first_record() -> None:
    first = next(read_gold(ACLED_DIR / "kenya_2007_2019.csv"))
    assert first.date == first.ref_date == "2019-12-31"
    assert first.country == "KE" and first.actor1_country == "KE"
    assert first.event_type == "Violence against civilians" and first.sub_event_type
    assert first.text and first.fatalities is not None and first.lat is not None


@needs_shared
@pytest.mark.parametrize(
    "name", ["burkina_faso_2010_2020.csv", "benin_2012_2022.csv", "bangladesh_2022_2024.csv"]
)
def test_current_acled_files_read(name: str) -> None:
    records = list(read_gold(ACLED_DIR / name))
    assert len(records) > 500
    assert all(r.date and len(r.date) == 10 and r.country for r in records)
    assert all(r.event_type and r.sub_event_type for r in records)
    assert records[0].source_format == "acled"


@needs_shared
def test_asia_2015_reads_and_maps_types() -> None:
    records = list(read_gold(ACLED_DIR / "asia_2015.csv"))
    assert len(records) > 10_000
    originals = {r.event_type_original for r in records}
    assert "Riots/Protests" in originals and "Remote violence" in originals
    current = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
    current |= {"Strategic developments", "Protests", "Riots"}
    assert all(r.accepted_event_types and r.accepted_event_types <= current for r in records)
    assert all(r.sub_event_type is None for r in records)
    assert not any("\ufffd" in r.text or "Õs" in r.text for r in records)
    assert all(r.date and r.date.startswith("2015-") for r in records)
    assert sum(r.actor1_country is not None for r in records) > 0.8 * len(records)


@needs_shared
def test_ucdp_reads() -> None:
    path = SHARED_EVENTS / "ucdp_syria_2016_2017.jsonl"
    records = list(islice(read_gold(path), 200))
    assert all(r.id.startswith("ucdp:") and r.text and r.country == "SY" for r in records)
    assert all(r.date and r.date[:4] in {"2016", "2017"} for r in records)
    government = [r for r in records if r.actor1 == "Government of Syria"]
    assert government and all(r.actor1_country == "SY" for r in government)
    assert all(r.accepted_event_types for r in records)
    assert compare(records[0], None)["actor1_name"] is None  # UCDP names are not scored


# ---------------------------------------------------------------- end to end


def test_end_to_end_with_real_pipeline(tmp_path: Path) -> None:
    pipeline_module = pytest.importorskip(
        "sitreps.pipeline", reason="sitreps.pipeline is not written yet"
    )
    errors_path = tmp_path / "errors.jsonl"
    scores = run_eval(
        write_own_gold(tmp_path), errors_path=errors_path, pipeline=pipeline_module.Pipeline()
    )
    assert scores["n"] == len(OWN_ROWS)
    assert scores["n_errors"] == 0, scores["error_examples"]
    assert scores["found"]["n"] >= 1  # three plain event sentences; at least one is found
    assert errors_path.exists()
    assert "time per record" in format_scores(scores)
