"""Exact and near-duplicate articles: syndicated copies point at the first one seen."""

from __future__ import annotations

from sitreps.dedupe import DuplicateFinder, find_duplicates, text_fingerprint
from sitreps.records import Article

WIRE = (
    "Air strikes hit rebel-held districts of Idlib on Tuesday, killing at least 12 people "
    "including four children, a monitoring group said. The strikes targeted a market and a "
    "school building on the eastern edge of the city, according to local rescue workers. "
    "Government forces have stepped up their bombardment of the province in recent weeks "
    "as they prepare for a ground offensive, residents and opposition fighters said. "
    "Thousands of families have fled towards the Turkish border since the start of the month."
)
OTHER = (
    "Police in Nairobi used tear gas to disperse hundreds of traders protesting against new "
    "market fees on Monday, witnesses said. Several stalls were set on fire and at least 30 "
    "people were arrested, a police spokesman told reporters in the afternoon."
)


def article(article_id: str, text: str) -> Article:
    return Article(id=article_id, input=f"{article_id}.html", text=text)


def test_exact_copy_differing_only_in_form_is_a_duplicate() -> None:
    shouted = WIRE.upper().replace(",", " ,")
    assert text_fingerprint(WIRE) == text_fingerprint(shouted)
    found = find_duplicates([article("a", WIRE), article("b", shouted), article("c", OTHER)])
    assert found == {"b": "a"}


def test_syndicated_copy_with_another_intro_and_tail_is_a_near_duplicate() -> None:
    syndicated = "BEIRUT (Wire) - " + WIRE + " Reporting by a correspondent; editing by the desk."
    trimmed = WIRE.rsplit(". ", 1)[0] + "."
    found = find_duplicates(
        [article("orig", WIRE), article("other", OTHER), article("copy", syndicated),
         article("trim", trimmed)]
    )  # fmt: skip
    assert found == {"copy": "orig", "trim": "orig"}


def test_different_stories_on_the_same_topic_are_not_duplicates() -> None:
    follow_up = (
        "Rescue workers in Idlib pulled survivors from the rubble on Wednesday, a day after "
        "air strikes hit a market and a school, and the death toll rose to 19, a monitoring "
        "group said. The United Nations called for an end to attacks on civilians."
    )
    assert find_duplicates([article("a", WIRE), article("b", follow_up)]) == {}


def test_streaming_finder_returns_the_canonical_id() -> None:
    finder = DuplicateFinder()
    assert finder.add(article("first", WIRE)) is None
    assert finder.add(article("second", WIRE + " Updated.")) == "first"
    assert finder.add(article("short", "Too short.")) is None
    assert finder.add(article("short2", "too   SHORT")) == "short"
