"""The forecast record: keep every published forecast, score it when the truth arrives.

* :mod:`relforecast.record.schema` — tables, schema version, opening checks, migrations;
* :mod:`relforecast.record.entry` — what is kept of one forecast;
* :mod:`relforecast.record.questions` — the probability questions and how they resolve;
* :mod:`relforecast.record.store` — :class:`Record`, reading and writing;
* :mod:`relforecast.record.scoring` — scores against the data known now;
* :mod:`relforecast.record.backfill` — the record a group would have kept, without hindsight.

The user guide is docs/record.md ("Keeping score").
"""

from relforecast.record.backfill import BackfillResult, as_of_cut, backfill, origin_seed
from relforecast.record.entry import DEFAULT_THRESHOLDS, Entry, EntryFacts, make_entry
from relforecast.record.questions import Question, parse_question
from relforecast.record.schema import SCHEMA_VERSION
from relforecast.record.scoring import RecordScores, ranked_probability_score
from relforecast.record.store import Added, Record, default_location

__all__ = [
    "DEFAULT_THRESHOLDS",
    "SCHEMA_VERSION",
    "Added",
    "BackfillResult",
    "Entry",
    "EntryFacts",
    "Question",
    "Record",
    "RecordScores",
    "as_of_cut",
    "backfill",
    "default_location",
    "make_entry",
    "origin_seed",
    "parse_question",
    "ranked_probability_score",
]
