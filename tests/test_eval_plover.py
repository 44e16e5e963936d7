"""The PLOVER precision/recall scorer, on sentences written for this test."""

from __future__ import annotations

from sitreps.evaluate.plover import format_plover_scores, read_plover, run_plover_eval

ROWS = [
    ("1", "Gunmen shot dead three villagers in Mandera on Sunday.", "ASSAULT"),
    ("2", "Hundreds of teachers protested in Nairobi on Monday over unpaid wages.", "PROTEST"),
    ("3", "The minister accused the opposition of spreading lies about the budget.", "ACCUSE"),
    ("4", "The rebels threatened to attack the capital if talks fail.", "THREATEN"),
]


def _write(tmp_path):
    path = tmp_path / "plover.tsv"
    lines = ["\tsentence_id\tsentence\tgold_root"]
    lines += [f"{i}\t{sid}\t{text}\t{root}" for i, (sid, text, root) in enumerate(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reader(tmp_path):
    assert read_plover(_write(tmp_path)) == ROWS
    assert len(read_plover(_write(tmp_path), limit=2)) == 2


def test_scores(tmp_path, pipeline):
    scores = run_plover_eval(_write(tmp_path), pipeline=pipeline)
    assert scores["recall"]["ASSAULT"] == {"n": 1, "found": 1, "recall": 1.0}
    assert scores["recall"]["PROTEST"]["found"] == 1
    assert scores["violence_precision"]["precision"] == 1.0
    assert scores["false_positive_rate"] == {"n": 2, "with_event": 0, "rate": 0.0}
    assert scores["threats_coded"] == {"n": 1, "with_event": 0}
    assert "violence/protest precision: 100.0%" in format_plover_scores(scores)
