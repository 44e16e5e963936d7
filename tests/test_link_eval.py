"""Linking evaluation: labelled pairs are found again in a real store and scored."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from pgserver import pg_server_url, pg_url  # noqa: F401 (fixtures, for link_db)
from sitreps.evaluate.linking import (
    DEFAULT_LABELS,
    SIDE_FIELDS,
    LinkingLabelsError,
    read_pairs,
    relink_database,
    run_linking_eval,
    score_pairs,
    stored_events,
)
from sitreps.link import choose_incident
from sitreps.records import Actor, ActorKind, ArticleRef, Event, Evidence, Location
from sitreps.store import open_store

HEADER = ["pair_id", "split", "category", "label", "reason"] + [
    f"{side}_{name}" for side in "ab" for name in SIDE_FIELDS
]
YEMEN = "examples/01_yemen_strikes_scraped.txt"
SOMALIA = "examples/04_somalia_roadside_bomb.txt"


def _side(doc: str, sentence: str, etype: str, sub: str, date: str, place: str) -> dict:
    return {"doc": doc, "corpus_id": "", "sentence": sentence, "event_type": etype,
            "sub_event_type": sub, "date": date, "place": place, "geonameid": ""}  # fmt: skip


def _write_labels(path: Path, rows: list[tuple[str, str, dict, dict]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        for n, (label, split, a, b) in enumerate(rows, start=1):
            row = {"pair_id": f"t{n}", "split": split, "category": "test", "label": label,
                   "reason": "written for the test"}  # fmt: skip
            row.update({f"a_{k}": v for k, v in a.items()})
            row.update({f"b_{k}": v for k, v in b.items()})
            writer.writerow(row)
    return path


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory, pipeline) -> Path:
    """The examples coded by the real pipeline into a real store (one article at a time)."""
    from sitreps.ingest import read_inputs

    db = tmp_path_factory.mktemp("link") / "examples.db"
    with open_store(db) as store:
        for raw in read_inputs([str(EXAMPLES)]):
            result = pipeline.process(raw)
            if result.article is not None and result.error is None:
                store.save_article(result.article, result.events)
    return db


def _event_key(db: Path, doc: str, sub: str) -> dict:
    with open_store(db) as store:
        for stored in stored_events(store):
            event = stored.event
            if stored.doc.endswith(doc) and event.sub_event_type == sub:
                first = event.evidence[0]
                return _side(doc, f"{first.start}-{first.end}", event.event_type, sub,
                             event.date or "", event.location.name if event.location else "")  # fmt: skip
    raise AssertionError(f"no {sub} event in {doc}")


def test_labelled_pairs_are_found_and_scored(examples_db, tmp_path):
    strike = _event_key(examples_db, YEMEN, "Air/drone strike")
    shelling = _event_key(examples_db, YEMEN, "Shelling/artillery/missile attack")
    bomb = _event_key(examples_db, SOMALIA, "Remote explosive/landmine/IED")
    moved = {**bomb, "sentence": "99999-99999", "date": "1999-01-01"}  # no such event
    labels = _write_labels(tmp_path / "pairs.csv", [
        ("different", "tune", strike, shelling),
        ("same", "heldout", strike, strike),
        ("different", "heldout", strike, bomb),
        ("same", "tune", bomb, moved),
    ])  # fmt: skip
    scores = run_linking_eval(labels, db=examples_db)
    assert scores["pairs"] == 4 and scores["matched"] == 3
    assert scores["unmatched"] == [{"pair_id": "t4", "split": "tune", "sides": ["b"]}]
    # the unmatched `same` pair is a miss: its sentence gives no event to link
    assert scores["all"]["tp"] == 1 and scores["all"]["tn"] == 2 and scores["all"]["fn"] == 1
    assert scores["all"]["precision"] == 1.0 and scores["all"]["recall"] == 0.5
    assert scores["tune"]["pairs"] == 2 and scores["heldout"]["pairs"] == 2
    corpus = scores["corpus"]
    assert corpus["documents"] == "all" and corpus["events"] >= 5
    assert corpus["incidents"] <= corpus["events"]


def _add_rounds(path: Path, rounds: list[str]) -> Path:
    """The labels file with a `round` column holding the given values, row by row."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*HEADER, "round"])
        writer.writeheader()
        writer.writerows({**row, "round": value} for row, value in zip(rows, rounds, strict=True))
    return path


def test_scores_are_given_per_round_and_split(examples_db, tmp_path):
    """Each labelling round is scored on its own, per split; a file without rounds is round 1."""
    from sitreps.evaluate.linking import format_linking_scores

    strike = _event_key(examples_db, YEMEN, "Air/drone strike")
    shelling = _event_key(examples_db, YEMEN, "Shelling/artillery/missile attack")
    labels = _write_labels(tmp_path / "pairs.csv", [
        ("same", "tune", strike, strike),
        ("different", "heldout", strike, shelling),
        ("same", "tune", strike, strike),
    ])  # fmt: skip
    assert {p.round for p in read_pairs(labels)} == {"1"}
    assert list(run_linking_eval(labels, db=examples_db)["by_round"]) == ["1"]
    scores = run_linking_eval(_add_rounds(labels, ["1", "2", "2"]), db=examples_db)
    assert scores["by_round"]["1"]["tune"]["tp"] == 1
    assert scores["by_round"]["2"]["tune"]["tp"] == 1
    assert scores["by_round"]["2"]["heldout"]["tn"] == 1
    assert scores["by_round"]["1"]["heldout"]["pairs"] == 0
    assert scores["by_split_category"]["heldout"] == {"test": {"pairs": 1, "correct": 1}}
    lines = format_linking_scores(scores).splitlines()
    assert any(line.strip().startswith("tune: round 2: precision 1.000") for line in lines)
    # Dropping the lines that name heldout (and `all:`) leaves no heldout figure behind.
    kept = [line for line in lines if "heldout" not in line and not line.strip().startswith("all:")]
    assert not any("round" in line and not line.strip().startswith("tune:") for line in kept)
    assert all("(heldout)" not in line for line in kept)


def test_a_bad_round_is_refused_with_the_line(tmp_path):
    side = _side(YEMEN, "0-10", "Battles", "Armed clash", "2020-01-01", "X")
    labels = _add_rounds(_write_labels(tmp_path / "pairs.csv", [("same", "tune", side, side)]),
                         ["second"])  # fmt: skip
    with pytest.raises(LinkingLabelsError, match="line 2: round"):
        read_pairs(labels)


def test_a_key_survives_shifted_offsets(examples_db, tmp_path):
    """A sentence that moved by a few characters (a cleaner change) still finds its event."""
    strike = _event_key(examples_db, YEMEN, "Air/drone strike")
    start, end = (int(x) for x in strike["sentence"].split("-"))
    shifted = {**strike, "sentence": f"{start + 3}-{end + 3}"}
    labels = _write_labels(tmp_path / "pairs.csv", [("same", "tune", strike, shifted)])
    assert run_linking_eval(labels, db=examples_db)["all"]["tp"] == 1


def test_relinking_a_database_keeps_its_events(examples_db, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copy(examples_db, copy)
    relink_database(copy, tmp_path / "relinked.db")
    with open_store(copy) as old, open_store(tmp_path / "relinked.db") as new:
        assert {e.id for e in old.events()} == {e.id for e in new.events()}


def test_bad_labels_are_refused_with_the_line(tmp_path):
    bad = tmp_path / "bad.csv"
    side = _side(YEMEN, "0-10", "Battles", "Armed clash", "2020-01-01", "X")
    _write_labels(bad, [("maybe", "tune", side, side)])
    with pytest.raises(LinkingLabelsError, match="line 2"):
        read_pairs(bad)
    (tmp_path / "cols.csv").write_text("pair_id,label\np1,same\n", encoding="utf-8")
    with pytest.raises(LinkingLabelsError, match="missing columns"):
        read_pairs(tmp_path / "cols.csv")
    with pytest.raises(LinkingLabelsError, match="no such labels file"):
        read_pairs(tmp_path / "absent.csv")


def test_the_repository_labels_are_well_formed():
    pairs = read_pairs(DEFAULT_LABELS)
    assert len(pairs) >= 150
    assert {p.split for p in pairs} == {"tune", "heldout"}
    assert {p.round for p in pairs} == {"1", "2"}
    assert sum(p.same for p in pairs) >= 40
    assert len({p.pair_id for p in pairs}) == len(pairs)
    assert all(p.reason for p in pairs)
    assert score_pairs(pairs, [])["matched"] == 0  # nothing stored: every pair unmatched


def test_cli_prints_json(examples_db, tmp_path):
    from sitreps.cli import app

    strike = _event_key(examples_db, YEMEN, "Air/drone strike")
    labels = _write_labels(tmp_path / "pairs.csv", [("same", "tune", strike, strike)])
    result = CliRunner().invoke(app, ["eval", "linking", str(labels), "--db", str(examples_db),
                                      "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["all"]["tp"] == 1
    missing = CliRunner().invoke(app, ["eval", "linking", str(tmp_path / "none.csv")])
    assert missing.exit_code == 2


# -------------------------------------------------------------- the linker's incident choice

DOUMA = Location(name="Douma", geonameid=170654, country="SY", admin1="Rif-dimashq",
                 lat=33.57, lon=36.40, precision="place")  # fmt: skip
SYRIA = Location(name="Syria", geonameid=163843, country="SY", precision="country")


def _report(n: int, article: str, *, location: Location, date: str, actor: str | None,
            precision: str = "day", incident: str | None = None) -> Event:  # fmt: skip
    actor1 = (
        Actor(name=actor, country="SY", kind=ActorKind.STATE_FORCES, text="forces")
        if actor
        else None
    )
    return Event(
        id=f"e{n}", event_type="Explosions/Remote violence", sub_event_type="Chemical weapon",
        date=date, date_precision=precision, actor1=actor1, location=location,
        evidence=[Evidence(text=f"sentence {n}", start=0, end=9)], article=ArticleRef(id=article),
        confidence=0.7, incident_id=incident,
    )  # fmt: skip


def test_a_follow_up_at_the_same_place_joins_within_a_week():
    first = _report(1, "a1", location=DOUMA, date="2018-04-07", actor="Military Forces of Syria")
    later = _report(2, "a2", location=DOUMA, date="2018-04-13", actor="Military Forces of Syria")
    assert choose_incident(later, [first]) == "e1"
    too_late = _report(3, "a3", location=DOUMA, date="2018-04-20", actor="Military Forces of Syria")
    assert choose_incident(too_late, [first]) is None


def test_a_vague_report_cannot_chain_two_happenings():
    vague = _report(1, "a1", location=SYRIA, date="2018-04-10", actor="Military Forces of Syria")
    early = _report(2, "a2", location=DOUMA, date="2018-04-10", actor="Military Forces of Syria",
                    incident="e1")  # fmt: skip
    # a month-precision report at country level pins down nothing
    month = _report(3, "a3", location=SYRIA, date="2018-04-01", actor="Military Forces of Syria",
                    precision="month")  # fmt: skip
    assert choose_incident(month, [vague, early]) is None
    # a report at the same place but 20 days later is another happening
    far = _report(4, "a4", location=DOUMA, date="2018-04-30", actor="Military Forces of Syria")
    assert choose_incident(far, [vague, early]) is None


def test_a_vague_report_needs_the_same_named_perpetrator():
    precise = _report(1, "a1", location=DOUMA, date="2018-04-10", actor="Military Forces of Syria")
    unnamed = _report(2, "a2", location=SYRIA, date="2018-04-10", actor=None)
    assert choose_incident(unnamed, [precise]) is None
    named = _report(3, "a3", location=SYRIA, date="2018-04-10", actor="Military Forces of Syria")
    assert choose_incident(named, [precise]) == "e1"


def test_the_seed_russian_statements_are_one_incident(pipeline, seed_path, tmp_path):
    """'Russia says…' and 'A US defence official said… near Homs' are one happening."""
    from sitreps.ingest import read_inputs

    result = pipeline.process(next(iter(read_inputs([str(seed_path)]))))
    text = result.article.text
    starts = {text.index("Russia says"), text.index("A US defence official")}
    with open_store(tmp_path / "seed.db") as store:
        stored = store.save_article(result.article, result.events)
        holding = [e for e in stored if starts & {ev.start for ev in e.evidence}]
        assert len({e.incident_id for e in holding}) == 1
        assert starts <= {ev.start for ev in holding[0].evidence}


@pytest.fixture(params=["sqlite", "postgresql"])
def link_db(request, tmp_path) -> str:
    """A database for linking in the store: a SQLite file, then a PostgreSQL schema (skipped
    where no server can be started, as in tests/test_store_pg.py; CI fails instead)."""
    if request.param == "sqlite":
        return str(tmp_path / "link.db")
    return request.getfixturevalue("pg_url")


HOMS_PLACE = Location(name="Homs", geonameid=169577, country="SY", admin1="Homs", lat=34.72,
                      lon=36.72, precision="place")  # fmt: skip
REGIME = Actor(name="Military Forces of Syria", country="SY", kind=ActorKind.STATE_FORCES,
               text="regime forces")  # fmt: skip
RUSSIA = Actor(name="Military Forces of Russia", country="RU", kind=ActorKind.STATE_FORCES,
               text="Russian jets")  # fmt: skip


def _told(n: int, location: Location, actors: tuple, *, etype: str = "Explosions/Remote violence",
          sub: str = "Air/drone strike", date: str = "2015-10-01"):  # fmt: skip
    """An article of one sentence and the events coded from it (one)."""
    from sitreps.records import Article

    article = Article(id=f"art{n}", input=f"art{n}.txt", text="A strike was reported.")
    event = Event(
        id=f"s{n}", event_type=etype, sub_event_type=sub, date=date, date_precision="day",
        actor1=actors[0] if actors else None, actor2=actors[1] if len(actors) > 1 else None,
        location=location,
        evidence=[Evidence(text="A strike was reported.", start=0, end=22)],
        article=ArticleRef(id=article.id), confidence=0.7,
    )  # fmt: skip
    return article, [event]


def test_a_bridging_report_merges_incidents_in_the_store(link_db):
    """Told from the Syrian side and from the Russian side, one strike starts as two
    incidents; a report naming both sides joins them into one, rows and records alike."""
    civilians = Actor(name="Civilians (Syria)", country="SY", kind=ActorKind.CIVILIANS,
                      text="civilians")  # fmt: skip
    with open_store(link_db) as store:
        for n, location, actors in (
            (1, HOMS_PLACE, (REGIME, civilians)),  # the Syrian side's account
            (2, HOMS_PLACE, (RUSSIA,)),  # the Russian side's: no actor in common, apart
            (3, SYRIA, (RUSSIA, REGIME)),  # told at country level: joins the Russian account
        ):
            store.save_article(*_told(n, location, actors))
        assert len({e.incident_id for e in store.events()}) == 2
        [linked] = store.save_article(*_told(4, HOMS_PLACE, (RUSSIA, REGIME)))
        assert {e.incident_id for e in store.events()} == {linked.incident_id} == {"s1"}
        rows = store.conn.execute("SELECT DISTINCT incident_id FROM events").fetchall()
        assert [r["incident_id"] for r in rows] == ["s1"]
        assert store.counts()["incidents"] == 1
        assert store.incident("s1").reports == 4


def test_reports_coded_with_different_types_link_in_the_store(link_db):
    """A clash in one report and a bombing in another, same two actors, one day apart."""
    with open_store(link_db) as store:
        store.save_article(*_told(1, SYRIA, (RUSSIA, REGIME), etype="Battles", sub="Armed clash"))
        [bomb] = store.save_article(
            *_told(
                2, SYRIA, (RUSSIA, REGIME), sub="Remote explosive/landmine/IED", date="2015-10-02"
            )  # fmt: skip
        )
        assert bomb.incident_id == "s1"
        assert store.incident("s1").reports == 2


def test_saving_returns_the_incident_that_survives_a_merge(link_db):
    """An article's first event joins one incident, its second bridges that incident and
    another: both come back with the incident that survives."""
    with open_store(link_db) as store:
        store.save_article(*_told(1, HOMS_PLACE, (REGIME,)))
        store.save_article(*_told(2, HOMS_PLACE, (RUSSIA,)))
        article, [joins] = _told(3, HOMS_PLACE, (RUSSIA,))
        _, [bridge] = _told(4, HOMS_PLACE, (RUSSIA, REGIME))
        bridge = bridge.model_copy(update={"article": joins.article})
        saved = store.save_article(article, [joins, bridge])
        assert [e.incident_id for e in saved] == ["s1", "s1"]
        assert {e.incident_id for e in store.events()} == {"s1"}


ALEPPO_PLACE = Location(name="Aleppo", geonameid=170063, country="SY", admin1="Aleppo",
                        lat=36.20, lon=37.16, precision="place")  # fmt: skip


def _story() -> list[tuple]:
    """Reports of two strikes and their follow-ups, vague ones and one bridging report."""
    civilians = Actor(name="Civilians (Syria)", country="SY", kind=ActorKind.CIVILIANS,
                      text="civilians")  # fmt: skip
    return [
        _told(1, HOMS_PLACE, (REGIME, civilians)),
        _told(2, HOMS_PLACE, (RUSSIA,), date="2015-10-02"),
        _told(3, SYRIA, (RUSSIA,)),  # fits the Homs and the Aleppo strikes: follows one
        _told(4, ALEPPO_PLACE, (RUSSIA,)),
        _told(5, HOMS_PLACE, (RUSSIA, REGIME), date="2015-10-02"),  # bridges 1 and 2
        _told(6, HOMS_PLACE, ()),  # names nobody: follows
        _told(7, ALEPPO_PLACE, (RUSSIA,), date="2015-10-20"),  # another strike
        _told(8, SYRIA, ()),  # pins down nothing
    ]


def _incidents_after(path, articles) -> dict[str, str]:
    with open_store(path) as store:
        for article, events in articles:
            store.save_article(article, events)
        return {e.id: e.incident_id for e in store.events()}


def test_the_order_of_ingest_does_not_change_the_incidents(tmp_path):
    import random

    story = _story()
    expected = _incidents_after(tmp_path / "forward.db", story)
    assert len(set(expected.values())) == 4  # s1 (with s3), s4, s7, s8
    assert expected["s1"] == expected["s2"] == expected["s5"] == expected["s6"] == "s1"
    assert expected["s3"] in ("s1", "s4") and expected["s7"] == "s7"
    orders = [list(reversed(story))] + [
        random.Random(n).sample(story, len(story)) for n in range(6)
    ]
    for n, order in enumerate(orders):
        assert _incidents_after(tmp_path / f"order{n}.db", order) == expected


def test_the_order_of_real_articles_does_not_change_the_incidents(examples_db, tmp_path):
    with open_store(examples_db) as store:
        rows = store.conn.execute("SELECT DISTINCT article_id FROM events ORDER BY rowid")
        articles = []
        for row in rows.fetchall():
            article = store.article(row["article_id"])
            events = [e.model_copy(update={"incident_id": None}) for e in store.events()
                      if e.article.id == article.id]  # fmt: skip
            articles.append((article, events))
    forward = _incidents_after(tmp_path / "forward.db", articles)
    assert _incidents_after(tmp_path / "reverse.db", list(reversed(articles))) == forward


def _fill(store, count: int) -> None:
    """`count` bare events over 10 countries and 1000 days, then fresh statistics."""
    import random
    from datetime import date, timedelta

    rng = random.Random(6)
    types = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
             ("Protests", "Peaceful protest"), ("Riots", "Mob violence")]  # fmt: skip
    countries = ["SY", "IQ", "YE", "AF", "SO", "NG", "ML", "UA", "MM", "SD"]
    rows = []
    for n in range(count):
        etype, sub = rng.choice(types)
        day = date(2014, 1, 1) + timedelta(days=rng.randrange(1000))
        rows.append((f"f{n}", "fill", etype, sub, day.isoformat(), "day", rng.choice(countries),
                     "place", rng.uniform(-30, 50), rng.uniform(-20, 100), "{}"))  # fmt: skip
    with store.conn:
        store.conn.execute("INSERT INTO articles (id, text) VALUES ('fill', 'filler')")
        store.conn.executemany(
            "INSERT INTO events (id, article_id, event_type, sub_event_type, date, date_precision, "
            "country, geo_precision, lat, lon, record) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    store.conn.execute("ANALYZE")


@pytest.mark.parametrize(
    ("location", "index"),
    [(HOMS_PLACE, "events_link"), (SYRIA, "events_link"), (None, "events_type_date")],
)
def test_candidate_search_goes_through_indexes(link_db, location, index):
    from sitreps.link import search_window
    from sitreps.store import _candidate_queries

    _, [event] = _told(1, location, (RUSSIA,))
    with open_store(link_db) as store:
        _fill(store, 5000)
        plans = [store.dialect.plan(store.conn, sql, params)
                 for sql, params in _candidate_queries(event, search_window(event))]  # fmt: skip
        assert index in plans[0]
        assert all("events_" in plan for plan in plans), plans


def test_a_vague_report_leaves_an_incident_an_older_linker_filled(link_db):
    """A database linked by an older linker may hold incidents named after a vague report
    with other reports in them: when the vague report moves, the incident stays theirs."""
    with open_store(link_db) as store:
        [vague] = store.save_article(*_told(1, SYRIA, (RUSSIA,)))
        assert vague.incident_id == "s1"
        store.save_article(*_told(2, ALEPPO_PLACE, (REGIME,)))
        with store.conn:
            store._set_incident("s2", "s1")  # as an older linker left it
        [homs] = store.save_article(*_told(3, HOMS_PLACE, (RUSSIA,)))
        incidents = {e.id: e.incident_id for e in store.events()}
        assert incidents == {"s1": "s3", "s2": "s1", "s3": "s3"}
        rows = store.conn.execute("SELECT id FROM incidents").fetchall()
        assert {"s1", "s3"} <= {row["id"] for row in rows}


def _random_reports(seed: int, count: int) -> list[tuple]:
    """Reports drawn from small pools (places near and far, regions, countries, no place;
    named, conventional and missing actors; types of one group; dates of every precision;
    a casualty named in some), so that many of them can be linked."""
    import random
    from datetime import date, timedelta

    from sitreps.records import Article

    rng = random.Random(seed)
    near_homs = Location(name="Talbiseh", country="SY", admin1="Homs", lat=34.84, lon=36.73,
                         precision="place")  # fmt: skip
    idlib = Location(name="Idlib", country="SY", admin1="Idlib", lat=35.8, lon=36.6,
                     precision="admin1")  # fmt: skip
    places = [HOMS_PLACE, near_homs, ALEPPO_PLACE, SYRIA, idlib, None]
    conventional = Actor(name="Unidentified Armed Group (Syria)", country="SY",
                         kind=ActorKind.REBELS)  # fmt: skip
    isis = Actor(name="Islamic State", kind=ActorKind.REBELS, text="Isis")
    actors = [RUSSIA, REGIME, isis, conventional, None]
    types = [("Explosions/Remote violence", "Air/drone strike"),
             ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
             ("Battles", "Armed clash"),
             ("Explosions/Remote violence", "Remote explosive/landmine/IED")]  # fmt: skip
    texts = ["A strike was reported.", "Tom Marsh, 27, was killed.", "Friends mourned Marsh."]
    reports = []
    for n in range(count):
        etype, sub = rng.choice(types)
        precision = rng.choice(["day"] * 6 + ["week", "month", "year"])
        day = date(2015, 10, 1) + timedelta(days=rng.randrange(12))
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        text = rng.choice(texts)
        article = Article(id=f"r{n}", input=f"r{n}.txt", text=text)
        event = Event(
            id=f"r{n:02d}", event_type=etype, sub_event_type=sub, date=day.isoformat(),
            date_precision=precision, actor1=rng.choice(actors), actor2=rng.choice(actors),
            location=rng.choice(places), evidence=[Evidence(text=text, start=0, end=len(text))],
            article=ArticleRef(id=article.id), confidence=0.7,
        )  # fmt: skip
        reports.append((article, [event]))
    return reports


@pytest.mark.parametrize("seed", [1, 2])
def test_any_order_of_random_reports_gives_the_same_incidents(tmp_path, seed):
    import random

    reports = _random_reports(seed, 40)
    expected = _incidents_after(tmp_path / "first.db", reports)
    assert len(set(expected.values())) < len(expected)  # some were linked
    for n in range(3):
        order = random.Random(seed * 10 + n).sample(reports, len(reports))
        assert _incidents_after(tmp_path / f"order{n}.db", order) == expected


# ------------------------------------------------ re-saving an article re-links what it left


def _resaved(path, story: list[tuple], changed: list[tuple]) -> dict[str, str]:
    """The incidents after storing `story`, then saving the `changed` articles again."""
    with open_store(path) as store:
        for article, events in story:
            store.save_article(article, events)
        for article, events in changed:
            store.save_article(article, events)
        incidents = {e.id: e.incident_id for e in store.events()}
        rows = store.conn.execute("SELECT id FROM incidents").fetchall()
        assert {row["id"] for row in rows} == set(incidents.values())  # no stale incident
        return incidents


def _final(story: list[tuple], changed: list[tuple]) -> list[tuple]:
    """The reports a store holds once the `changed` articles replaced their old versions."""
    replaced = {article.id for article, _ in changed}
    return [item for item in story if item[0].id not in replaced] + changed


def _as_article(n: int, told: tuple) -> tuple:
    """`told`'s event, as article `art{n}` told it (the same event id as that article's)."""
    article, [event] = told
    return (article.model_copy(update={"id": f"art{n}"}),
            [event.model_copy(update={"id": f"s{n}", "article": ArticleRef(id=f"art{n}")})])  # fmt: skip


def _check_resave(link_db: str, tmp_path: Path, changed: list[tuple], orders: int) -> dict:
    """Re-saving `changed` over the story gives the incidents of a fresh store holding the
    same reports, whatever order the story was stored in (and the fresh store's order)."""
    import random

    story = _story()
    final = _final(story, changed)
    expected = _incidents_after(tmp_path / "fresh.db", final)
    assert _incidents_after(tmp_path / "fresh-reversed.db", list(reversed(final))) == expected
    sequences = [story, list(reversed(story))] + [
        random.Random(n).sample(story, len(story)) for n in range(orders - 2)
    ]
    for n, order in enumerate(sequences):
        target = link_db if n == 0 else tmp_path / f"order{n}.db"
        assert _resaved(target, order, changed) == expected, f"order {n}"
    return expected


def test_resaving_the_bridging_report_away_splits_the_incident(link_db, tmp_path):
    """The report that bridged the Syrian and the Russian accounts of a Homs strike is
    coded again as a strike at Aleppo three weeks later: the two accounts are two incidents
    again, as in a store that never held the bridge."""
    elsewhere = _as_article(5, _told(5, ALEPPO_PLACE, (REGIME,), date="2015-10-25"))
    expected = _check_resave(link_db, tmp_path, [elsewhere], orders=5)
    assert expected["s1"] == "s1" and expected["s2"] == "s2" and expected["s5"] == "s5"
    assert expected["s3"] in ("s2", "s4")  # the vague report follows a report still there


def test_resaving_an_article_without_events_splits_the_incident(link_db, tmp_path):
    """An article coded again into nothing (as deleting its events) takes its links along."""
    article, _ = _story()[4]
    expected = _check_resave(link_db, tmp_path, [(article, [])], orders=3)
    assert "s5" not in expected and expected["s1"] != expected["s2"]


def test_an_incident_loses_the_report_it_was_named_after(link_db, tmp_path):
    """The first Homs report is coded again as a protest elsewhere: the incident it named
    goes on under the smallest id left, its vague follower with it."""
    protest = _as_article(1, _told(1, ALEPPO_PLACE, (REGIME,), etype="Protests",
                                   sub="Peaceful protest", date="2015-11-20"))  # fmt: skip
    expected = _check_resave(link_db, tmp_path, [protest], orders=3)
    assert expected["s1"] == "s1" and expected["s2"] == expected["s5"] == expected["s6"] == "s2"


def test_a_resaved_report_that_now_joins_another_incident(link_db, tmp_path):
    """The bridging report is coded again as the Russian strike at Aleppo that day: it
    leaves the Homs accounts apart and joins the Aleppo incident."""
    aleppo = _as_article(5, _told(5, ALEPPO_PLACE, (RUSSIA,)))
    expected = _check_resave(link_db, tmp_path, [aleppo], orders=4)
    assert expected["s5"] == expected["s4"] == "s4" and expected["s1"] != expected["s2"]


@pytest.mark.parametrize("seed", [1, 2])
def test_resaving_random_articles_gives_the_incidents_of_a_fresh_store(tmp_path, seed):
    """Random reports, then a third of their articles coded again as other random reports
    (same article and event ids): the incidents of a store that held only the final ones."""
    import random

    reports = _random_reports(seed, 40)
    rng = random.Random(seed)
    redrawn = _random_reports(seed + 100, 40)
    changed = [redrawn[i] for i in sorted(rng.sample(range(40), 13))]
    final = _final(reports, changed)
    expected = _incidents_after(tmp_path / "fresh.db", final)
    assert _resaved(tmp_path / "resaved.db", reports, changed) == expected
    shuffled = rng.sample(reports, len(reports))
    assert _resaved(tmp_path / "shuffled.db", shuffled, rng.sample(changed, len(changed))) == (
        expected
    )
