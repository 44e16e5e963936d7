"""Exports read back by their consumer libraries: csv, json, pyarrow and DuckDB.

The database is a real one: the project's examples (and two short wire reports written for
these tests) coded by the real pipeline and stored with Store.save_article.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from sitreps.cli import flat_row
from sitreps.export import (
    ACLED_CSV_COLUMNS,
    ExportError,
    acled_row,
    export_events,
    parquet_row,
    write_geojson,
)
from sitreps.records import Event, RawDocument
from sitreps.store import EventFilter, Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# Two follow-up reports of the Afgooye roadside bomb in examples/04 (written for these tests).
FOLLOW_UPS = {
    "wire-1": (
        "Militants claim convoy bombing",
        "2019-11-03",
        "MOGADISHU, Nov. 3, 2019 — Al-Shabaab fighters detonated a roadside bomb against a "
        "Somali army convoy near Afgooye on Sunday, killing five soldiers, a police officer "
        "told reporters.",
    ),
    "wire-2": (
        "Convoy hit on Afgooye road",
        "2019-11-03",
        "MOGADISHU, Nov. 3, 2019 — A roadside bomb hit a Somali army convoy near Afgooye on "
        "Sunday, killing nine soldiers, a district commissioner said.",
    ),
}


def build_database(pipeline, path: Path) -> Path:
    """Ingest the examples and the follow-ups with the real pipeline into a new database."""
    from sitreps.ingest import read_inputs

    follow_ups = [
        RawDocument(input=key, id=key, content=text.encode(), kind="article", title=title,
                    date=day, source="Test Wire")
        for key, (title, day, text) in FOLLOW_UPS.items()
    ]  # fmt: skip
    with Store(path) as store:
        for raw in [*read_inputs([str(EXAMPLES)]), *follow_ups]:
            result = pipeline.process(raw)
            if result.article is not None:
                store.save_article(result.article, result.events)
    return path


@pytest.fixture(scope="module")
def database(pipeline, tmp_path_factory) -> Path:
    return build_database(pipeline, tmp_path_factory.mktemp("export") / "sitreps.db")


@pytest.fixture(scope="module")
def events(database) -> list[Event]:
    with Store(database) as store:
        found = store.events()
    assert len(found) >= 8
    return found


def test_jsonl_reads_back_as_the_same_records(events, tmp_path):
    path = tmp_path / "events.jsonl"
    stats = export_events(events, "jsonl", path)
    read = [Event.model_validate_json(line) for line in path.read_text().splitlines()]
    assert read == events and stats.written == len(events)


def test_acled_csv_reads_back_with_acled_columns(events, tmp_path):
    path = tmp_path / "events.csv"
    export_events(events, "acled-csv", path)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert reader.fieldnames == ACLED_CSV_COLUMNS
    assert rows == [{k: str(v) for k, v in acled_row(e).items()} for e in events]
    by_id = {row["sitreps_id"]: row for row in rows}
    for event in events:
        row = by_id[event.id]
        assert row["event_date"] == event.date and row["year"] == event.date[:4]
        assert row["notes"] == " ".join(e.text for e in event.evidence)
        assert float(row["latitude"]) == pytest.approx(event.location.lat, abs=1e-5)
        assert row["event_id_cnty"][:3] == row["event_id_cnty"][:3].upper()
    assert set(by_id) == {e.id for e in events}


def _row(rows: list[dict], **match) -> dict:
    return next(r for r in rows if all(r[k] == v for k, v in match.items()))


def test_acled_conventions(events):
    rows = [acled_row(e) for e in events]
    djibo = _row(rows, location="Djibo")
    assert djibo["event_id_cnty"].startswith("BFA") and djibo["iso"] == 854
    assert djibo["country"] == "Burkina Faso" and djibo["time_precision"] == 1
    assert djibo["geo_precision"] == 2  # "near Djibo"
    # the unnamed attackers ambushed the army patrol: rebels (2) against state forces (1)
    assert (djibo["inter1"], djibo["inter2"], djibo["interaction"]) == (2, 1, 12)
    assert djibo["disorder_type"] == "Political violence" and djibo["fatalities"] == 22
    protest = _row(rows, event_type="Protests")
    assert protest["disorder_type"] == "Demonstrations" and protest["inter1"] == 6
    assert protest["interaction"] == 16 and protest["civilian_targeting"] == ""
    arrests = _row(rows, sub_event_type="Arrests")
    assert arrests["fatalities"] == 0 and arrests["fatalities_unknown"] == "true"
    assert arrests["geo_precision"] == 3  # a province
    market = _row(rows, location="Majz")
    assert market["civilian_targeting"] == "Civilian targeting" and market["contested"] == "true"
    assert market["fatalities_unknown"] == "false" and market["inter2"] == 7


def test_geojson_reads_back_as_points(events, tmp_path):
    path = tmp_path / "events.geojson"
    stats = export_events(events, "geojson", path)
    collection = json.loads(path.read_text())
    assert collection["type"] == "FeatureCollection"
    located = [e for e in events if e.location and e.location.lat is not None]
    assert stats.written == len(collection["features"]) == len(located)
    for feature, event in zip(collection["features"], located, strict=True):
        assert feature["geometry"] == {
            "type": "Point", "coordinates": [event.location.lon, event.location.lat]
        }  # fmt: skip
        assert feature["properties"] == json.loads(json.dumps(flat_row(event)))


def test_geojson_leaves_out_events_without_coordinates(events):
    nowhere = events[0].model_copy(update={"id": "nowhere", "location": None})
    out = io.StringIO()
    stats = write_geojson([nowhere, events[1]], out)
    assert (stats.written, stats.left_out) == (1, 1)
    assert [f["id"] for f in json.loads(out.getvalue())["features"]] == [events[1].id]


def test_parquet_is_partitioned_by_month_and_reads_back_with_pyarrow(events, tmp_path):
    import pyarrow.dataset as ds

    out = tmp_path / "parquet"
    stats = export_events(events, "parquet", out)
    months = {e.date[:7] for e in events}
    assert {p.name for p in out.iterdir()} == {f"year_month={m}" for m in months}
    table = ds.dataset(out, format="parquet", partitioning="hive").to_table()
    read = sorted(table.to_pylist(), key=lambda r: r["id"])
    expected = sorted((parquet_row(e) for e in events), key=lambda r: r["id"])
    assert read == expected and stats.written == len(events)


def test_parquet_reads_back_with_duckdb(events, tmp_path):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is a dev dependency")
    out = tmp_path / "parquet"
    export_events(events, "parquet", out)
    rows = duckdb.sql(
        "SELECT id, date, year_month, fatalities, contested FROM read_parquet(?, "
        "hive_partitioning = true) ORDER BY id",
        params=[str(out / "**" / "*.parquet")],
    ).fetchall()
    expected = sorted(
        (e.id, parquet_row(e)["date"], e.date[:7], e.fatalities, e.contested) for e in events
    )
    assert rows == expected


def test_parquet_keeps_undated_events(events, tmp_path):
    import pyarrow.dataset as ds

    undated = events[0].model_copy(update={"id": "undated", "date": None})
    out = tmp_path / "parquet"
    export_events([undated, events[1]], "parquet", out)
    expected = {("undated", None), (events[1].id, events[1].date[:7])}
    read = ds.dataset(out, partitioning="hive").to_table().to_pylist()
    assert {(r["id"], r["year_month"]) for r in read} == expected
    duckdb = pytest.importorskip("duckdb", reason="duckdb is a dev dependency")
    glob = str(out / "**" / "*.parquet")
    query = "SELECT id, year_month FROM read_parquet(?, hive_partitioning = true)"
    assert set(duckdb.sql(query, params=[glob]).fetchall()) == expected


def test_parquet_writes_large_months_in_batches(events, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    monkeypatch.setattr("sitreps.export.PARQUET_BATCH_ROWS", 2)
    same_month = [e.model_copy(update={"id": f"e{i}", "date": "2019-11-0" + str(i + 1)})
                  for i, e in enumerate(events[:5])]  # fmt: skip
    stats = export_events(same_month, "parquet", tmp_path / "pq")
    table = pq.read_table(tmp_path / "pq" / "year_month=2019-11" / "part-0.parquet")
    assert stats.written == table.num_rows == 5
    assert sorted(table.column("id").to_pylist()) == [f"e{i}" for i in range(5)]


def test_export_module_imports_on_its_own():
    import subprocess
    import sys

    code = "import sitreps.export as x; print(x.ExportFormat('geojson').value)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "geojson", out.stderr


def test_parquet_needs_an_empty_directory(events, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file.txt").write_text("mine")
    with pytest.raises(ExportError, match="not an empty directory"):
        export_events(events, "parquet", tmp_path / "taken")
    with pytest.raises(ExportError, match="--output"):
        export_events(events, "parquet", None)


def test_filtered_export(database, tmp_path):
    path = tmp_path / "yemen.csv"
    with Store(database) as store:
        export_events(store.iter_events(EventFilter(country="YE")), "acled-csv", path)
    with open(path, newline="", encoding="utf-8") as f:
        countries = {row["country"] for row in csv.DictReader(f)}
    assert countries == {"Yemen"}
