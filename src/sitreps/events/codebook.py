"""The event codebook (data/codebook.yaml) compiled for matching: taxonomy, triggers, mappings."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from sitreps.patterns import by_first_letter, whole_words


@dataclass(frozen=True)
class RoleConvention:
    """ACLED's coding convention for one role of a sub-type (see codebook.yaml)."""

    default: str
    kind: str
    always: bool = False


@dataclass(frozen=True)
class SubEventType:
    name: str
    event_type: str
    definition: str
    plover: str | None
    plover_mode: str | None
    cameo: str | None
    priority: int
    violent: bool
    needs_victims: bool
    triggers: tuple[re.Pattern[str], ...]
    context: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    actor1: RoleConvention | None = None
    actor2: RoleConvention | None = None


@dataclass(frozen=True)
class Sense:
    """Another sense of some trigger words (sports, markets...), see data/senses.yaml."""

    name: str
    words: re.Pattern[str]  # matched against a trigger's whole text
    cues: re.Pattern[str]
    document_cues: int | None  # cues that make the sense govern a whole page


class SenseGuard:
    """Reads a trigger word in a sense that is not political violence when its sentence
    (or its page) is about sport, markets, works of fiction, accidents..."""

    def __init__(self, data: dict) -> None:
        self.senses = [_compile_sense(item) for item in data.get("senses") or []]
        self.unless = whole_words("|".join(data["unless"])) if data.get("unless") else None
        ambiguous = [f"(?:{s.words.pattern})" for s in self.senses]
        self._ambiguous = re.compile("|".join(ambiguous), re.IGNORECASE) if ambiguous else None
        self._last_page: tuple[str, frozenset[str]] | None = None  # a page is asked again

    def ambiguous(self, trigger_text: str) -> bool:
        """Could this trigger text be read in another sense?"""
        return bool(self._ambiguous and self._ambiguous.fullmatch(_spaced(trigger_text)))

    def other_sense(
        self,
        trigger_text: str,
        sentence: str,
        governing: Callable[[], frozenset[str]] | None = None,
    ) -> str | None:
        """The other sense ``trigger_text`` has in ``sentence``, or None when it may be
        political violence. ``governing`` gives the senses that govern the page; it is asked
        only when the sentence alone does not tell (counting a page's cues costs more)."""
        if not self.ambiguous(trigger_text):
            return None
        if self.unless is not None and self.unless.search(sentence):
            return None
        candidates = [s for s in self.senses if s.words.fullmatch(_spaced(trigger_text))]
        for sense in candidates:
            if sense.cues.search(sentence):
                return sense.name
        page = governing() if governing is not None else frozenset()
        return next((s.name for s in candidates if s.name in page), None)

    def governing(self, text: str) -> frozenset[str]:
        """The senses that govern a whole page: many of their cues, more than conflict cues."""
        if self._last_page is not None and self._last_page[0] == text:
            return self._last_page[1]
        found = self._governing(text)
        self._last_page = (text, found)
        return found

    def _governing(self, text: str) -> frozenset[str]:
        counts = {}
        for sense in self.senses:
            if sense.document_cues is not None:
                cues = len(sense.cues.findall(text))
                if cues >= sense.document_cues:
                    counts[sense.name] = cues
        if not counts:
            return frozenset()
        conflict = _count(self.unless, text, max(counts.values())) if self.unless else 0
        return frozenset(name for name, cues in counts.items() if cues > conflict)


def _count(pattern: re.Pattern[str], text: str, enough: int) -> int:
    """Matches of ``pattern`` in ``text``, counted up to ``enough``."""
    count = 0
    for _ in pattern.finditer(text):
        count += 1
        if count >= enough:
            break
    return count


@dataclass(frozen=True)
class TriggerMatch:
    sub_type: SubEventType
    start: int
    end: int
    text: str


class Codebook:
    def __init__(self, data: dict):
        self.version = data.get("version")
        # guards of the Strategic developments (see sitreps.events.strategic)
        self.strategic: dict = data.get("strategic") or {}
        # campaigns told as background (see sitreps.events.campaigns)
        self.campaigns: dict = data.get("campaigns") or {}
        # other senses of trigger words: the codebook's own section, else data/senses.yaml
        self.senses = SenseGuard(data["senses"] if "senses" in data else _packaged_senses())
        self.sub_types: list[SubEventType] = []
        for event_type in data["event_types"]:
            for item in event_type["sub_event_types"]:
                self.sub_types.append(_compile_sub_type(event_type["name"], item))
        self._by_name = {s.name: s for s in self.sub_types}
        gate_parts = [p.pattern for s in self.sub_types for p in s.triggers]
        self._gate = re.compile("|".join(gate_parts), re.IGNORECASE) if gate_parts else None
        self._any_trigger = [_union(s.triggers) for s in self.sub_types]

    @property
    def event_types(self) -> list[str]:
        return list(dict.fromkeys(s.event_type for s in self.sub_types))

    def sub_type(self, name: str) -> SubEventType:
        return self._by_name[name]

    def gate(self, text: str) -> bool:
        """Cheap relevance test: does the text hold any event vocabulary at all?"""
        return bool(self._gate and self._gate.search(text))

    def triggers_in(self, text: str) -> list[TriggerMatch]:
        """The triggers in ``text``, none when every one is read in another sense there."""
        found: list[TriggerMatch] = []
        for sub_type, any_trigger in zip(self.sub_types, self._any_trigger, strict=True):
            if not sub_type.triggers:
                continue
            if any_trigger is not None and not any_trigger.search(text):
                continue  # no trigger of this sub-type anywhere: nothing to find
            if sub_type.context and not any(c.search(text) for c in sub_type.context):
                continue
            excluded = [m.span() for x in sub_type.exclude for m in x.finditer(text)]
            for pattern in sub_type.triggers:
                for m in pattern.finditer(text):
                    if any(a <= m.start() < b for a, b in excluded):
                        continue
                    found.append(TriggerMatch(sub_type, m.start(), m.end(), m.group(0)))
        if all(self.senses.other_sense(t.text, text) for t in found):
            return []  # "Chile beat Peru 2-1": every trigger in its other sense
        return sorted(found, key=lambda t: (t.start, -t.sub_type.priority))


_WORD_BEFORE = r"(?<![\w-])(?:"
_WORD_AFTER = r")(?![\w-])"


def _union(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """One expression that matches somewhere in a text when any of ``patterns`` does, a
    cheap first test: the whole-word bounds are checked once for all of them. None when the
    patterns differ in flags or hold groups, which a union would change."""
    if not patterns or len({p.flags for p in patterns}) != 1 or any(p.groups for p in patterns):
        return None
    bounded = [_inner(p.pattern) for p in patterns]
    words = [b for b in bounded if b is not None]
    inner = by_first_letter(words, patterns[0].flags) or "|".join(f"(?:{b})" for b in words)
    parts = [_WORD_BEFORE + inner + _WORD_AFTER] if inner else []
    parts += [f"(?:{p.pattern})" for p, b in zip(patterns, bounded, strict=True) if b is None]
    try:
        return re.compile("|".join(parts), patterns[0].flags)
    except re.error:
        return None


def _inner(pattern: str) -> str | None:
    """A whole-word pattern without its bounds, None for another pattern."""
    if pattern.startswith(_WORD_BEFORE) and pattern.endswith(_WORD_AFTER):
        return pattern[len(_WORD_BEFORE) : -len(_WORD_AFTER)]
    return None


def _compile_sub_type(event_type: str, item: dict) -> SubEventType:
    def words(patterns: list[str] | None) -> tuple[re.Pattern[str], ...]:
        return tuple(whole_words(p) for p in patterns or [])

    return SubEventType(
        name=item["name"],
        event_type=event_type,
        definition=item.get("definition", ""),
        plover=item.get("plover"),
        plover_mode=item.get("plover_mode"),
        cameo=item.get("cameo"),
        priority=int(item.get("priority", 0)),
        violent=bool(item.get("violent", False)),
        needs_victims=bool(item.get("needs_victims", False)),
        triggers=words(item.get("triggers")),
        context=words(item.get("context")),
        exclude=words(item.get("exclude")),
        actor1=_convention(item.get("actor1")),
        actor2=_convention(item.get("actor2")),
    )


def _compile_sense(item: dict) -> Sense:
    cues = item.get("document_cues")
    return Sense(
        name=item["name"],
        words=re.compile("|".join(f"(?:{w})" for w in item["words"]), re.IGNORECASE),
        cues=whole_words("|".join(item["cues"])),
        document_cues=int(cues) if cues is not None else None,
    )


def _spaced(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _packaged_senses() -> dict:
    text = resources.files("sitreps.data").joinpath("senses.yaml").read_text("utf-8")
    return yaml.safe_load(text) or {}


def _convention(spec: dict | None) -> RoleConvention | None:
    if not spec:
        return None
    return RoleConvention(spec["default"], spec["kind"], bool(spec.get("always", False)))


@lru_cache(maxsize=4)
def load_codebook(path: str | None = None) -> Codebook:
    """The packaged codebook, or an analyst's own file."""
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        text = resources.files("sitreps.data").joinpath("codebook.yaml").read_text("utf-8")
    return Codebook(yaml.safe_load(text))
