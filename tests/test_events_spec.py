"""``EventsSpec``: the events job as one value, checked before any file is read."""

from __future__ import annotations

import pytest

from relforecast.events.spec import EventsSpec
from relforecast.exceptions import SpecError

# a file that does not exist: a check that fails first never read it
BASE = {"data": "no-such-events.csv", "dyad": "Xland", "out": "out"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"by": "term"}, "--by term needs the terms"),
        ({"by": "term", "terms": "A=2020-01:2020-06", "leaders": "l.csv"}, "not both"),
        ({"terms": "A=2020-01:2020-06"}, "are for --by term"),
        ({"venues": "v.yaml", "venue_col": "venue"}, "not both"),
        ({"charts": ("window",)}, "--chart window needs the scores"),
        ({"charts": ("monthly",), "scores": "s.csv"}, "are for --chart window"),
        ({"charts": ("pie",)}, "unknown chart(s) ['pie']"),
        ({"by": "week"}, "by='week'"),
        ({"lang": "fr"}, "lang='fr'"),
        ({"months": 1}, "months=1"),
        ({"months": 12.5}, "months=12.5"),
        ({"dyad": " "}, "dyad"),
    ],
)
def test_contradicting_options_fail_when_the_spec_is_made(extra, message):
    with pytest.raises(SpecError) as info:
        EventsSpec(**{**BASE, **extra})
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("extra", "charts"),
    [
        ({}, ("monthly", "shares")),
        ({"scores": "s.csv"}, ("monthly", "shares", "window")),
        ({"charts": ["shares"]}, ("shares",)),
    ],
)
def test_default_figures_are_made_explicit(extra, charts):
    spec = EventsSpec(**{**BASE, **extra})
    assert spec.charts == charts
    # frozen and hashable: one value for one job
    assert hash(spec) == hash(EventsSpec(**{**BASE, **extra}))
    with pytest.raises(AttributeError):
        spec.by = "month"  # type: ignore[misc]


def test_the_command_takes_its_options_as_the_spec_fields():
    from relforecast.cli.events import events

    names = {p.name for p in events.params}
    fields = set(EventsSpec.__dataclass_fields__)
    assert names == fields
