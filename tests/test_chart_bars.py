"""The completion chart's bars (core/chart.chart_bars): at most 25 whatever the number of
agencies, the agencies with the most overdue tasks first, the rest added up in one bar."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from xladdin.core.chart import MAX_BARS, OTHERS_LABEL, Chart, chart_bars
from xladdin.core.summary import agency_chart, chart_rows


@dataclass(frozen=True)
class Agency:
    name: str
    code: str
    tasks: int
    completed: int
    overdue: int


@st.composite
def agency(draw: st.DrawFn) -> Agency:
    tasks = draw(st.integers(0, 60))
    completed = draw(st.integers(0, tasks))
    overdue = draw(st.integers(0, tasks - completed))
    name = draw(st.text(min_size=1, max_size=12))
    return Agency(name, draw(st.text(max_size=4)), tasks, completed, overdue)


agencies = st.lists(agency(), max_size=260)


@settings(max_examples=200, deadline=None)
@given(agencies)
def test_at_most_25_bars_and_the_totals_kept(found: list[Agency]) -> None:
    bars = chart_bars(found)
    assert len(bars) <= MAX_BARS
    assert len(bars) == min(len(found), MAX_BARS)
    for field in ("tasks", "completed", "overdue"):
        assert sum(getattr(b, field) for b in bars) == sum(getattr(a, field) for a in found)
    assert sum(b.agencies for b in bars) == len(found)
    for b in bars:
        assert 0 <= b.completion_rate <= 1
        assert b.completion_rate == (b.completed / b.tasks if b.tasks else 0)


@settings(max_examples=100, deadline=None)
@given(agencies, st.randoms(use_true_random=False))
@example(  # alike in name and code, not in counts (found by Hypothesis)
    [Agency("0", "", 0, 0, 0), Agency("0", "", 0, 0, 0), Agency("0", "", 1, 1, 0)],
    random.Random(1),
)
def test_the_same_bars_whatever_the_order(found: list[Agency], rnd: random.Random) -> None:
    shuffled = list(found)
    rnd.shuffle(shuffled)
    assert chart_bars(shuffled) == chart_bars(found)


@settings(max_examples=100, deadline=None)
@given(agencies)
@example(  # two agencies with one name, the one left out first (found by Hypothesis)
    [Agency("0", "", 1, 0, 0), *(Agency(f"a{i}", "", 5, 0, 5) for i in range(24)),
     Agency("0", "", 6, 0, 6)]
)  # fmt: skip
def test_the_agencies_shown_are_the_most_overdue(found: list[Agency]) -> None:
    bars = chart_bars(found)
    if len(found) <= MAX_BARS:
        assert sorted(b.label for b in bars) == sorted(a.name for a in found)
        assert all(b.agencies == 1 for b in bars)
        return
    *shown, others = bars
    assert len(shown) == MAX_BARS - 1
    assert others.label == f"{OTHERS_LABEL} ({len(found) - len(shown)})"
    assert others.agencies == len(found) - len(shown)
    # No agency left out comes before one shown by (overdue, unfinished, name).
    rank = [(-b.overdue, -b.unfinished, b.label) for b in shown]
    assert rank == sorted(rank)
    left = list(found)
    for b in shown:  # remove the agency of each shown bar (names may repeat: match counts)
        left.remove(
            next(
                a
                for a in left
                if (a.name, a.tasks, a.completed, a.overdue)
                == (b.label, b.tasks, b.completed, b.overdue)
            )
        )
    worst_shown = rank[-1]
    for a in left:
        assert (-a.overdue, -(a.tasks - a.completed), a.name) >= worst_shown


def test_200_agencies_give_24_and_the_others() -> None:
    found = [Agency(f"Ban {i:03d}", f"B{i}", 10, i % 10, (i * 7) % 5) for i in range(200)]
    bars = chart_bars(found)
    assert len(bars) == 25 and bars[-1].label == "Các cơ quan khác (176)"
    assert all(b.overdue == 4 for b in bars[:-1])  # 40 agencies have 4 overdue: 24 shown
    # ties broken by most unfinished, then name
    assert [b.label for b in bars[:3]] == ["Ban 002", "Ban 012", "Ban 022"]


def test_the_sheet_and_the_report_draw_the_same_bars() -> None:
    found = [Agency(f"Sở {i}", f"S{i}", 4, i % 5, i % 3) for i in range(40)]
    bars = chart_bars(found)
    series = agency_chart(chart_rows(bars))
    assert series.categories == tuple(b.label for b in bars)
    assert series.values == tuple(b.completion_rate for b in bars)
    chart = Chart.of_agencies("Tỷ lệ", found, label=str.upper)
    assert chart.labels == tuple(b.label.upper() for b in bars)
    assert chart.values == tuple(b.completion_rate * 100 for b in bars)
    assert len(chart.labels) == MAX_BARS


def test_a_limit_below_two_is_refused() -> None:
    with pytest.raises(ValueError):
        chart_bars([], limit=1)
