"""A probability shown in a report never reads as a certainty it is not."""

from hypothesis import given
from hypothesis import strategies as st

from relforecast.graphics.labels import fmt_pct


@given(st.floats(min_value=0, max_value=1, exclude_min=True, exclude_max=True))
def test_a_probability_strictly_inside_never_shows_zero_or_hundred(p: float) -> None:
    text = fmt_pct(p)
    assert text not in ("0.0%", "100.0%")
    if 0.0005 <= p <= 0.9995:  # away from the edges: the plain one-decimal rounding
        assert text == f"{100 * p:.1f}%"


def test_the_edges_and_their_neighbours() -> None:
    assert fmt_pct(0.0) == "0.0%"
    assert fmt_pct(1.0) == "100.0%"
    assert fmt_pct(0.0004) == "<0.1%"
    assert fmt_pct(0.9996) == ">99.9%"
    assert fmt_pct(0.0004, digits=2) == "0.04%"
    assert fmt_pct(0.99996, digits=2) == ">99.99%"
    assert fmt_pct(0.167) == "16.7%"
