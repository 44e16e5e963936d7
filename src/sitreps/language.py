"""Language identification with py3langid (offline, bundled model), or resiliparse's
faster detector in ``--fast`` mode."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from sitreps.records import Article, DocumentError

UNDETERMINED = "und"
SAMPLE_CHARS = 3000
SUPPORTED_LANGUAGES: frozenset[str] = frozenset({"en"})
FAST_RANK_CUTOFF = 1200

_NOISE_RE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|\d+")


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, sample_chars: int = SAMPLE_CHARS) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text's language, from its first characters.

    Returns ("und", 0.0) when the text has no letters to judge by.
    """
    sample = _NOISE_RE.sub(" ", text[:sample_chars])
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED, 0.0
    code, probability = _identifier().classify(sample)
    return str(code), round(float(probability), 4)


def detect_language_fast(text: str, sample_chars: int = SAMPLE_CHARS) -> tuple[str, float]:
    """(code, confidence) with resiliparse's linear-time detector (``--fast`` mode).

    The detector gives a rank distance, not a probability: the confidence is 1 - rank/1200
    (its own cut-off for a reliable answer), and "und" beyond that.
    """
    from resiliparse.parse.lang import detect_fast

    sample = _NOISE_RE.sub(" ", text[:sample_chars])
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED, 0.0
    code, rank = detect_fast(unicodedata.normalize("NFC", sample))
    if code == "unknown" or rank > FAST_RANK_CUTOFF:
        return UNDETERMINED, 0.0
    return str(code), round(1.0 - rank / FAST_RANK_CUTOFF, 4)


def language_error(
    article: Article, supported: Collection[str] = SUPPORTED_LANGUAGES
) -> DocumentError | None:
    """A DocumentError (stage "language") when the article is not in a supported language."""
    if article.language in supported:
        return None
    names = ", ".join(sorted(supported))
    return DocumentError(
        input=article.input,
        stage="language",
        error=f"language {article.language or UNDETERMINED!r} is not supported (only {names})",
        content_hash=article.content_hash,
    )
