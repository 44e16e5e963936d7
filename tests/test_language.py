"""Language identification."""

from __future__ import annotations

import time

from sitreps.language import detect_language, language_error
from sitreps.records import Article

ENGLISH = "Security forces arrested dozens of protesters in the capital on Tuesday, witnesses said."
FRENCH = "Des hommes armés ont attaqué un poste de l'armée dans la région de Mopti lundi soir."
SPANISH = "La policía detuvo a varios manifestantes frente al palacio de gobierno en Quito."


def test_detects_common_languages_with_confidence() -> None:
    for text, code in [(ENGLISH, "en"), (FRENCH, "fr"), (SPANISH, "es")]:
        language, confidence = detect_language(text)
        assert language == code
        assert 0.5 < confidence <= 1.0


def test_text_without_letters_is_undetermined() -> None:
    assert detect_language("") == ("und", 0.0)
    assert detect_language("12 345 -- 2019 http://x.test/1") == ("und", 0.0)


def test_only_the_start_of_long_text_is_read() -> None:
    long_text = ENGLISH + " " + FRENCH * 20_000
    started = time.perf_counter()
    language, _ = detect_language(long_text, sample_chars=len(ENGLISH))
    assert language == "en"
    assert time.perf_counter() - started < 0.5


def test_language_error_for_unsupported_articles() -> None:
    article = Article(id="1", input="page.html", text=FRENCH, language="fr", content_hash="h")
    error = language_error(article)
    assert error is not None and error.stage == "language" and "'fr'" in error.error
    assert language_error(article.model_copy(update={"language": "en"})) is None
