"""Readers on real files written to temporary directories: every input kind and bad input."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitreps.ingest import decode_bytes, detect_format, read_inputs
from sitreps.records import DocumentError, RawDocument

HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>Clash in Gao</title></head><body>"
    "<p>Malian soldiers clashed with gunmen near Gao on Monday, officials said.</p>"
    "</body></html>"
)
TEXT_PAGE = "Police dispersed a crowd of traders in Kisumu on Friday.\n\nNo arrests were made.\n"


def _read(*paths: object, **options: object) -> list[RawDocument | DocumentError]:
    return list(read_inputs([str(p) for p in paths], **options))


def _docs(items: list) -> list[RawDocument]:
    return [item for item in items if isinstance(item, RawDocument)]


def _errors(items: list) -> list[DocumentError]:
    return [item for item in items if isinstance(item, DocumentError)]


def test_reads_html_and_text_files_and_detects_kind_by_content(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(HTML_PAGE, encoding="utf-8")
    (tmp_path / "story.txt").write_text(TEXT_PAGE, encoding="utf-8")
    (tmp_path / "mislabelled.txt").write_text(HTML_PAGE, encoding="utf-8")
    (tmp_path / "plain.html").write_text(TEXT_PAGE, encoding="utf-8")
    docs = {Path(d.input).name: d for d in _docs(_read(tmp_path))}
    assert docs["page.html"].kind == "html"
    assert docs["story.txt"].kind == "text"
    assert docs["mislabelled.txt"].kind == "html"
    assert docs["plain.html"].kind == "text"
    assert docs["story.txt"].content.decode("utf-8") == TEXT_PAGE


def test_directory_is_recursive_sorted_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text(TEXT_PAGE)
    (tmp_path / "a.txt").write_text(TEXT_PAGE)
    (tmp_path / "notes.md").write_text("# not an input")
    (tmp_path / ".hidden.txt").write_text(TEXT_PAGE)
    names = [Path(d.input).relative_to(tmp_path).as_posix() for d in _docs(_read(tmp_path))]
    assert names == ["a.txt", "b/two.txt"]


def test_gzip_files_and_gzip_content_without_suffix(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(HTML_PAGE.encode()))
    (tmp_path / "packed.txt").write_bytes(gzip.compress(TEXT_PAGE.encode()))
    docs = _docs(_read(tmp_path / "page.html.gz", tmp_path / "packed.txt"))
    assert [d.kind for d in docs] == ["html", "text"]
    assert docs[1].content.decode() == TEXT_PAGE


def test_globs_expand_and_a_pattern_without_match_is_an_error(tmp_path: Path) -> None:
    for name in ("one.txt", "two.txt", "three.html"):
        (tmp_path / name).write_text(TEXT_PAGE)
    assert len(_docs(_read(tmp_path / "*.txt"))) == 2
    errors = _errors(_read(tmp_path / "*.csv", tmp_path / "missing.txt"))
    assert [e.error for e in errors] == [
        "no file matches this pattern",
        "no such file or directory",
    ]
    assert all(e.stage == "ingest" for e in errors)


def test_jsonl_records_keep_ids_dates_and_survive_a_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": TEXT_PAGE, "date": "2019-04-10", "url": "http://x.test/a"}),
        "{not json",
        json.dumps({"text": HTML_PAGE, "title": "Clash in Gao", "source": "Wire"}),
        json.dumps({"id": "no-text"}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "bad-date", "text": TEXT_PAGE, "date": "04/10/2019"}),
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n")
    items = _read(path)
    docs, errors = _docs(items), _errors(items)
    assert [d.input for d in docs] == [f"{path}#a1", f"{path}#line-3"]
    assert docs[0].id == "a1" and docs[0].date == "2019-04-10" and docs[0].url == "http://x.test/a"
    assert docs[1].kind == "html" and docs[1].title == "Clash in Gao" and docs[1].source == "Wire"
    assert [e.input for e in errors] == [
        f"{path}#line-2",
        f"{path}#no-text",
        f"{path}#line-5",
        f"{path}#bad-date",
    ]
    assert "bad JSON on line 2" in errors[0].error
    assert "no 'text'" in errors[1].error
    assert "unrecognised date" in errors[3].error


def test_jsonl_is_detected_by_content(tmp_path: Path) -> None:
    path = tmp_path / "records.txt"
    path.write_text(json.dumps({"id": 7, "text": TEXT_PAGE}) + "\n")
    (doc,) = _read(path)
    assert isinstance(doc, RawDocument) and doc.id == "7"


def test_csv_with_and_without_id_column(tmp_path: Path) -> None:
    with_id = tmp_path / "with_id.csv"
    with_id.write_text('id,date,text,source\nx9,2019-05-01,"Troops, police and a crowd.",Wire\n')
    without_id = tmp_path / "without_id.csv"
    without_id.write_text(
        '"",date,text,source\n"3",2019-04-10,"First story text here.",guardian\n'
        '"8",2019-04-11,"",guardian\n"9",2019-04-12,"Third story text.",guardian\n'
    )
    docs = _docs(_read(with_id))
    assert docs[0].id == "x9" and docs[0].input == f"{with_id}#x9" and docs[0].source == "Wire"
    items = _read(without_id)
    assert [d.id for d in _docs(items)] == ["1", "3"]
    assert [d.input for d in _docs(items)][0] == f"{without_id}#row-1"
    assert [e.input for e in _errors(items)] == [f"{without_id}#row-2"]


def test_csv_without_text_column_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,body\n1,hello\n")
    (error,) = _read(path)
    assert isinstance(error, DocumentError) and "no 'text' column" in error.error


def test_real_corpus_csv_rows_become_documents() -> None:
    corpus = Path(__file__).resolve().parents[2] / "shared/corpus/guardian_syria_iraq_2019.csv"
    if not corpus.exists():
        pytest.skip(
            "../shared corpus not present (read-only evaluation data lives outside the repo)"
        )
    items = list(read_inputs([str(corpus)], input_format="csv"))
    docs = _docs(items)
    assert len(docs) >= 240 and docs[0].date and docs[0].source and docs[0].id == "1"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty document"),
        (b"   \n\t \n", "only whitespace"),
        (b"\x00\x01\x02binary\x00data" * 10, "binary content (NUL bytes)"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary content (not a text or HTML file)"),
        (bytes(range(1, 32)) * 20, "undecodable content"),
    ],
)
def test_bad_documents_are_errors_not_exceptions(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text(TEXT_PAGE)
    items = _read(path, good)
    assert isinstance(items[0], DocumentError) and items[0].error.startswith(reason)
    assert isinstance(items[1], RawDocument)


def test_oversized_file_is_rejected_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    (error,) = _read(path, max_bytes=100)
    assert isinstance(error, DocumentError) and "larger than the limit of 100 bytes" in error.error
    packed = tmp_path / "big.txt.gz"
    packed.write_bytes(gzip.compress(b"word " * 1000))
    (error,) = _read(packed, max_bytes=100)
    assert isinstance(error, DocumentError) and "larger than" in error.error


def test_oversized_jsonl_line_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    big = json.dumps({"id": "big", "text": "x" * 500})
    small = json.dumps({"id": "small", "text": TEXT_PAGE})
    path.write_text(f"{big}\n{small}\n")
    items = _read(path, max_bytes=300)
    assert isinstance(items[0], DocumentError) and items[0].input.endswith("#line-1")
    assert isinstance(items[1], RawDocument) and items[1].id == "small"


def test_corrupt_gzip_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.txt.gz"
    path.write_bytes(gzip.compress(TEXT_PAGE.encode() * 50)[:40])
    (error,) = _read(path)
    assert isinstance(error, DocumentError) and error.error.startswith("cannot read file")


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.txt"
    path.write_text(TEXT_PAGE)
    path.chmod(0)
    try:
        if path.open("rb"):
            pytest.skip("running as a user who can read any file (root)")
    except PermissionError:
        pass
    (error,) = _read(path)
    assert isinstance(error, DocumentError) and error.error.startswith("cannot read file")


def test_broken_html_is_still_a_document(tmp_path: Path) -> None:
    path = tmp_path / "broken.html"
    path.write_text("<html><body><div><p>Gunmen attacked a bus near Garissa <b>on Monday")
    (doc,) = _read(path)
    assert isinstance(doc, RawDocument) and doc.kind == "html"


def test_legacy_encodings_and_boms_are_decoded() -> None:
    assert decode_bytes("Café in Bogotá".encode("cp1252")) == "Café in Bogotá"
    latin = b'<meta charset="iso-8859-1"><p>D\xe9j\xe0 vu in Mopti</p>'
    assert "Déjà vu" in decode_bytes(latin)
    assert decode_bytes("Kabul".encode("utf-16")) == "Kabul"
    assert decode_bytes(b"\xef\xbb\xbfKabul") == "Kabul"


def test_format_detection() -> None:
    assert detect_format("x.jsonl.gz", b"") == "jsonl"
    assert detect_format("x.csv", b"text\n") == "csv"
    assert detect_format("x", b'  {"text": "a"}') == "jsonl"
    assert detect_format("x", b"<!doctype html><p>a") == "html"
    assert detect_format("x.html", b"Just words.") == "text"
    assert detect_format("x.html", b"Just words.", "html") == "html"


def test_stdin_with_monkeypatched_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BufferedReader(io.BytesIO(HTML_PAGE.encode())))
    monkeypatch.setattr(sys, "stdin", fake)
    (doc,) = list(read_inputs(["-"]))
    assert isinstance(doc, RawDocument) and doc.input == "<stdin>" and doc.kind == "html"


def test_stdin_jsonl_in_a_subprocess() -> None:
    records = "\n".join(json.dumps({"id": f"r{i}", "text": TEXT_PAGE}) for i in range(3))
    script = (
        "from sitreps.ingest import read_inputs\n"
        "for item in read_inputs(['-']):\n"
        "    print(type(item).__name__, item.input)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=records + "\n{oops\n",
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.splitlines() == [
        "RawDocument <stdin>#r0",
        "RawDocument <stdin>#r1",
        "RawDocument <stdin>#r2",
        "DocumentError <stdin>#line-4",
    ]


def test_unknown_input_format_is_refused() -> None:
    with pytest.raises(ValueError, match="input_format"):
        list(read_inputs(["x"], input_format="pdf"))
