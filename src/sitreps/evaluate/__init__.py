"""Evaluation harness: read gold event files and score the pipeline against them."""

from sitreps.evaluate.gold import GoldFormatError, GoldRecord, read_gold
from sitreps.evaluate.score import format_scores, run_eval

__all__ = ["GoldFormatError", "GoldRecord", "format_scores", "read_gold", "run_eval"]
