"""The extraction scorer: the benchmark's metric on hand-made pages, and the real benchmark."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sitreps.cli import app
from sitreps.evaluate.extract import (
    average_scores,
    default_data_dir,
    page_counts,
    run_extract_eval,
    shingles,
)


def test_shingles_are_four_word_tokens_counted_as_a_multiset() -> None:
    grams = shingles("Rebels shelled the town; rebels shelled the town.")
    assert grams["Rebels shelled the town"] == 1 and grams["rebels shelled the town"] == 1
    assert sum(grams.values()) == 5
    assert shingles("two words") == {"two words": 1}


def test_page_counts_and_averages() -> None:
    gold = "one two three four five six"
    assert page_counts(gold, gold) == (1.0, 0.0, 0.0)
    tp, fp, fn = page_counts(gold, "one two three four five six seven eight")
    assert (tp, fp, fn) == pytest.approx((3 / 5, 2 / 5, 0.0))
    empty = page_counts(gold, "")
    scores = average_scores([(tp, fp, fn), empty])
    assert scores["precision"] == pytest.approx(0.6)  # the empty page has no precision
    assert scores["recall"] == pytest.approx(0.5)


@pytest.mark.slow
def test_default_extraction_meets_the_target() -> None:
    if not (default_data_dir() / "ground-truth.json").exists():
        pytest.skip("the extraction benchmark is not in ../shared/eval/extract")
    assert run_extract_eval()["f1"] >= 0.96


def test_fast_extraction_meets_the_target_and_cli_prints_json() -> None:
    if not (default_data_dir() / "ground-truth.json").exists():
        pytest.skip("the extraction benchmark is not in ../shared/eval/extract")
    result = CliRunner().invoke(app, ["eval", "extract", "--fast", "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["pages"] == 92 and scores["fast"] is True
    assert scores["f1"] >= 0.91
