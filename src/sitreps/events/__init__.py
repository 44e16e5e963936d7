"""Events stage: from a clean article to coded events with evidence.

- `codebook`: the ACLED taxonomy, triggers and conventions (data/codebook.yaml), compiled;
- `coder`: sentence by sentence, the sub-event type, place, date and the event record;
- `roles`: agent and target; `claims`: modality, attribution, denials, claims of responsibility;
- `fatalities`: deaths tied to the event's kill words.
"""

from sitreps.events.codebook import Codebook, SubEventType, TriggerMatch, load_codebook
from sitreps.events.coder import code_article, relevant_sentences
from sitreps.events.fatalities import count_fatalities

__all__ = [
    "Codebook",
    "SubEventType",
    "TriggerMatch",
    "load_codebook",
    "code_article",
    "relevant_sentences",
    "count_fatalities",
]
