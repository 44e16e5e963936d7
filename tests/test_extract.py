"""Article extraction on the examples, the seed page and hand-written scraped pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitreps.extract import ExtractionError, extract_article
from sitreps.ingest import read_inputs
from sitreps.records import RawDocument, stable_id
from sitreps.textclean import clean_scraped_text, normalise_date, parse_date_line

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEED = ROOT.parent / "shared" / "seeds" / "000_3c99f06cd3fd5c94.txt"


def _article(name: str):
    (raw,) = list(read_inputs([str(EXAMPLES / name)]))
    assert isinstance(raw, RawDocument)
    return extract_article(raw)


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def test_scraped_example_drops_chrome_and_keeps_the_story() -> None:
    article = _article("01_yemen_strikes_scraped.txt")
    assert article.title == "Coalition Jets Pound Saada As US Drone Hits Al Bayda"
    assert article.page_date == "2023-06-08"
    assert article.date is None and article.date_precision is None
    assert article.text.startswith("SANAA, March 14, 2018 — Warplanes from the Saudi-led")
    assert article.text.endswith("forced from their homes.")
    for chrome in ("24 °C", "Gulf Ministers Meet", "Advertis", "Most Popular", "Powered By"):
        assert chrome not in article.text
    assert len(_paragraphs(article.text)) == 9
    assert article.language == "en"
    assert article.id == stable_id(article.text)


def test_html_example_uses_trafilatura_metadata() -> None:
    article = _article("02_burkina_djibo_clash.html")
    assert article.title == "Soldiers and gunmen killed in clash near Djibo"
    assert article.page_date == "2021-08-05"
    assert article.source == "Sahel Monitor"
    assert article.text.startswith("OUAGADOUGOU — Seven Burkinabe soldiers")
    for chrome in ("About us", "All rights reserved", "Aid convoy reaches", "Privacy"):
        assert chrome not in article.text
    assert article.content_hash and article.language == "en"


def test_protest_page_and_non_conflict_and_french_pages() -> None:
    protest = _article("03_nairobi_protest.html")
    assert protest.text.startswith("Police in Nairobi arrested 14 people on Tuesday")
    assert "Share this" not in protest.text and "Subscribe" not in protest.text
    bomb = _article("04_somalia_roadside_bomb.txt")
    assert bomb.title == "Roadside bomb kills four soldiers near Afgooye"
    assert bomb.text.endswith("several similar attacks this year.")
    assert "Facebook" not in bomb.text and "Share this" not in bomb.text
    sport = _article("05_football_derby.txt")
    assert sport.title == "Gor Mahia edge Leopards in fiery Nairobi derby"
    assert sport.page_date == "2019-09-15" and "Most Read" not in sport.text
    french = _article("06_mali_attaque_fr.html")
    assert french.language == "fr"


def test_supplied_date_and_id_win() -> None:
    raw = RawDocument(
        input="corpus.jsonl#a7",
        content=b"Troops shelled the outskirts of Taiz overnight, the army said.",
        id="a7",
        date="2018-03-14",
        source="Wire",
    )
    article = extract_article(raw)
    assert (article.id, article.date, article.date_precision) == ("a7", "2018-03-14", "day")
    assert article.date_evidence == "supplied with the input"
    assert article.source == "Wire" and article.input == "corpus.jsonl#a7"


def test_no_usable_text_raises_extraction_error() -> None:
    for content, kind in [
        (b"Advertisement\nMost Popular\nShare this", "text"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "html"),
        (b"<<<>>>", "html"),
    ]:
        with pytest.raises(ExtractionError) as caught:
            extract_article(RawDocument(input="x", content=content, kind=kind))
        assert caught.value.reason


def test_broken_html_falls_back_to_its_text() -> None:
    html = b"<html><body><div><p>Gunmen attacked a bus near Garissa on Monday, police said"
    article = extract_article(RawDocument(input="broken.html", content=html, kind="html"))
    assert "Gunmen attacked a bus near Garissa" in article.text


def test_cleaner_handles_repeated_title_breadcrumbs_and_hard_wrapped_text() -> None:
    page = (
        "Menu\nSearch\nNews » Africa » Sudan\nShelling hits market in El Fasher\n"
        "By Staff Reporter\n\nShelling hits market in El Fasher\n\n"
        "Artillery shells struck the main market in El Fasher on Thursday,\n"
        "killing at least nine people and wounding dozens, a local medical\n"
        "group said in a statement released on Friday morning.\n\n"
        "Residents said the shells were fired from positions east of the\n"
        "city, where fighting has continued for a week between the two\n"
        "sides. Neither side commented on the report on Friday.\n\n"
        "Related Articles\nTags: Sudan, Darfur\n© 2024 Example Media. All rights reserved.\n"
    )
    clean = clean_scraped_text(page)
    assert clean.title == "Shelling hits market in El Fasher"
    paragraphs = _paragraphs(clean.text)
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("Artillery shells struck") and "\n" not in paragraphs[0]
    assert paragraphs[1].endswith("on Friday.")


def _indented(rows: list[tuple[int, str]]) -> str:
    """Full-page text the way layout-keeping flatteners write it: each box at its own indent."""
    return "\n".join(" " * indent + line for indent, line in rows) + "\n"


STORY = [
    "Gunmen attacked a checkpoint outside Mopti before dawn on Tuesday, killing four soldiers "
    "and wounding six others, the army said in a statement.",
    "The attackers arrived on motorbikes and set fire to two vehicles before withdrawing "
    "towards the border, a local official told reporters by telephone.",
    "No group has claimed the attack, but militants linked to al Qaeda have been active in "
    "the area for several years and have struck army posts before.",
    "The army said reinforcements had been sent and that a search of nearby villages was "
    "under way on Tuesday afternoon.",
]
TEASERS = [
    ("Drought empties the wells of the Sahel", "Herders in the north say they have walked for "
     "days to find water, and that the rains came late for the third year running."),
    ("Election commission sets a date for the vote", "The commission said the vote would take "
     "place in the spring, after months of delays and arguments over the voter roll."),
    ("Bridge repairs reopen the road to the capital", "Lorries queued for hours on Monday as "
     "the repaired bridge opened to traffic, ending a detour that had lasted half a year."),
    ("Football club celebrates its hundredth year", "Thousands of supporters filled the old "
     "stadium on Sunday for a match between former players and the current squad."),
]  # fmt: skip


def test_cleaner_keeps_the_story_column_and_drops_teasers_set_apart() -> None:
    rows = [(2, "* Home"), (2, "* World"), (2, "* Africa"), (4, "Four soldiers killed near Mopti")]
    rows += [(6, STORY[0]), (6, STORY[1])]
    rows += [(10, "Most read"), (12, "Drought empties the wells of the Sahel"),
             (12, "Election commission sets a date for the vote")]  # fmt: skip
    rows += [(6, STORY[2]), (6, STORY[3]), (4, "Share this article"), (8, "More from Africa")]
    for headline, teaser in TEASERS:
        rows += [(10, headline), (12, "Tuesday March 5, 2024"), (12, teaser)]
    clean = clean_scraped_text(_indented(rows))
    assert clean.title == "Four soldiers killed near Mopti"
    assert _paragraphs(clean.text) == STORY


def test_flat_text_without_indentation_is_cleaned_as_before() -> None:
    rows = [(0, "Menu"), (0, "Four soldiers killed near Mopti"), *[(0, p) for p in STORY]]
    rows += [(0, "Most Popular"), (0, TEASERS[0][0]), (0, TEASERS[0][1]), (0, TEASERS[1][0])]
    clean = clean_scraped_text(_indented(rows))
    assert clean.title == "Four soldiers killed near Mopti"
    assert _paragraphs(clean.text) == STORY


def test_long_cookie_banner_is_chrome_but_prose_mentioning_a_browser_is_not() -> None:
    browser = (
        "The new service streams games to your browser, and testers said the picture held up "
        "well on a fast home connection but stuttered on a crowded mobile network."
    )
    banner = "This website uses cookies to improve your experience. " + " ".join(
        ["Some cookies are necessary for the site to work and others help us understand how "
         "visitors use it, which pages they read and how long they stay."] * 4
    )  # fmt: skip
    clean = clean_scraped_text("\n".join(["Menu", browser, *STORY, banner]))
    assert _paragraphs(clean.text) == [browser, *STORY]


def test_title_in_another_script_does_not_swallow_the_body() -> None:
    title = "Обстрел рынка в Донецке"
    body = [
        "В результате обстрела рынка в Донецке в понедельник погибли по меньшей мере "
        "пять человек, сообщили местные власти.",
        "По словам очевидцев, снаряды упали около полудня, когда на рынке было много покупателей.",
    ]
    clean = clean_scraped_text("\n".join(["Главная", title, title, *body, "Комментарии"]))
    assert clean.title == title
    assert _paragraphs(clean.text) == body


def test_plain_corpus_text_is_left_whole() -> None:
    text = (
        "Turkish drones struck a convoy near Qamishli on Monday, the Kurdish-led forces said, "
        "in the latest attack in the region. Two fighters were killed."
    )
    assert clean_scraped_text(text).text == text
    assert clean_scraped_text(text).title is None


def test_date_lines_and_supplied_dates() -> None:
    assert parse_date_line("Saturday, January 29, 2022") == "2022-01-29"
    assert parse_date_line("Updated: 29 Jan 2022 | 10:32 GMT") == "2022-01-29"
    assert parse_date_line("On Monday, troops entered the town.") is None
    assert normalise_date("2019-04-10T12:00:00Z") == ("2019-04-10", "day")
    assert normalise_date("10 April 2019") == ("2019-04-10", "day")
    assert normalise_date("2019-04") == ("2019-04", "month")
    assert normalise_date("04/10/2019") is None


@pytest.fixture
def seed_page() -> str:
    if not SEED.exists():
        pytest.skip(f"seed page not present at {SEED} (shared data lives outside the repo)")
    return SEED.read_text("utf-8")


def test_seed_page_is_cleaned(seed_page: str) -> None:
    article = extract_article(RawDocument(input=str(SEED), content=seed_page.encode()))
    normalised_title = article.title.replace("‘", "'").replace("’", "'")
    assert normalised_title == "Russian Jets 'Bombing Islamic State' In Syria"
    assert article.page_date == "2022-01-29"
    assert article.date is None
    assert article.text.startswith("Russia says it has started")
    for chrome in ("11 C", "Advertis", "Most Popular", "Recent Comments", "WP2Social",
                   "Labour To Discuss Policy"):  # fmt: skip
        assert chrome not in article.text
    assert article.text.endswith("A further 11 million have been displaced.")
    assert article.language == "en"


def test_fast_mode_reads_the_html_examples_with_resiliparse() -> None:
    (raw,) = list(read_inputs([str(EXAMPLES / "02_burkina_djibo_clash.html")]))
    fast = extract_article(raw, fast=True)
    assert fast.title and "Djibo" in fast.title
    assert "OUAGADOUGOU — Seven Burkinabe soldiers" in fast.text
    assert "All rights reserved" not in fast.text and fast.language == "en"
    (french_raw,) = list(read_inputs([str(EXAMPLES / "06_mali_attaque_fr.html")]))
    assert extract_article(french_raw, fast=True).language == "fr"


def test_fast_mode_takes_the_page_date_from_metadata() -> None:
    page = (
        '<html><head><title>Strike</title><meta property="article:published_time" '
        'content="2015-09-30T08:12:00Z"><meta property="og:site_name" content="Desk"></head>'
        "<body><article><p>Russian jets struck targets near Homs on Wednesday, the defence "
        "ministry in Moscow said, in the first such raids of the campaign.</p></article>"
        "</body></html>"
    )
    article = extract_article(RawDocument(input="p.html", content=page.encode(), kind="html"), True)
    assert article.page_date == "2015-09-30" and article.source == "Desk"
    assert article.text.startswith("Russian jets struck")


def test_container_date_is_the_page_date_only_when_the_page_has_none() -> None:
    from sitreps.readers import CrawledDocument

    page = (
        "<html><head><title>Clash</title></head><body><article><p>Soldiers and gunmen clashed "
        "near Djibo on Sunday, a security source said, and several people were killed.</p>"
        "</article></body></html>"
    )
    raw = CrawledDocument(
        input="c.warc#1", content=page.encode(), kind="html", page_date_hint="2021-08-09"
    )
    assert extract_article(raw).page_date == "2021-08-09"
    assert extract_article(raw, fast=True).page_date == "2021-08-09"
