"""Official letters (công văn) as data: what each Word template is filled with. Pure.

Three kinds (PRODUCT.md, "Letters"): the request for reports sent with each agency's form
(``de-nghi``), the reminder to one agency listing its overdue, due-soon and unreported tasks
(``don-doc``), and the consolidated progress report to the Standing Committee (``bao-cao``).
:func:`build_letters` turns the tracker's data and a :class:`~xladdin.core.recalc.Recalc` into
:class:`Letter` objects: a file name and a template context of plain strings, numbers,
lists and dicts. :mod:`xladdin.io.letters_io` renders them; nothing here touches a file.

Decisions:

* Every text that comes from users (task contents, agency names, proposals, the signer) is
  passed through :func:`clean_text` only: characters XML 1.0 cannot carry are dropped and
  line endings become ``\\n``; everything else stays exactly as typed. Escaping for Word
  happens at render time, so a template can still apply filters to the real text.
* The header, date and signature come from "Cấu hình" through
  :class:`~xladdin.core.letterhead.Letterhead`.
* A lead agency missing from the catalogue cannot be addressed; it gets a note instead of
  a letter, and so do tasks without a lead agency.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from .agencies import Agency, AgencyCatalogue
from .chart import Chart
from .errors import UsageError
from .forms import agency_codes
from .layout import (
    DUE_OVERDUE,
    DUE_SOON,
    STATUS_DONE,
    STATUS_DONE_LATE,
    STATUS_NOT_STARTED,
    STATUS_UNSET,
)
from .letterhead import Letterhead, clean_text, decimal, percent, short_date
from .model import nfc, number
from .recalc import NO_LEAD, LeafState, Recalc


class LetterKind(StrEnum):
    REQUEST = "de-nghi"
    REMINDER = "don-doc"
    REPORT = "bao-cao"


CHART_TITLE = "Tỷ lệ hoàn thành nhiệm vụ theo cơ quan chủ trì (%)"


def parse_kind(value: str | LetterKind | None) -> LetterKind:
    if isinstance(value, LetterKind):
        return value
    text = (value or "").strip().lower()
    for kind in LetterKind:
        if text == kind.value:
            return kind
    choices = ", ".join(k.value for k in LetterKind)
    if not text:
        raise UsageError(f"Chưa chọn loại công văn: thêm --kind ({choices}).")
    raise UsageError(f"Loại công văn “{value}” không có; chọn một trong: {choices}.")


def file_name(kind: LetterKind, period_code: str, agency_code: str = "") -> str:
    """``CV_DonDoc_VPTU_2026-11.docx``, ``BaoCao_TongHop_2026-11.docx``."""
    parts = [KINDS[kind].file_prefix, agency_code, period_code]
    return "_".join(p for p in parts if p) + ".docx"


@dataclass(frozen=True)
class Letter:
    kind: LetterKind
    file_name: str
    context: dict[str, Any]
    agency_code: str = ""
    chart: Chart | None = None

    @property
    def template(self) -> str:
        return KINDS[self.kind].template


@dataclass
class LetterPlan:
    """The letters of one kind, and why some agencies get none (Vietnamese notes)."""

    kind: LetterKind
    letters: list[Letter] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# -- tasks per agency -------------------------------------------------------------------
@dataclass(frozen=True)
class _Leaf:
    index: int  # position in Recalc.tasks: plan order
    record: Mapping[str, Any]
    state: LeafState


def _leaves(result: Recalc) -> list[_Leaf]:
    return [_Leaf(i, result.tasks[i], state) for i, state in sorted(result.leaves.items())]


def _agency_context(agency: Agency) -> dict[str, str]:
    return {
        "code": agency.code,
        "name": clean_text(agency.name),
        "addressee": clean_text(agency.addressee_line),
        "email": clean_text(agency.email),
        "contact": clean_text(agency.contact),
    }


def _progress_text(record: Mapping[str, Any]) -> str:
    value = number(record.get("progress"))
    return "" if value is None else decimal(value)


def _task_row(n: int, leaf: _Leaf) -> dict[str, Any]:
    r = leaf.record
    return {
        "n": n,
        "key": clean_text(r.get("key")),
        "content": clean_text(r.get("content")),
        "lead": clean_text(r.get("lead")),
        "timeframe": clean_text(r.get("timeframe")),
        "due_date": short_date(leaf.state.due),
        "status": leaf.state.status or STATUS_UNSET,
        "progress": _progress_text(r),
    }


def _last_report(leaf: _Leaf) -> str:
    """What the agency last reported: status, %, and when."""
    status = leaf.state.status
    updated = leaf.record.get("updated_at")
    if not status and not isinstance(updated, date):
        return "Chưa có báo cáo"
    text = status or STATUS_UNSET
    progress = _progress_text(leaf.record)
    if progress and status not in (STATUS_DONE, STATUS_DONE_LATE, STATUS_NOT_STARTED):
        text += f", {progress}%"
    if isinstance(updated, date):
        text += f" (ngày {short_date(updated)})"
    return text


def _reminder_state(leaf: _Leaf, today: date) -> str:
    parts = []
    due = leaf.state.due
    if leaf.state.due_state == DUE_OVERDUE:
        parts.append("Quá hạn")
    elif leaf.state.due_state == DUE_SOON and due is not None:
        left = (due - today).days
        parts.append("Đến hạn hôm nay" if left == 0 else f"Sắp đến hạn (còn {left} ngày)")
    if leaf.state.not_reported:
        parts.append("chưa báo cáo kỳ này" if parts else "Chưa báo cáo kỳ này")
    return "; ".join(parts)


def _reminder_summary(counts: Mapping[str, int], period_label: str) -> str:
    """The reminder's counts in words, leaving out the kinds an agency has none of: "6 nhiệm vụ
    đã quá hạn, 1 nhiệm vụ sắp đến hạn và 17 nhiệm vụ chưa báo cáo kết quả tháng 11 năm 2026"."""
    parts = [
        f"{n} nhiệm vụ {what}"
        for n, what in (
            (counts["n_overdue"], "đã quá hạn"),
            (counts["n_due_soon"], "sắp đến hạn"),
            (counts["n_not_reported"], f"chưa báo cáo kết quả {period_label}"),
        )
        if n
    ]
    return ", ".join(parts[:-1]) + " và " + parts[-1] if len(parts) > 1 else "".join(parts)


def _needs_reminder(leaf: _Leaf) -> bool:
    return leaf.state.due_state in (DUE_OVERDUE, DUE_SOON) or leaf.state.not_reported


def _unknown_leads(leaves: Iterable[_Leaf]) -> dict[str, int]:
    """Lead names without a catalogue entry (and "no lead") → number of tasks."""
    out: dict[str, int] = {}
    for leaf in leaves:
        for code, name in leaf.state.leads:
            if not code or code.startswith("?"):
                out[name] = out.get(name, 0) + 1
    return out


def _unknown_notes(unknown: Mapping[str, int], what: str) -> list[str]:
    notes = []
    for name, count in unknown.items():
        if name == NO_LEAD:
            notes.append(f"{count} nhiệm vụ {what} chưa có cơ quan chủ trì: không có nơi gửi.")
        else:
            notes.append(
                f"Cơ quan chủ trì “{clean_text(name)}” ({count} nhiệm vụ {what}) chưa có trong "
                "danh mục “Cơ quan”: chưa lập công văn. Thêm cơ quan (hoặc tên gọi khác) vào "
                "danh mục rồi chạy lại."
            )
    return notes


def _select(catalogue: AgencyCatalogue, agency: str | None) -> list[Agency]:
    if agency is None:
        return catalogue.sorted()
    found = catalogue.get(agency) or catalogue.resolve(agency)
    if found is None:
        codes = ", ".join(a.code for a in catalogue.sorted()) or "(danh mục trống)"
        raise UsageError(
            f"Không có cơ quan mã “{agency}” trong trang “Cơ quan”. Các mã hiện có: {codes}."
        )
    return [found]


# -- the three kinds --------------------------------------------------------------------
def request_letters(
    result: Recalc,
    catalogue: AgencyCatalogue,
    head: Letterhead,
    *,
    agency: str | None = None,
) -> LetterPlan:
    """One request for reports per agency that leads or coordinates a task."""
    plan = LetterPlan(LetterKind.REQUEST)
    leaves = _leaves(result)
    lead_of: dict[str, list[_Leaf]] = {}
    coord_of: dict[str, list[_Leaf]] = {}
    for leaf in leaves:
        leads = [code for code, _ in leaf.state.leads if code and not code.startswith("?")]
        for code in leads:
            lead_of.setdefault(code, []).append(leaf)
        for code in agency_codes(leaf.record.get("coordinating"), catalogue):
            if code not in leads:
                coord_of.setdefault(code, []).append(leaf)
    for a in _select(catalogue, agency):
        lead, coord = lead_of.get(a.code, []), coord_of.get(a.code, [])
        if not lead and not coord:
            if agency is not None:
                plan.notes.append(
                    f"{a.name} không chủ trì, phối hợp nhiệm vụ nào: không lập công văn "
                    "đề nghị báo cáo."
                )
            continue
        context = {
            **head.context(),
            "agency": _agency_context(a),
            "lead_tasks": [_task_row(n, leaf) for n, leaf in enumerate(lead, 1)],
            "coordinated_tasks": [_task_row(n, leaf) for n, leaf in enumerate(coord, 1)],
            "n_lead": len(lead),
            "n_coordinated": len(coord),
        }
        plan.letters.append(
            Letter(
                LetterKind.REQUEST,
                file_name(LetterKind.REQUEST, head.period_code, a.code),
                context,
                agency_code=a.code,
            )
        )
    if agency is None:
        plan.notes.extend(_unknown_notes(_unknown_leads(leaves), "cần báo cáo"))
    return plan


def reminder_letters(
    result: Recalc,
    catalogue: AgencyCatalogue,
    head: Letterhead,
    *,
    agency: str | None = None,
) -> LetterPlan:
    """One reminder per agency with overdue, due-soon or unreported tasks."""
    plan = LetterPlan(LetterKind.REMINDER)
    pending = [leaf for leaf in _leaves(result) if _needs_reminder(leaf)]
    by_code: dict[str, list[_Leaf]] = {}
    for leaf in pending:
        for code, _ in leaf.state.leads:
            if code and not code.startswith("?"):
                by_code.setdefault(code, []).append(leaf)

    def order(leaf: _Leaf) -> tuple[int, int, int]:
        due = leaf.state.due
        if leaf.state.due_state == DUE_OVERDUE and due is not None:
            return (0, -(result.today - due).days, leaf.index)
        if leaf.state.due_state == DUE_SOON and due is not None:
            return (1, (due - result.today).days, leaf.index)
        return (2, 0, leaf.index)

    for a in _select(catalogue, agency):
        tasks = sorted(by_code.get(a.code, []), key=order)
        if not tasks:
            if agency is not None:
                plan.notes.append(
                    f"{a.name} không có nhiệm vụ quá hạn, sắp đến hạn hoặc chưa báo cáo kỳ này: "
                    "không cần công văn đôn đốc."
                )
            continue
        rows = []
        for n, leaf in enumerate(tasks, 1):
            row = _task_row(n, leaf)
            due = leaf.state.due
            overdue = leaf.state.due_state == DUE_OVERDUE and due is not None
            row["days_late"] = (result.today - due).days if overdue and due is not None else ""
            row["state"] = _reminder_state(leaf, result.today)
            row["last_report"] = _last_report(leaf)
            rows.append(row)
        counts = {
            "n_overdue": sum(t.state.due_state == DUE_OVERDUE for t in tasks),
            "n_due_soon": sum(t.state.due_state == DUE_SOON for t in tasks),
            "n_not_reported": sum(t.state.not_reported for t in tasks),
        }
        context = {
            **head.context(),
            "agency": _agency_context(a),
            "tasks": rows,
            "n_tasks": len(rows),
            **counts,
            "tasks_summary": _reminder_summary(counts, head.period_label),
        }
        plan.letters.append(
            Letter(
                LetterKind.REMINDER,
                file_name(LetterKind.REMINDER, head.period_code, a.code),
                context,
                agency_code=a.code,
            )
        )
    if agency is None:
        plan.notes.extend(_unknown_notes(_unknown_leads(pending), "cần đôn đốc"))
    return plan


def _figures(f: Any) -> dict[str, Any]:
    return {
        "tasks": f.tasks,
        "completed": f.completed,
        "completed_on_time": f.completed_on_time,
        "completed_late": f.completed_late,
        "overdue": f.overdue,
        "due_soon": f.due_soon,
        "no_fixed_deadline": f.no_fixed_deadline,
        "not_reported": f.not_reported,
        "completion_rate": percent(f.completion_rate),
        "mean_progress": decimal(f.mean_progress),
    }


def _remarks(leaves: Sequence[_Leaf], column: str) -> list[dict[str, Any]]:
    """Non-empty difficulties / proposals of leaf tasks, by lead agency then plan order."""
    found = []
    for leaf in leaves:
        text = clean_text(leaf.record.get(column))
        if not text.strip():
            continue
        lead = "; ".join(clean_text(name) for _, name in leaf.state.leads)
        found.append((lead, leaf.index, clean_text(leaf.record.get("key")), text))
    found.sort(key=lambda x: (x[0] == NO_LEAD, x[0], x[1]))
    return [
        {"n": n, "lead": lead, "key": key, "text": text}
        for n, (lead, _, key, text) in enumerate(found, 1)
    ]


def report_letter(result: Recalc, head: Letterhead) -> Letter:
    """The consolidated progress report: figures, overdue list, remarks and a chart."""
    leaves = _leaves(result)
    content_by_key: dict[str, Any] = {}
    for leaf in leaves:
        content_by_key.setdefault(nfc(leaf.record.get("key")), leaf.record.get("content"))
    agencies = [
        {"n": n, "code": a.code, "name": clean_text(a.name), **_figures(a)}
        for n, a in enumerate(result.agencies, 1)
    ]
    sections = [
        {
            "key": clean_text(s.key),
            "title": clean_text(s.title),
            **_figures(s),
            "progress": "" if s.progress is None else decimal(s.progress),
        }
        for s in result.sections
    ]
    overdue = [
        {
            "n": n,
            "key": clean_text(o.key),
            "content": clean_text(content_by_key.get(o.key, o.content)),
            "lead": clean_text(o.lead),
            "due_date": short_date(o.due_date),
            "days_late": o.days_late,
            "status": o.status or STATUS_UNSET,
            "progress": "" if o.progress is None else decimal(o.progress),
        }
        for n, o in enumerate(result.overdue, 1)
    ]
    chart = None
    if result.agencies:
        chart = Chart(
            CHART_TITLE,
            tuple(clean_text(a.name) for a in result.agencies),
            tuple(a.completion_rate * 100 for a in result.agencies),
        )
    context = {
        **head.context(),
        "plan": _figures(result.plan),
        "sections": sections,
        "agencies": agencies,
        "overdue": overdue,
        "difficulties": _remarks(leaves, "difficulties"),
        "proposals": _remarks(leaves, "proposals"),
    }
    return Letter(
        LetterKind.REPORT, file_name(LetterKind.REPORT, head.period_code), context, chart=chart
    )


def _report(
    result: Recalc, catalogue: AgencyCatalogue, head: Letterhead, agency: str | None
) -> LetterPlan:
    if agency is not None:
        raise UsageError("Báo cáo tổng hợp gồm mọi cơ quan: bỏ --agency.")
    return LetterPlan(LetterKind.REPORT, [report_letter(result, head)])


def _requests(
    result: Recalc, catalogue: AgencyCatalogue, head: Letterhead, agency: str | None
) -> LetterPlan:
    return request_letters(result, catalogue, head, agency=agency)


def _reminders(
    result: Recalc, catalogue: AgencyCatalogue, head: Letterhead, agency: str | None
) -> LetterPlan:
    return reminder_letters(result, catalogue, head, agency=agency)


@dataclass(frozen=True)
class KindSpec:
    """Everything that differs between letter kinds, in one row."""

    template: str  # templates/<template>.docx
    file_prefix: str  # CV_DonDoc_<agency>_<period>.docx
    label: str  # how messages name the kind
    build: Callable[[Recalc, AgencyCatalogue, Letterhead, str | None], LetterPlan]


# The one description of each letter kind; adding a kind means a row here, a template and a
# LetterKind value (docs/how-to.md).
KINDS: dict[LetterKind, KindSpec] = {
    LetterKind.REQUEST: KindSpec(
        "de_nghi_bao_cao", "CV_DeNghiBaoCao", "công văn đề nghị báo cáo", _requests
    ),
    LetterKind.REMINDER: KindSpec("don_doc", "CV_DonDoc", "công văn đôn đốc", _reminders),
    LetterKind.REPORT: KindSpec("bao_cao_tong_hop", "BaoCao_TongHop", "báo cáo tổng hợp", _report),
}


def build_letters(
    kind: LetterKind,
    result: Recalc,
    catalogue: AgencyCatalogue,
    config: Mapping[str, str],
    *,
    agency: str | None = None,
) -> LetterPlan:
    """The letters of ``kind`` for every relevant agency, or for the one ``agency`` (code or
    name); the letter date is the recalculation's ``today``."""
    spec = KINDS[parse_kind(kind)]  # an unknown kind is a usage error, never a fallback
    head = Letterhead.from_config(config, result.today, result.period)
    return spec.build(result, catalogue, head, agency)
