"""Campaigns told as background: a war, an offensive or a siege named as a whole.

News stories set the scene with the campaign they belong to: "its actions after the Afrin
campaign", "maintaining the offensive against residual pockets", "waging a battle against the
militias", "the battle for Afrin", "have been fighting it out in towns and villages". These
mentions hold the codebook's trigger words but tell no happening of the story; coded, they
become events with the story's date and a province or country as place, which agree with
every other article's background line and get linked into false incidents.

The guard is data: the codebook's ``campaigns:`` block lists the trigger texts that can name
a campaign (nouns, plurals, gerunds: never a finite act such as "attacked"), the phrases in
which a campaign noun is background, and the cues of a span of time, a habit or generic
violence. A sentence codes no event when every trigger in it is such a mention and nothing
anchors it to one happening: a date in the sentence or a death toll ("the offensive killed 20
people on Tuesday", "the siege of X ended yesterday" stay events; see the coder).
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from sitreps.events.codebook import Codebook, TriggerMatch
from sitreps.patterns import whole_words

_NEVER = re.compile(r"(?!)")


class _CampaignGuard:
    """The codebook's ``campaigns:`` block, compiled."""

    def __init__(self, data: dict) -> None:
        self.words = _alternation(data.get("words"))
        nouns = "|".join(f"(?:{n})" for n in data.get("nouns") or [])
        self.phrases = _alternation(_with_nouns(data.get("phrases"), nouns))
        self.ongoing = _alternation(_with_nouns(data.get("ongoing"), nouns))

    def background(self, text: str, triggers: list[TriggerMatch]) -> list[TriggerMatch]:
        """The triggers that are campaign words in a background phrase, or in a clause that
        tells a span of time or a habit."""
        named = [t for t in triggers if self.words.fullmatch(_spaced(t.text))]
        if not named:
            return []
        spans = [m.span() for m in self.phrases.finditer(text)]
        return [t for t in named if _inside(t, spans) or self._ongoing(text, t)]

    def _ongoing(self, text: str, trigger: TriggerMatch) -> bool:
        starts = [m.end() for m in _CLAUSE_BREAK.finditer(text, 0, trigger.start)]
        end = _CLAUSE_BREAK.search(text, trigger.end)
        clause = text[starts[-1] if starts else 0 : end.start() if end else len(text)]
        return bool(self.ongoing.search(clause))


def _inside(trigger: TriggerMatch, spans: list[tuple[int, int]]) -> bool:
    return any(a < trigger.end and trigger.start < b for a, b in spans)


# a cue of time or habit speaks for its own clause ("they carried out the airstrikes - a ban
# that has been breached only a handful of times": the airstrikes are one happening; "200
# civilians killed in airstrikes over two days, …, in the seven-year war": the war is another's)
_CLAUSE_BREAK = re.compile(r"[,;:–—()]|\s-\s")


def _with_nouns(patterns: list[str] | None, nouns: str) -> list[str]:
    """The patterns with ``{campaign}`` replaced by the campaign nouns (left out without
    nouns)."""
    return [
        p.replace("{campaign}", f"(?:{nouns})") for p in patterns or [] if nouns or "{" not in p
    ]


def _alternation(patterns: list[str] | None) -> re.Pattern[str]:
    if not patterns:
        return _NEVER
    return whole_words("|".join(f"(?:{p})" for p in patterns))


def _spaced(text: str) -> str:
    return " ".join(text.split())


_compiled: WeakKeyDictionary[Codebook, _CampaignGuard] = WeakKeyDictionary()


def campaign_background(
    codebook: Codebook, text: str, triggers: list[TriggerMatch]
) -> list[TriggerMatch]:
    """The triggers of the sentence that name a campaign told as background ("after the
    Afrin campaign", "waging a battle against the militias", "have been fighting for
    months"). The coder drops them when other triggers remain, and the sentence when none
    does and no date or toll anchors it."""
    guard = _compiled.get(codebook)
    if guard is None:
        guard = _compiled[codebook] = _CampaignGuard(codebook.campaigns)
    return guard.background(text, triggers)
