"""`sitreps eval geo` on small gold files written here (the real gazetteer, no pipeline)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sitreps.cli import app
from sitreps.evaluate.geo import (
    GeoGoldError,
    gold_kind,
    in_holdout,
    read_geo_gold,
    run_geo_eval,
    toponym_matches,
)
from sitreps.geo import Geocoder, open_gazetteer
from sitreps.geo.resolve import PlaceMention

TOPONYM_KEYS = {
    "precision",
    "recall",
    "f1",
    "acc_161km",
    "mean_km",
    "median_km",
    "auc",
    "n_gold",
    "n_pred",
}


@pytest.fixture(scope="module")
def geocoder():
    return Geocoder(open_gazetteer())


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _toponym(text, surface, lat, lon, geonameid=None, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return {
        "start": start,
        "end": start + len(surface),
        "surface": surface,
        "lat": lat,
        "lon": lon,
        "geonameid": geonameid,
        "is_toponym": True,
    }


@pytest.fixture
def toponym_gold(tmp_path):
    first = "Fighting was reported in Nairobi and in Mombasa, Kenya, on Monday."
    second = "Jets struck targets near Homs, the officials in Syria said."
    records = [
        {
            "id": "a",
            "text": first,
            "toponyms": [
                _toponym(first, "Nairobi", -1.2833, 36.8167),
                _toponym(first, "Mombasa", 4.05, 39.67),  # deliberately wrong hemisphere
                _toponym(first, "Kenya", 1.0, 38.0, geonameid=192950),
                {"start": 0, "end": 8, "surface": "Fighting", "lat": None, "lon": None},
            ],
        },
        {
            "id": "b",
            "text": second,
            "toponyms": [
                _toponym(second, "Homs", 34.7268, 36.7234),
                _toponym(second, "Syria", 35.0, 38.0, geonameid=163843),
                _toponym(second, "Jets", 10.0, 10.0),  # a gold toponym nobody finds
            ],
        },
    ]
    return _write(tmp_path / "toponyms.jsonl", records)


def test_toponym_metric(toponym_gold, geocoder, tmp_path):
    errors = tmp_path / "errors.jsonl"
    scores = run_geo_eval(toponym_gold, geocoder=geocoder, errors_path=errors)
    assert scores["kind"] == "toponyms"
    assert set(scores) >= TOPONYM_KEYS
    assert scores["n_gold"] == 6  # the toponym without coordinates is not gold
    assert scores["n_pred"] == 5 and scores["precision"] == 1.0
    assert scores["recall"] == pytest.approx(5 / 6, abs=0.001)
    # Mombasa is matched but ~900 km from the (wrong) gold point
    assert scores["acc_161km"] == pytest.approx(4 / 5)
    assert scores["median_km"] < 161 < scores["mean_km"]
    assert 0 < scores["auc"] < 1
    assert scores["area_id_n"] == 2 and scores["area_id_accuracy"] == 1.0
    kinds = [json.loads(line)["error"] for line in errors.read_text().splitlines()]
    assert sorted(kinds) == ["far", "missed"]


def test_match_needs_same_surface_and_close_midpoints():
    gold = {"start": 10, "end": 17, "surface": "Nairobi"}
    assert toponym_matches(PlaceMention(10, 17, "NAIROBI", None), gold)
    assert toponym_matches(PlaceMention(18, 25, "Nairobi", None), gold)  # 8 chars apart
    assert not toponym_matches(PlaceMention(20, 27, "Nairobi", None), gold)  # 10 apart
    assert not toponym_matches(PlaceMention(10, 17, "Nairobo", None), gold)


def test_event_location_sentences(tmp_path, geocoder):
    located = "Police shot dead two suspects in Watamu on Tuesday."
    abroad = "Protesters marched to the US embassy and later rallied."
    records = [
        {
            "id": 1,
            "text": located,
            "verb": {"start": located.index("shot"), "end": 11, "text": "shot"},
            "event_locations": [{"start": located.index("Watamu"), "end": 39}],
        },
        {
            "id": 2,
            "text": abroad,
            "verb": {"start": abroad.index("marched"), "end": 18, "text": "marched"},
            "event_locations": [],
        },
    ]
    scores = run_geo_eval(_write(tmp_path / "ev.jsonl", records), geocoder=geocoder)
    assert scores["kind"] == "event_location"
    assert scores["accuracy"] == 1.0 and scores["n"] == 2 and scores["n_located"] == 1


def test_ucdp_events_and_ceiling(tmp_path, geocoder):
    records = [
        {
            "id": 1,
            "headline": "Air strikes hit Palmyra and kill 12",
            "adm_1": "Homs Governorate",
            "lat": 34.56,
            "lon": 38.27,
            "where_prec": 1,
            "where_coordinates": "Palmyra",
        },
        {
            "id": 2,
            "headline": "Clashes continue in the countryside of Aleppo",
            "adm_1": "Idlib Governorate",
            "lat": 35.93,
            "lon": 36.63,
            "where_prec": 2,
            "where_coordinates": "Idlib",
        },
    ]
    scores = run_geo_eval(_write(tmp_path / "ucdp.jsonl", records), geocoder=geocoder)
    assert scores["kind"] == "ucdp"
    assert scores["within_25km"] == 0.5 and scores["admin1"] == 0.5
    assert scores["gazetteer_ceiling_25km"] == 1.0


def test_splits_are_stable_and_disjoint(toponym_gold):
    tune = {r["id"] for r in read_geo_gold(toponym_gold, "tune")}
    held = {r["id"] for r in read_geo_gold(toponym_gold, "holdout")}
    assert tune | held == {"a", "b"} and not tune & held
    assert in_holdout("a") == in_holdout("a")
    assert len(read_geo_gold(toponym_gold, limit=1)) == 1


def test_bad_gold_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "x", "toponyms": []}\nnot json\n', encoding="utf-8")
    with pytest.raises(GeoGoldError, match="line 2"):
        read_geo_gold(bad)
    with pytest.raises(GeoGoldError, match="unknown gold schema"):
        gold_kind([{"id": 1, "foo": 2}])
    with pytest.raises(GeoGoldError, match="no gold file"):
        read_geo_gold(tmp_path / "missing.jsonl")


def test_cli_json(toponym_gold):
    result = CliRunner().invoke(app, ["eval", "geo", str(toponym_gold), "--json", "--limit", "1"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert set(scores) >= TOPONYM_KEYS and scores["n_records"] == 1


def test_cli_bad_file_exits_2(tmp_path):
    result = CliRunner().invoke(app, ["eval", "geo", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
