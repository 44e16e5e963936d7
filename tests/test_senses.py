"""Sense guards: trigger words read in their sporting, market, fictional or everyday sense
(data/senses.yaml) neither pass the relevance gate nor become events. Texts written here."""

from __future__ import annotations

import pytest

from sitreps.events.codebook import load_codebook
from sitreps.events.context import relevance_gate
from sitreps.nlp import sentence_spans

MATCH_REPORT = (
    "Hosts Portugal beat Serbia 3-1 on Saturday to top the group. "
    "The striker scored twice in the first half before the visitors rallied late on. "
    "Serbia clash with Ukraine in the final qualifier next week, and their head coach "
    "said his squad would fight for every point. "
    "The two sides met in a tense derby last season."
)
MARKET_REPORT = (
    "Asian stocks rallied on Tuesday as quarterly earnings beat analyst estimates. "
    "Airline shares were hit hard after the carrier cut its sales forecasts. "
    "Investors battled over bond yields while the Nasdaq edged higher."
)
CONFLICT_REPORT = (
    "Gunmen attacked a village near Djibo on Sunday, killing five people, residents said. "
    "Soldiers clashed with the attackers for two hours."
)


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(scope="module")
def gate(codebook):
    return relevance_gate(codebook)


@pytest.mark.parametrize(
    "sentence",
    [
        "Brazil beat Argentina 2-0 in the semi-final.",
        "Stocks rallied as profits beat forecasts.",
        "Car sales were hit by the new tax.",
        "Reviewers praised Raid on the Moon Palace: Final Battle, a video game for consoles.",
        "The city has been fighting smog and dirty air for decades.",
        "Firefighters battled the blaze through the night.",
        "Three people were killed when the bus crashed into a lorry.",
        "The senator attacked her rival's tax plans in the TV debate.",
        "A marching band played outside the town hall.",
        "The governor said at a rally in Dayton that the plant would stay open.",
    ],
)
def test_other_senses_do_not_pass_the_gate(gate, codebook, sentence):
    assert not gate.passes(sentence)
    assert codebook.triggers_in(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Police beat protesters outside the stadium after the match.",
        "Rival fans clashed after the derby, and police fired tear gas.",
        "Supporters of the two clubs fought in the streets of Nakuru.",
        "Militants attacked an oil field, and shares of the operator fell.",
        "Thousands rallied in Nairobi against rising prices.",
        "Gunmen shot dead a football coach in Mandera.",
        "Two soldiers were killed when their vehicle crashed into a roadside bomb.",
    ],
)
def test_violence_told_with_such_words_still_passes(gate, codebook, sentence):
    assert gate.passes(sentence)
    assert codebook.triggers_in(sentence)


def test_a_page_governed_by_sport_reads_every_sentence_in_that_sense(gate):
    assert not gate.passes(MATCH_REPORT)  # "The two sides met..." has no cue of its own
    assert gate.sentences(MATCH_REPORT, sentence_spans(MATCH_REPORT)) == []
    assert not gate.passes(MARKET_REPORT)


def test_a_conflict_page_is_not_governed_by_a_few_sporting_words(gate):
    text = CONFLICT_REPORT + " The village had hosted a football tournament last season."
    assert gate.passes(text)
    spans = sentence_spans(text)
    assert gate.sentences(text, spans) == [0, 1]


def test_a_mixed_page_keeps_its_violent_sentence_only(gate):
    text = MATCH_REPORT + " " + CONFLICT_REPORT
    spans = sentence_spans(text)
    kept = [text[a:b] for a, b in (spans[i] for i in gate.sentences(text, spans))]
    assert kept and all("Gunmen" in s or "Soldiers" in s for s in kept)


def test_pipeline_codes_no_event_from_a_match_report(pipeline):
    assert pipeline.process_text(MATCH_REPORT, doc_id="match", ref_date="2021-03-08") == []
    events = pipeline.process_text(CONFLICT_REPORT, doc_id="raid", ref_date="2021-03-08")
    assert events


def test_an_analyst_codebook_may_carry_its_own_senses(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "version: 1\nevent_types:\n  - name: Protests\n    sub_event_types:\n"
        "      - name: Peaceful protest\n        triggers: [vigil]\n"
        "senses:\n  unless: [police]\n  senses:\n"
        "    - name: churches\n      words: [vigil]\n      cues: [prayer|easter]\n",
        encoding="utf-8",
    )
    codebook = load_codebook(str(path))
    gate = relevance_gate(codebook)
    assert not gate.passes("Hundreds held an Easter vigil.")
    assert gate.passes("Hundreds held a vigil.")
    assert gate.passes("Hundreds held an Easter vigil until police dispersed them.")
