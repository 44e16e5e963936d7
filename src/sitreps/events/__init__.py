"""Events stage: from a clean article to coded events with evidence.

- `codebook`: the ACLED taxonomy, triggers and conventions (data/codebook.yaml), compiled;
- `coder`: sentence by sentence, the sub-event type, place, date and the event record;
- `roles`: agent and target; `claims`: modality, attribution, denials, claims of responsibility;
- `fatalities`: deaths tied to the event's kill words.

The coder (and spaCy with it) is imported on first use, so that reading the codebook or
linking stored events stays light.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {
    "Codebook": "sitreps.events.codebook",
    "SubEventType": "sitreps.events.codebook",
    "TriggerMatch": "sitreps.events.codebook",
    "load_codebook": "sitreps.events.codebook",
    "code_article": "sitreps.events.coder",
    "relevant_sentences": "sitreps.events.coder",
    "count_fatalities": "sitreps.events.fatalities",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sitreps.events' has no attribute {name!r}")
