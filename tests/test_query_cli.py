"""`sitreps events`, `sitreps incidents` and `sitreps export`, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_export import build_database


def sitreps(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sitreps", *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


@pytest.fixture(scope="module")
def db(pipeline, tmp_path_factory) -> str:
    return str(build_database(pipeline, tmp_path_factory.mktemp("cli") / "sitreps.db"))


def jsonl(*args: str) -> list[dict]:
    out = sitreps(*args, "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_events_new_filters(db):
    sahel = jsonl("events", "--db", db, "--admin1", "sahel")
    assert [e["location"]["name"] for e in sahel] == ["Djibo"]
    strikes = jsonl("events", "--db", db, "--sub-type", "air/drone strike")
    assert strikes and {e["sub_event_type"] for e in strikes} == {"Air/drone strike"}
    market = jsonl("events", "--db", db, "--text", "livestock market")
    assert [e["location"]["name"] for e in market] == ["Majz"]
    deadly = jsonl("events", "--db", db, "--min-fatalities", "10")
    assert deadly and all(e["fatalities"] >= 10 for e in deadly)
    sure = jsonl("events", "--db", db, "--min-confidence", "0.9")
    assert sure and all(e["confidence"] >= 0.9 for e in sure)
    assert jsonl("events", "--db", db, "--country", "Yemen", "--until", "2017") == []


@pytest.mark.parametrize(
    ("args", "option", "message"),
    [
        (["--since", "2019-02-30"], "--since", "not a date"),
        (["--type", "airstrike"], "--type", "unknown type"),
        (["--sub-type", "Battles"], "--sub-type", "is an event type"),
        (["--min-confidence", "2"], "--min-confidence", "between 0 and 1"),
        (["--min-fatalities", "-3"], "--min-fatalities", "at least 0"),
        (["--near", "14,-1"], "--near", "LAT,LON,KM"),
        (["--country", "Narnia"], "--country", "unknown country"),
    ],
)
@pytest.mark.parametrize("command", ["events", "incidents"])
def test_bad_values_are_usage_errors(db, command, args, option, message):
    out = sitreps(command, "--db", db, *args)
    assert out.returncode == 2
    assert f"Invalid value for '{option}'" in out.stderr and message in out.stderr
    assert "Traceback" not in out.stderr


def test_a_file_that_is_not_a_database(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database " * 100)
    out = sitreps("events", "--db", str(bogus))
    assert out.returncode == 1 and "cannot open" in out.stderr and "Traceback" not in out.stderr


def test_incidents_in_every_format(db):
    incidents = jsonl("incidents", "--db", db, "--country", "SO")
    bombing = next(i for i in incidents if i["sub_event_type"] == "Remote explosive/landmine/IED")
    assert bombing["reports"] == 3 and len(bombing["sources"]) == 3
    assert (bombing["fatalities_low"], bombing["fatalities_high"]) == (4, 9)
    rows = list(csv.DictReader(io.StringIO(sitreps("incidents", "--db", db, "-f", "csv").stdout)))
    assert sum(int(r["reports"]) for r in rows) == len(jsonl("events", "--db", db))
    table = sitreps("incidents", "--db", db, "--format", "table", "--country", "SO").stdout
    assert "incidents" in table and "5 (4–9)" in table and "3 (3 articles)" in table
    assert (
        jsonl("incidents", "--db", db, "--limit", "1")[0]["id"]
        == jsonl("incidents", "--db", db)[0]["id"]
    )


def test_export_formats(db, tmp_path):
    acled = sitreps("export", "--db", db, "--format", "acled-csv", "--country", "YE")
    assert acled.returncode == 0, acled.stderr
    rows = list(csv.DictReader(io.StringIO(acled.stdout)))
    assert rows and {r["country"] for r in rows} == {"Yemen"}
    assert "events -> standard output (acled-csv)" in acled.stderr

    geojson = sitreps("export", "--db", db, "-f", "geojson", "-o", str(tmp_path / "e.geojson"))
    assert geojson.returncode == 0, geojson.stderr
    features = json.loads((tmp_path / "e.geojson").read_text())["features"]
    assert f"{len(features)} events ->" in geojson.stderr

    parquet = sitreps("export", "--db", db, "-f", "parquet", "-o", str(tmp_path / "pq"))
    assert parquet.returncode == 0, parquet.stderr
    assert any(p.name.startswith("year_month=") for p in (tmp_path / "pq").iterdir())

    lines = sitreps("export", "--db", db, "-f", "jsonl", "--min-fatalities", "1").stdout
    assert all(json.loads(line)["fatalities"] >= 1 for line in lines.splitlines())


def test_export_errors_are_clear(db, tmp_path):
    no_dir = sitreps("export", "--db", db, "-f", "parquet")
    assert no_dir.returncode == 2 and "'--output'" in no_dir.stderr
    bad_format = sitreps("export", "--db", db, "-f", "xlsx")
    assert bad_format.returncode == 2 and "'--format'" in bad_format.stderr
    missing = sitreps("export", "--db", str(tmp_path / "none.db"), "-f", "jsonl")
    assert missing.returncode == 1 and "no database" in missing.stderr


def test_export_help_lists_the_formats():
    out = sitreps("export", "--help")
    for name in ("acled-csv", "geojson", "parquet", "jsonl", "--min-fatalities", "--text"):
        assert name in out.stdout
    assert Path(sys.executable).exists()
