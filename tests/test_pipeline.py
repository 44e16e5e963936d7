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


PORTUGUESE = (
    "<p>Homens armados atacaram um mercado no norte do país na terça-feira e mataram pelo "
    "menos doze civis, segundo fontes locais e responsáveis pela segurança da região.</p>"
    "<p>Os moradores fugiram para a cidade vizinha, onde as autoridades abriram um abrigo "
    "para as famílias que perderam as suas casas durante o ataque desta semana.</p>"
)
ENGLISH = (
    "<p>Gunmen attacked a market in the north of the country on Tuesday and killed at least "
    "twelve civilians, according to local sources and security officials in the region.</p>"
    "<p>Residents fled to the neighbouring town, where the authorities opened a shelter for "
    "the families who lost their homes during this week's attack on the market.</p>"
)


def _page(lang: str, body: str) -> RawDocument:
    html = f'<!doctype html><html lang="{lang}"><head><title>News</title></head>'
    return RawDocument(input=f"{lang}.html", content=f"{html}<body><article>{body}</article>"
                       "</body></html>".encode(), kind="html")  # fmt: skip


def test_a_page_in_its_declared_foreign_language_skips_the_full_extraction(monkeypatch):
    from sitreps.pipeline import Pipeline

    def no_trafilatura(*_args, **_kwargs):
        raise AssertionError("a Portuguese page reached trafilatura")

    monkeypatch.setattr("sitreps.extract.trafilatura.bare_extraction", no_trafilatura)
    result = Pipeline(dedupe=False).process(_page("pt-BR", PORTUGUESE))
    assert result.error.stage == "language" and "'pt'" in result.error.error


def test_a_page_that_declares_a_foreign_language_but_is_english_is_coded(pipeline):
    result = pipeline.process(_page("de", ENGLISH))
    assert result.error is None and result.article.language == "en"
    assert "twelve civilians" in result.article.text
