"""The command line, run as a user runs it: a real process, real files, a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def sitreps(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sitreps", *args],
        input=stdin, capture_output=True, text=True, cwd=cwd, timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    db = tmp_path_factory.mktemp("db") / "sitreps.db"
    first = sitreps("ingest", str(EXAMPLES), "--db", str(db))
    assert first.returncode == 0, first.stderr
    return db, first


def test_ingest_reports_and_records_bad_documents(ingested):
    db, first = ingested
    assert "06_mali_attaque_fr.html" in first.stderr and "language" in first.stderr
    assert "errors" in first.stderr


def test_ingest_is_idempotent(ingested):
    db, _ = ingested
    before = sitreps("events", "--db", str(db), "--format", "jsonl").stdout.splitlines()
    again = sitreps("ingest", str(EXAMPLES), "--db", str(db))
    assert again.returncode == 0
    assert "already stored" in again.stderr
    after = sitreps("events", "--db", str(db), "--format", "jsonl").stdout.splitlines()
    assert sorted(before) == sorted(after) and len(after) >= 6


def test_events_filters(ingested):
    db, _ = ingested

    def ids(*args):
        out = sitreps("events", "--db", str(db), "--format", "jsonl", *args)
        assert out.returncode == 0, out.stderr
        return [json.loads(line) for line in out.stdout.splitlines()]

    yemen = ids("--country", "YE")
    assert yemen and all(e["location"]["country"] == "YE" for e in yemen)
    strikes = ids("--type", "Air/drone strike")
    assert strikes and all(e["sub_event_type"] == "Air/drone strike" for e in strikes)
    assert all(e["actor1"] and "Shabaab" in e["actor1"]["name"] for e in ids("--actor", "Shabaab"))
    djibo = ids("--near", "14.10,-1.63,30")
    assert [e["location"]["name"] for e in djibo] == ["Djibo"]
    assert ids("--since", "2030-01-01") == []


def test_events_table_and_csv(ingested):
    db, _ = ingested
    table = sitreps("events", "--db", str(db), "--format", "table")
    assert "Air/drone strike" in table.stdout and "events" in table.stdout
    csv_out = sitreps("events", "--db", str(db), "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,event_type,sub_event_type,date")


def test_events_without_database(tmp_path):
    out = sitreps("events", "--db", str(tmp_path / "none.db"))
    assert out.returncode == 1 and "no database" in out.stderr


def test_extract_from_stdin_jsonl_keeps_ids():
    record = {"id": "note-7", "date": "2019-12-31",
              "text": "Gunmen shot dead two traders in Mandera on Sunday."}  # fmt: skip
    out = sitreps("extract", "-", "--input-format", "jsonl", "--format", "jsonl",
                  stdin=json.dumps(record) + "\n")  # fmt: skip
    assert out.returncode == 0, out.stderr
    events = [json.loads(line) for line in out.stdout.splitlines()]
    assert events and events[0]["article"]["id"] == "note-7"
    assert events[0]["date"] == "2019-12-29"


def test_bad_input_never_stops_a_batch(tmp_path):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.html").write_text("")
    (tmp_path / "good.txt").write_text(
        "Police fired tear gas at hundreds of protesters in Nairobi on Monday.\n"
    )
    out = sitreps("extract", str(tmp_path), "--format", "jsonl")
    assert out.returncode == 0
    assert len(out.stdout.splitlines()) == 1
    assert "binary.txt" in out.stderr and "empty.html" in out.stderr


def test_schema_command():
    schema = json.loads(sitreps("schema").stdout)
    assert schema["title"] == "Event"
    assert {"event_type", "sub_event_type", "evidence", "article", "confidence"} <= set(
        schema["properties"]
    )


def test_article_command():
    out = sitreps("article", str(EXAMPLES / "01_yemen_strikes_scraped.txt"))
    record = json.loads(out.stdout)
    assert record["page_date"] == "2023-06-08"
    assert record["date"] == "2018-03-14"
    assert "Advertis" not in record["text"]


def test_table_shows_page_text_literally(tmp_path):
    page = tmp_path / "markup.txt"
    page.write_text(
        "Gunmen shot dead two traders in Mandera on Sunday, according to [red]elders[/red].\n"
    )
    out = sitreps("extract", str(page), "--format", "table")
    assert out.returncode == 0, out.stderr
    assert "[red]elders[/red]" in out.stdout


def test_corpus_records_are_taken_as_they_are():
    records = [
        {"id": "h1", "text": "Shelling on Douma"},
        {"id": "h2", "text": "Most Popular\nPolice arrested two men in Dori on Monday."},
    ]
    out = sitreps("article", "-", "--input-format", "jsonl",
                  stdin="".join(json.dumps(r) + "\n" for r in records))  # fmt: skip
    assert out.returncode == 0, out.stderr
    texts = {r["id"]: r["text"] for r in map(json.loads, out.stdout.splitlines())}
    assert texts == {
        "h1": "Shelling on Douma",
        "h2": "Most Popular\n\nPolice arrested two men in Dori on Monday.",
    }


def test_syndicated_copies_are_coded_once(tmp_path):
    story = (
        "Gunmen attacked a police post near Mandera in northern Kenya on Monday night, killing "
        "three officers and wounding two others, a regional police commander said on Tuesday. "
        "The attackers arrived on foot shortly after midnight and opened fire on the post "
        "before fleeing towards the border, he said. Officers returned fire and a search for "
        "the attackers was under way across the county, where similar raids have targeted "
        "security forces before."
    )
    (tmp_path / "wire.txt").write_text(story + "\n")
    (tmp_path / "copy.txt").write_text("Breaking News\n\n" + story + " Share this story.\n")
    extracted = sitreps("extract", str(tmp_path), "--format", "jsonl")
    assert extracted.returncode == 0, extracted.stderr
    assert "not coded again" in extracted.stderr
    ids = {json.loads(line)["article"]["id"] for line in extracted.stdout.splitlines()}
    assert len(ids) == 1
    db = tmp_path / "s.db"
    ingested = sitreps("ingest", str(tmp_path), "--db", str(db))
    assert "1 copies of another" in ingested.stderr
