"""Properties of recalculation over random plan trees (sections → optional groups → tasks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.core.agencies import Agency, AgencyCatalogue
from xladdin.core.layout import (
    DUE_DONE_LATE,
    DUE_DONE_ON_TIME,
    DUE_OVERDUE,
    DUE_STATES,
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUSES,
)
from xladdin.core.period import parse_period
from xladdin.core.recalc import Figures, Recalc, _leaf, _tree_progress, due_state, recalculate
from xladdin.core.timeframe import KIND_LABELS, DeadlineKind

TODAY = date(2026, 11, 21)
PERIOD = parse_period("2026-11")
CATALOGUE = AgencyCatalogue(
    [
        Agency(code="STC", name="Sở Tài chính", aliases=("STC Điện Biên",)),
        Agency(code="SNV", name="Sở Nội vụ"),
        Agency(code="BTCTU", name="Ban Tổ chức Tỉnh ủy"),
    ]
)
# Each value names exactly one lead (or none): known by name, alias or code, or unknown.
LEADS = [None, "Sở Tài chính", "STC Điện Biên", "SNV", "Ban Tổ chức Tỉnh ủy", "Sở Xây dựng"]
NEVER_OVERDUE_LABELS = [
    KIND_LABELS[k] for k in (DeadlineKind.ONGOING, DeadlineKind.RECURRING, DeadlineKind.ROADMAP)
]
COMPLETED = (STATUS_DONE, STATUS_DONE_LATE)
COUNTS = (
    "tasks",
    "completed",
    "completed_on_time",
    "completed_late",
    "overdue",
    "due_soon",
    "no_fixed_deadline",
    "not_reported",
)
PROPERTY = settings(max_examples=80, deadline=None)

days = st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 12, 31))
progress_values = st.one_of(
    st.none(),
    st.integers(0, 100),
    st.floats(0, 100, allow_nan=False),
    st.sampled_from([-5, 150, "50%", "", True]),
)
weights = st.one_of(
    st.none(), st.integers(0, 5), st.floats(0, 10, allow_nan=False), st.sampled_from([-1, "x"])
)


@st.composite
def leaves(draw: st.DrawFn, key: str, parent: str, kinds: Any = None) -> dict[str, Any]:
    kind_values = kinds if kinds is not None else st.sampled_from([None, *KIND_LABELS.values()])
    return {
        "key": key,
        "level": "Nhiệm vụ",
        "parent": parent,
        "content": f"Nhiệm vụ {key}",
        "lead": draw(st.sampled_from(LEADS)),
        "status": draw(st.sampled_from([None, "", "Đang làm", *STATUSES])),
        "progress": draw(progress_values),
        "weight": draw(weights),
        "deadline_kind": draw(kind_values),
        "due_date": draw(st.one_of(st.none(), days)),
        "updated_at": draw(st.one_of(st.none(), days)),
    }


@st.composite
def plans(draw: st.DrawFn, kinds: Any = None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for s in range(1, draw(st.integers(1, 3)) + 1):
        section = f"S{s}"
        rows.append({"key": section, "level": "Phần", "content": f"Phần {s}"})
        shapes = draw(st.lists(st.sampled_from(["task", "group"]), max_size=4))
        for c, shape in enumerate(shapes, start=1):
            key = f"{section}.{c}"
            if shape == "task":
                rows.append(draw(leaves(key, section, kinds)))
                continue
            rows.append(
                {
                    "key": key,
                    "level": "Nhóm",
                    "parent": section,
                    "content": f"Nhóm {key}",
                    "weight": draw(weights),
                }
            )
            for t in range(1, draw(st.integers(0, 4)) + 1):
                rows.append(draw(leaves(f"{key}.{t}", key, kinds)))
    return rows


def _run(rows: Sequence[Mapping[str, Any]], soon_days: int = 15) -> Recalc:
    return recalculate(rows, CATALOGUE, today=TODAY, period=PERIOD, due_soon_days=soon_days)


def _is_leaf(row: Mapping[str, Any]) -> bool:
    return row["level"] == "Nhiệm vụ"


def _tree(rows: Sequence[Mapping[str, Any]]) -> dict[int, float | None]:
    """Unrounded progress of every row, from the leaves' effective progress."""
    leaf_values = {
        i: _leaf(r, CATALOGUE, TODAY, 15, PERIOD).progress
        for i, r in enumerate(rows)
        if _is_leaf(r)
    }
    return _tree_progress(rows, leaf_values)


def _children(rows: Sequence[Mapping[str, Any]], i: int) -> list[int]:
    return [j for j, r in enumerate(rows) if r.get("parent") == rows[i]["key"]]


def _leaves(rows: Sequence[Mapping[str, Any]], result: Recalc) -> list[dict[str, Any]]:
    return [t for r, t in zip(rows, result.tasks, strict=True) if _is_leaf(r)]


# -- tree progress -------------------------------------------------------------------------
@PROPERTY
@given(plans())
def test_parent_progress_lies_between_its_children(rows: list[dict[str, Any]]) -> None:
    tree = _tree(rows)
    for i, row in enumerate(rows):
        if _is_leaf(row):
            assert tree[i] is not None and 0 <= tree[i] <= 100
            continue
        values = [v for j in _children(rows, i) if (v := tree[j]) is not None]
        if not values:
            assert tree[i] is None, row["key"]
            continue
        p = tree[i]
        assert p is not None
        assert min(values) - 1e-9 <= p <= max(values) + 1e-9, row["key"]


@PROPERTY
@given(plans())
def test_progress_cells_of_parents_are_the_rounded_tree(rows: list[dict[str, Any]]) -> None:
    tree = _tree(rows)
    result = _run(rows)
    for i, (row, task) in enumerate(zip(rows, result.tasks, strict=True)):
        if _is_leaf(row):
            continue
        if tree[i] is None:
            assert task["progress"] is None
        else:
            assert abs(task["progress"] - tree[i]) <= 0.05 + 1e-9, row["key"]
            assert task["due_state"] is None


@PROPERTY
@given(plans())
def test_section_progress_in_figures_is_its_tree_progress(rows: list[dict[str, Any]]) -> None:
    tree = _tree(rows)
    result = _run(rows)
    sections = [i for i, r in enumerate(rows) if r["level"] == "Phần"]
    assert [s.key for s in result.sections] == [rows[i]["key"] for i in sections]
    for s, i in zip(result.sections, sections, strict=True):
        assert s.progress == tree[i]


# -- counts --------------------------------------------------------------------------------
def _sum(parts: Sequence[Figures], name: str) -> int:
    return sum(getattr(p, name) for p in parts)


@PROPERTY
@given(plans())
def test_plan_counts_are_the_sum_over_agencies_and_sections(rows: list[dict[str, Any]]) -> None:
    result = _run(rows)
    plan = result.plan
    assert plan.tasks == sum(_is_leaf(r) for r in rows)
    for parts in (result.agencies, result.sections):
        for name in COUNTS:
            assert _sum(parts, name) == getattr(plan, name), name
        assert abs(sum(p.progress_sum for p in parts) - plan.progress_sum) <= 1e-6
        for status in (*STATUSES, ""):
            assert sum(p.statuses.get(status, 0) for p in parts) == plan.statuses.get(status, 0)
    assert sum(plan.statuses.values()) == plan.tasks
    assert len({a.name for a in result.agencies}) == len(result.agencies)


@PROPERTY
@given(plans())
def test_rates_and_means_are_in_range(rows: list[dict[str, Any]]) -> None:
    result = _run(rows)
    for figures in (result.plan, *result.agencies, *result.sections):
        assert 0.0 <= figures.completion_rate <= 1.0
        assert 0.0 <= figures.mean_progress <= 100.0
        assert figures.completed == figures.completed_on_time + figures.completed_late
        assert figures.completed + figures.overdue + figures.due_soon <= figures.tasks
    states = [t["due_state"] for t in _leaves(rows, result)]
    assert all(s in DUE_STATES for s in states)


@PROPERTY
@given(plans(), st.integers(0, 60))
def test_overdue_list_is_the_overdue_leaves(rows: list[dict[str, Any]], soon: int) -> None:
    result = _run(rows, soon)
    overdue = [t for t in _leaves(rows, result) if t["due_state"] == DUE_OVERDUE]
    assert sorted(o.key for o in result.overdue) == sorted(t["key"] for t in overdue)
    assert all(o.days_late == (TODAY - o.due_date).days > 0 for o in result.overdue)
    order = [(-o.days_late, o.key) for o in result.overdue]
    assert order == sorted(order)


# -- never overdue -------------------------------------------------------------------------
@PROPERTY
@given(plans(kinds=st.sampled_from(NEVER_OVERDUE_LABELS)), st.integers(0, 60))
def test_ongoing_recurring_roadmap_never_overdue(rows: list[dict[str, Any]], soon: int) -> None:
    result = _run(rows, soon)
    assert result.overdue == []
    assert result.plan.overdue == result.plan.due_soon == 0
    for task in _leaves(rows, result):
        assert task["due_state"] != DUE_OVERDUE


@PROPERTY
@given(
    st.sampled_from([None, "", *STATUSES]),
    st.sampled_from([DeadlineKind.ONGOING, DeadlineKind.RECURRING, DeadlineKind.ROADMAP]),
    st.one_of(st.none(), days),
    days,
    st.integers(0, 366),
)
def test_due_state_never_overdue_without_fixed_deadline(
    status: str | None, kind: DeadlineKind, due: date | None, today: date, soon: int
) -> None:
    assert due_state(status or "", kind, due, today, soon) != DUE_OVERDUE


@PROPERTY
@given(plans(), st.integers(0, 60))
def test_completed_task_never_overdue(rows: list[dict[str, Any]], soon: int) -> None:
    result = _run(rows, soon)
    overdue = {o.key for o in result.overdue}
    for row, task in zip(rows, result.tasks, strict=True):
        if _is_leaf(row) and row["status"] in COMPLETED:
            expected = DUE_DONE_LATE if row["status"] == STATUS_DONE_LATE else DUE_DONE_ON_TIME
            assert task["due_state"] == expected
            assert task["progress"] == 100
            assert task["key"] not in overdue


@pytest.mark.parametrize(
    ("values", "weights", "mean"),
    [([1.5], [5e-324], 1.5), ([10.0, 20.0], [1e-320, 3e-320], 17.5), ([1.0, 2.0], [0.0, 0.0], 1.5)],
)
def test_weighted_mean_with_tiny_weights(
    values: list[float], weights: list[float], mean: float
) -> None:
    """Found by Hypothesis: a subnormal weight (5e-324) made the parent of one task at 1.5%
    show 2%."""
    from xladdin.core.recalc import weighted_mean

    assert weighted_mean(values, weights) == pytest.approx(mean)
