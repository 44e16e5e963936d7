"""The pipeline never lets one document stop a batch."""

from __future__ import annotations

from sitreps.records import DocumentError, RawDocument


def _raw(text: str, name: str) -> RawDocument:
    return RawDocument(input=name, content=text.encode("utf-8"), kind="text")


def test_a_crashing_stage_is_recorded_and_the_batch_goes_on(pipeline, monkeypatch):
    import sitreps.pipeline as module

    real = module.extract_article

    def flaky(raw):
        if raw.input == "bad":
            raise ValueError("parser exploded")
        return real(raw)

    monkeypatch.setattr(module, "extract_article", flaky)
    good = "Gunmen shot dead two traders in Mandera, Kenya, on Sunday, police said."
    results = list(
        pipeline.process_many(
            [
                _raw(good, "first"),
                _raw(good, "bad"),
                DocumentError(input="unreadable", stage="ingest", error="permission denied"),
                _raw(good.replace("two", "three"), "last"),
            ]
        )
    )
    assert [r.input for r in results] == ["first", "bad", "unreadable", "last"]
    assert results[0].events and results[3].events
    assert results[1].error.stage == "extract" and "parser exploded" in results[1].error.error
    assert results[2].error.error == "permission denied"


def test_non_english_is_rejected_with_a_reason(pipeline):
    text = (
        "Des hommes armés ont attaqué un marché dans le nord du pays mardi, tuant au moins "
        "douze civils, selon des sources locales et des responsables de la sécurité."
    )
    result = pipeline.process(_raw(text, "fr"))
    assert result.error.stage == "language" and "'fr'" in result.error.error


def test_a_remembered_article_makes_later_copies_copies():
    from sitreps.pipeline import Pipeline
    from sitreps.records import Article

    story = " ".join(
        ["Gunmen attacked a police post near Mandera in northern Kenya on Monday night,"] * 8
    )
    pipeline = Pipeline(dedupe=True)
    pipeline.remember(Article(id="stored", input="earlier run", text=story))
    result = pipeline.process(_raw(story + " Share this story.", "copy"))
    assert result.duplicate_of == "stored" and result.events == []


def test_an_impossible_page_date_is_dropped():
    from sitreps.extract import extract_article

    page = (
        "<html><head><meta property='article:published_time' content='0001-01-01'></head>"
        "<body><article><p>Police fired tear gas at hundreds of traders protesting against "
        "new market fees in Kisumu on Monday, witnesses said.</p></article></body></html>"
    )
    raw = RawDocument(input="odd.html", content=page.encode(), kind="html")
    assert extract_article(raw).page_date is None
