"""The shortcuts taken for speed give what the long way gives: the relevance gate, the
document-level gate before sentence splitting, the event-date model, and the coder that
picks in-process coding for short inputs."""

from __future__ import annotations

from datetime import date

import sitreps.parallel as parallel
from sitreps.events import relevant_sentences
from sitreps.events.codebook import load_codebook
from sitreps.events.context import relevance_gate
from sitreps.nlp import sentence_spans
from sitreps.parallel import DocumentCoder, PipelineSettings, RunStats, extract_documents
from sitreps.records import RawDocument
from sitreps.time import ResolvedDate, resolve_event_date

SENTENCES = [
    "Gunmen ambushed a convoy near the border crossing on Tuesday.",
    "The council voted to rebuild the bridge before the rainy season.",
    "Hundreds of demonstrators marched through the capital, chanting slogans.",
    "Counter-attacks by the army pushed the rebels out of two villages.",
    "A suicide bomber blew himself up at a checkpoint, killing six soldiers.",
    "The football club fought back to draw in the second half.",
    "Prices of bread rose by a third in the northern markets.",
    "Police fired tear gas to disperse the protesters outside parliament.",
    "The minister said the talks were constructive and would resume next week.",
    "Militants seized the town after a night of heavy fighting.",
]


def test_the_gate_passes_the_sentences_the_codebook_gate_passes():
    codebook = load_codebook()
    gate = relevance_gate(codebook)
    text = "\n\n".join(SENTENCES)
    spans = sentence_spans(text)
    expected = [i for i, (a, b) in enumerate(spans) if codebook.gate(text[a:b])]
    # "The football club fought back": a trigger word in its sporting sense (data/senses.yaml)
    sporting = [i for i in expected if "football" in text[spans[i][0] : spans[i][1]]]
    assert sporting
    assert gate.sentences(text, spans) == [i for i in expected if i not in sporting]
    assert 0 < len(expected) < len(SENTENCES)
    assert gate.passes(text)
    assert not gate.passes("The council voted to rebuild the bridge. Bread prices rose.")
    assert relevance_gate(codebook) is gate  # compiled once


def test_follow_up_sentences_still_pass_the_gate():
    text = "Gunmen ambushed a convoy near Gao. The report could not be independently verified."
    spans = sentence_spans(text)
    assert relevant_sentences(text, spans) == [0, 1]


def test_a_text_without_event_words_is_not_split_or_parsed(pipeline, monkeypatch):
    def no_split(_text):
        raise AssertionError("a text without event words reached the sentence splitter")

    monkeypatch.setattr("sitreps.pipeline.sentence_spans", no_split)
    quiet = "The council voted to rebuild the bridge before the rainy season. Bread was dear."
    assert pipeline.process_text(quiet, doc_id="quiet", ref_date="2021-03-08") == []


def test_a_weekday_with_a_time_of_day_dates_the_event():
    story = ResolvedDate(date(2018, 3, 30), "day", "supplied")
    sentence = "The aid worker was killed on Thursday night in an airstrike near Raqqa."
    resolved = resolve_event_date(sentence, story, anchor=sentence.index("killed"))
    assert resolved is not None
    assert (resolved.iso, resolved.precision) == ("2018-03-29", "day")


# ------------------------------------------------------------------ in process or workers

REPORTS = [
    "Gunmen killed {n} villagers in an attack on a market in Mopti on Sunday, local officials "
    "said. The attackers arrived on motorbikes and set fire to several shops before fleeing "
    "towards the border, witnesses told reporters by telephone on Monday. Residents said the "
    "army sent reinforcements to the area and that many families had left for the city.",
    "Police fired tear gas at {n} hundred students who marched to the parliament in Nairobi on "
    "Tuesday to demand lower fees. Several were arrested and taken to the central station, "
    "their union said, and classes were suspended until further notice. The university "
    "council will meet the student leaders next month to discuss the new fees and grants.",
    "An airstrike hit a fuel depot outside Idlib late on Friday, wounding {n} workers, a "
    "monitoring group reported. Smoke could be seen across the valley and the road to the "
    "north stayed closed through the weekend as crews fought the fire. Traders in the town "
    "said the price of diesel had doubled by Saturday morning and queues formed at pumps.",
]


def documents(count: int) -> list[RawDocument]:
    """``count`` distinct reports (long enough to be checked for copies), then a copy."""
    raws = [
        RawDocument(input=f"report-{i}.txt", content=REPORTS[i].format(n=i + 3).encode(),
                    kind="text")
        for i in range(count)
    ]  # fmt: skip
    copy = RawDocument(input="copy.txt", content=raws[0].content + b"\n", kind="text")
    return [*raws, copy]


def test_a_short_input_is_coded_in_process_with_copies_found():
    with DocumentCoder(PipelineSettings()) as coder:
        assert coder.pipeline is None and coder.pool is None  # nothing loaded yet
        results = list(extract_documents(documents(2), coder, RunStats()))
        assert coder.pool is None and coder.pipeline is not None
        assert set(coder.peak_rss_kb()) == {"main"}
    assert [r.input for r in results] == ["report-0.txt", "report-1.txt", "copy.txt"]
    assert results[0].events and results[1].events
    assert results[2].duplicate_of == results[0].article.id and results[2].events == []


def test_a_long_input_starts_workers(monkeypatch):
    monkeypatch.setattr(parallel, "IN_PROCESS_MAX_DOCUMENTS", 2)
    monkeypatch.setattr(parallel, "default_workers", lambda: 2)
    with DocumentCoder(PipelineSettings()) as coder:
        results = list(extract_documents(documents(3), coder, RunStats()))
        assert coder.pool is not None and coder.pipeline is None
    assert [r.input for r in results][-1] == "copy.txt"
    assert results[-1].duplicate_of == results[0].article.id
    assert all(r.events for r in results[:-1])


# ------------------------------------------------------------------ the pipeline's shortcuts


def test_the_warm_up_loads_the_date_recognizer():
    from sitreps import time as timing
    from sitreps.pipeline import Pipeline

    timing._recognizer.cache_clear()
    Pipeline(dedupe=False).warm_up(parallel.WARM_UP_TEXT)
    assert timing._recognizer.cache_info().currsize == 1  # not paid by the first document


def test_an_article_whose_sentences_never_reach_places_is_not_geocoded(pipeline, monkeypatch):
    calls: list[str] = []
    real = pipeline.geocoder.geocode
    monkeypatch.setattr(pipeline.geocoder, "geocode", lambda text: calls.append(text) or real(text))
    trend = "Attacks on journalists have increased across the region, the annual report said."
    assert pipeline.process_text(trend, doc_id="trend", ref_date="2021-03-08") == []
    assert calls == []
    report = "Gunmen killed two villagers in an attack on a market in Mopti on Sunday."
    assert pipeline.process_text(report, doc_id="report", ref_date="2021-03-08")
    assert calls == [report]


def test_common_relative_dates_do_not_reach_the_recognizer(monkeypatch):
    import sitreps.time as time_module

    def no_recognizer():
        raise AssertionError("the recognizer was called")

    monkeypatch.setattr(time_module, "_recognizer", no_recognizer)
    story = ResolvedDate(date(2019, 3, 13), "day", "test")
    expected = {
        "Rebels shelled the town last week, killing four.": date(2019, 3, 4),
        "Earlier this month, a car bomb exploded in the market.": date(2019, 3, 1),
        "The group seized the dam two years ago.": date(2017, 3, 13),
        "Airstrikes in January destroyed the hospital.": date(2019, 1, 1),
        "The militia was founded in 2014 in Mosul.": date(2014, 1, 1),
    }
    for sentence, day in expected.items():
        assert resolve_event_date(sentence, story).date == day, sentence


def test_the_recognizer_shares_repeated_basic_extractions(monkeypatch):
    from datetime import datetime

    from ms_recognizers_date_time.date_time.base_date import BaseDateExtractor
    from ms_recognizers_date_time.date_time.models import DateTimeModel

    import sitreps.time as time_module

    recognizer = time_module._recognizer()
    runs: list[str] = []
    extract = BaseDateExtractor.extract.__wrapped__  # the library's own

    def counted(self, source, reference=None):
        runs.append(source)
        return extract(self, source, reference)

    monkeypatch.setattr(BaseDateExtractor, "extract", time_module._sharing(counted))
    sentence = "Fighting that began late on Monday went on for two days."
    reference = datetime(2019, 3, 13)
    stock = DateTimeModel.parse(recognizer, sentence, reference)  # no sharing
    unshared_runs = len(runs)
    runs.clear()
    assert [r.text for r in recognizer.parse(sentence, reference)] == [r.text for r in stock]
    assert 0 < len(runs) < unshared_runs


def _triggers_the_long_way(codebook, text: str) -> list[tuple[str, int, int]]:
    """Every sub-type's triggers, one expression at a time (no first test)."""
    found = []
    for sub_type in codebook.sub_types:
        if sub_type.context and not any(c.search(text) for c in sub_type.context):
            continue
        excluded = [m.span() for x in sub_type.exclude for m in x.finditer(text)]
        for pattern in sub_type.triggers:
            for m in pattern.finditer(text):
                if not any(a <= m.start() < b for a, b in excluded):
                    found.append((sub_type.name, m.start(), m.end()))
    return found


def test_trigger_first_test_finds_what_each_trigger_finds() -> None:
    codebook = load_codebook()
    for text in SENTENCES:
        quick = {(t.sub_type.name, t.start, t.end) for t in codebook.triggers_in(text)}
        every = set(_triggers_the_long_way(codebook, text))
        assert quick == every or not quick, text


def test_grouped_country_scan_matches_the_plain_alternation() -> None:
    import re

    from sitreps.actors import _is_acronym, _word_pattern, load_actor_dictionary

    dictionary = load_actor_dictionary()
    words = sorted(dictionary._country_words, key=len, reverse=True)
    acronyms = "|".join(re.escape(w) for w in words if _is_acronym(w))
    names = "|".join(re.escape(w) for w in words if not _is_acronym(w))
    plain = _word_pattern(f"(?-i:{acronyms})|{names}" if acronyms else names, False)
    texts = [*SENTENCES, "UK and Ukraine, the US and us; KENYA, Kenyan police, South Sudan's army"]
    for text in texts:
        grouped = [m.span() for m in dictionary._country_scan.finditer(text)]
        assert grouped == [m.span() for m in plain.finditer(text)], text


def test_gate_tried_by_first_letter_matches_the_plain_alternation() -> None:
    import re

    from sitreps.events.context import _WORD_AFTER, _WORD_BEFORE, _without_word_bounds

    codebook = load_codebook()
    gate = relevance_gate(codebook)
    patterns = [p.pattern for s in codebook.sub_types for p in s.triggers]
    bounded = [inner for p in patterns if (inner := _without_word_bounds(p)) is not None]
    parts = [_WORD_BEFORE + "|".join(bounded) + _WORD_AFTER]
    parts += [p for p in patterns if _without_word_bounds(p) is None]
    plain = re.compile("|".join(parts), gate._pattern.flags)
    texts = [*SENTENCES, "CLASHES broke out; Rebels SEIZED the town and Troops shelled it."]
    for text in texts:
        found = [(m.span(), m.group(0)) for m in gate._pattern.finditer(text)]
        assert found == [(m.span(), m.group(0)) for m in plain.finditer(text)], text
