from datetime import date

from sitreps.records import Article
from sitreps.time import ResolvedDate, resolve_article_date, resolve_event_date, story_date

WEDNESDAY = ResolvedDate(date(2015, 9, 30), "day", "test")


def test_republished_story_is_dated_by_its_own_text():
    text = (
        "Troops were sent to the border on 12 March.\n\n"
        "The republic has been at war since separatists seized Crimea last year, and "
        "aid agencies say Syria's four-year civil war has displaced millions."
    )
    resolved = story_date(text, page_date="2022-01-29")
    assert resolved.date.year == 2015
    assert resolved.precision == "month"
    assert resolved.date == date(2015, 3, 1)
    assert "re-publication" in resolved.evidence


def test_page_date_kept_when_text_agrees():
    resolved = story_date("Gunmen attacked a market on Tuesday.", page_date="2019-03-07")
    assert resolved == ResolvedDate(date(2019, 3, 7), "day", resolved.evidence)


def test_explicit_date_beats_a_much_later_page_date():
    resolved = story_date("On 3 March 2019 a bus was attacked near Mandera.", "2023-05-01")
    assert resolved.date == date(2019, 3, 3)


def test_no_date_at_all():
    assert story_date("Nothing here tells the time.", None) is None


def test_relative_expressions_resolve_into_the_past():
    assert resolve_event_date("Jets struck the town on Wednesday.", WEDNESDAY).date == date(
        2015, 9, 30
    )
    assert resolve_event_date("Jets struck the town on Monday.", WEDNESDAY).date == date(
        2015, 9, 28
    )
    yesterday = resolve_event_date("Police fired on the crowd yesterday.", WEDNESDAY)
    assert (yesterday.date, yesterday.precision) == (date(2015, 9, 29), "day")
    week = resolve_event_date("The first strikes earlier this week killed 30.", WEDNESDAY)
    assert (week.date, week.precision) == (date(2015, 9, 28), "week")
    year = resolve_event_date("The town was taken last year.", WEDNESDAY)
    assert (year.date, year.precision) == (date(2014, 1, 1), "year")


def test_event_date_never_more_precise_than_the_reference():
    month = ResolvedDate(date(2015, 9, 1), "month", "test")
    resolved = resolve_event_date("The first strikes earlier this week killed 30.", month)
    assert resolved.precision == "month"
    assert resolved.date == date(2015, 9, 1)


def test_sentence_without_date_takes_the_story_date():
    resolved = resolve_event_date("Gunmen killed two traders.", WEDNESDAY)
    assert resolved.date == WEDNESDAY.date


def test_resolve_article_date_keeps_supplied_date():
    article = Article(id="a", input="x", text="Some text.", date="2019-12-31")
    resolved = resolve_article_date(article)
    assert (resolved.date, resolved.date_precision) == ("2019-12-31", "day")
