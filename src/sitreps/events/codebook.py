"""The event codebook (data/codebook.yaml) compiled for matching: taxonomy, triggers, mappings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from sitreps.patterns import whole_words


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
        self.sub_types: list[SubEventType] = []
        for event_type in data["event_types"]:
            for item in event_type["sub_event_types"]:
                self.sub_types.append(_compile_sub_type(event_type["name"], item))
        self._by_name = {s.name: s for s in self.sub_types}
        gate_parts = [p.pattern for s in self.sub_types for p in s.triggers]
        self._gate = re.compile("|".join(gate_parts), re.IGNORECASE) if gate_parts else None

    @property
    def event_types(self) -> list[str]:
        return list(dict.fromkeys(s.event_type for s in self.sub_types))

    def sub_type(self, name: str) -> SubEventType:
        return self._by_name[name]

    def gate(self, text: str) -> bool:
        """Cheap relevance test: does the text hold any event vocabulary at all?"""
        return bool(self._gate and self._gate.search(text))

    def triggers_in(self, text: str) -> list[TriggerMatch]:
        found: list[TriggerMatch] = []
        for sub_type in self.sub_types:
            if sub_type.context and not any(c.search(text) for c in sub_type.context):
                continue
            excluded = [m.span() for x in sub_type.exclude for m in x.finditer(text)]
            for pattern in sub_type.triggers:
                for m in pattern.finditer(text):
                    if any(a <= m.start() < b for a, b in excluded):
                        continue
                    found.append(TriggerMatch(sub_type, m.start(), m.end(), m.group(0)))
        return sorted(found, key=lambda t: (t.start, -t.sub_type.priority))


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
