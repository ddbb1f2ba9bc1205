"""Official letters (công văn) as data: what each Word template is filled with. Pure.

Three kinds (PRODUCT.md, "Letters"), each described once in
:data:`~xladdin.core.letter_kinds.KINDS`: the request for reports sent with each agency's
form (``de-nghi``), the reminder to one agency listing its overdue, due-soon and unreported
tasks (``don-doc``), and the consolidated progress report to the Standing Committee
(``bao-cao``, built in :mod:`xladdin.core.letter_report`). :func:`build_letters` turns the
tracker's data and a :class:`~xladdin.core.recalc.Recalc` into :class:`Letter` objects: a file
name and a template context of plain strings, numbers, lists and dicts.
:mod:`xladdin.io.letters_io` renders them; nothing here touches a file.

Decisions:

* Every text that comes from users (task contents, agency names, proposals, the signer) is
  passed through :func:`clean_text` only: characters XML 1.0 cannot carry are dropped and
  line endings become ``\\n``; everything else stays exactly as typed. Escaping for Word
  happens at render time, so a template can still apply filters to the real text.
* The header, date and signature come from "Cấu hình" through
  :class:`~xladdin.core.letterhead.Letterhead`.
* A lead agency missing from the catalogue cannot be addressed; it gets a note instead of
  a letter, and so do tasks without a lead agency.
* The issuing office (found in the catalogue from "Cấu hình") never gets a letter addressed
  to itself; its tasks stay in the report.
* Each kind prints its own number suffix ("-BC/VPTU" for the report) and its own deadline
  (:mod:`xladdin.core.deadlines`); the deadline sentence goes into the plan's ``info``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from .agencies import Agency, AgencyCatalogue
from .agency_names import timeframe_text
from .deadlines import Deadline, letter_deadline
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
from .letter_kinds import (
    KINDS,
    KindSpec,
    LetterKind,
    Recipients,
    file_name,
    kind_spec,
    number_suffix,
    parse_kind,
)
from .letter_model import Leaf, Letter, LetterPlan, leaves_of
from .letter_report import CHART_TITLE, report_letter
from .letterhead import Letterhead, clean_text, decimal, short_date
from .model import number
from .recalc import NO_LEAD, Recalc


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


def _task_row(n: int, leaf: Leaf) -> dict[str, Any]:
    r = leaf.record
    return {
        "n": n,
        "key": clean_text(r.get("key")),
        "content": clean_text(r.get("content")),
        "lead": clean_text(r.get("lead")),
        # As the forms print it ("Quý", not the plan's "Qúy"); the tracker keeps the plan's text.
        "timeframe": timeframe_text(clean_text(r.get("timeframe"))),
        "due_date": short_date(leaf.state.due),
        "status": leaf.state.status or STATUS_UNSET,
        "progress": _progress_text(r),
    }


def _last_report(leaf: Leaf) -> str:
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


def _reminder_state(leaf: Leaf, today: date) -> str:
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


def _needs_reminder(leaf: Leaf) -> bool:
    return leaf.state.due_state in (DUE_OVERDUE, DUE_SOON) or leaf.state.not_reported


def _unknown_leads(leaves: Iterable[Leaf]) -> dict[str, int]:
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


def issuing_agency(head: Letterhead, catalogue: AgencyCatalogue) -> Agency | None:
    """The catalogue's entry for the office that signs the letters ("Cơ quan theo dõi" under
    "Cơ quan cấp trên" in "Cấu hình"), found by the catalogue's own name matching; None
    when the catalogue does not list it."""
    names = (
        head.office_name,  # "Văn phòng Tỉnh ủy"
        f"{head.office_name} {head.province}",  # "Văn phòng Tỉnh ủy Điện Biên"
        f"{head.office} {head.committee}",  # "VĂN PHÒNG TỈNH ỦY ĐIỆN BIÊN"
    )
    for name in names:
        found = catalogue.resolve(name) if name.strip() else None
        if found is not None:
            return found
    return None


def _to_issuer(plan: LetterPlan, issuer: Agency, count: int, what: str, chosen: bool) -> None:
    """Say why the issuing office gets no letter: a note when it was asked for by name, an
    information line when it simply has tasks like any agency."""
    if chosen:
        plan.notes.append(
            f"{issuer.name} là cơ quan ban hành công văn (“Cơ quan theo dõi” ở trang “Cấu "
            "hình”): không lập công văn gửi chính mình; nhiệm vụ của cơ quan vẫn có trong báo "
            "cáo tổng hợp."
        )
    elif count:
        plan.info.append(
            f"{issuer.name} là cơ quan ban hành nên không nhận công văn của chính mình "
            f"({count} nhiệm vụ {what}); các nhiệm vụ này vẫn có trong báo cáo tổng hợp."
        )


# -- the three kinds --------------------------------------------------------------------
def request_letters(
    result: Recalc,
    catalogue: AgencyCatalogue,
    head: Letterhead,
    *,
    agency: str | None = None,
    issuer: Agency | None = None,
) -> LetterPlan:
    """One request for reports per agency that leads or coordinates a task, except the
    issuing office."""
    plan = LetterPlan(LetterKind.REQUEST)
    leaves = leaves_of(result)
    lead_of: dict[str, list[Leaf]] = {}
    coord_of: dict[str, list[Leaf]] = {}
    for leaf in leaves:
        leads = [code for code, _ in leaf.state.leads if code and not code.startswith("?")]
        for code in leads:
            lead_of.setdefault(code, []).append(leaf)
        for code in agency_codes(leaf.record.get("coordinating"), catalogue):
            if code not in leads:
                coord_of.setdefault(code, []).append(leaf)
    for a in _select(catalogue, agency):
        lead, coord = lead_of.get(a.code, []), coord_of.get(a.code, [])
        if issuer is not None and a.code == issuer.code:
            _to_issuer(plan, a, len(lead) + len(coord), "chủ trì, phối hợp", agency is not None)
            continue
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
    issuer: Agency | None = None,
) -> LetterPlan:
    """One reminder per agency with overdue, due-soon or unreported tasks, except the
    issuing office."""
    plan = LetterPlan(LetterKind.REMINDER)
    pending = [leaf for leaf in leaves_of(result) if _needs_reminder(leaf)]
    by_code: dict[str, list[Leaf]] = {}
    for leaf in pending:
        for code, _ in leaf.state.leads:
            if code and not code.startswith("?"):
                by_code.setdefault(code, []).append(leaf)

    def order(leaf: Leaf) -> tuple[int, int, int]:
        due = leaf.state.due
        if leaf.state.due_state == DUE_OVERDUE and due is not None:
            return (0, -(result.today - due).days, leaf.index)
        if leaf.state.due_state == DUE_SOON and due is not None:
            return (1, (due - result.today).days, leaf.index)
        return (2, 0, leaf.index)

    for a in _select(catalogue, agency):
        tasks = sorted(by_code.get(a.code, []), key=order)
        if issuer is not None and a.code == issuer.code:
            _to_issuer(plan, a, len(tasks), "cần đôn đốc", agency is not None)
            continue
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


Builder = Callable[[Recalc, AgencyCatalogue, Letterhead, str | None, Agency | None], LetterPlan]


def _report(
    result: Recalc,
    catalogue: AgencyCatalogue,
    head: Letterhead,
    agency: str | None,
    issuer: Agency | None,
) -> LetterPlan:
    if agency is not None:
        raise UsageError("Báo cáo tổng hợp gồm mọi cơ quan: bỏ --agency.")
    return LetterPlan(LetterKind.REPORT, [report_letter(result, head)])


def _requests(
    result: Recalc,
    catalogue: AgencyCatalogue,
    head: Letterhead,
    agency: str | None,
    issuer: Agency | None,
) -> LetterPlan:
    return request_letters(result, catalogue, head, agency=agency, issuer=issuer)


def _reminders(
    result: Recalc,
    catalogue: AgencyCatalogue,
    head: Letterhead,
    agency: str | None,
    issuer: Agency | None,
) -> LetterPlan:
    return reminder_letters(result, catalogue, head, agency=agency, issuer=issuer)


# Who receives a kind (its row in KINDS) decides how its letters are built.
BUILDERS: dict[Recipients, Builder] = {
    Recipients.REPORTING_AGENCIES: _requests,
    Recipients.AGENCIES_TO_REMIND: _reminders,
    Recipients.STANDING_COMMITTEE: _report,
}


def kind_letterhead(spec: KindSpec, head: Letterhead, deadline: Deadline | None) -> Letterhead:
    """The letterhead as a kind prints it: its own number suffix and its own deadline."""
    head = replace(head, letter_suffix=number_suffix(head.letter_suffix, spec.number_code))
    if deadline is not None and deadline.text:
        head = replace(head, return_deadline=deadline.text)
    return head


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
    spec = kind_spec(kind)  # an unknown kind is a usage error, never a fallback
    base = Letterhead.from_config(config, result.today, result.period)
    deadline = letter_deadline(spec.deadline, config, result.today)
    head = kind_letterhead(spec, base, deadline)
    issuer = issuing_agency(base, catalogue) if spec.addressed else None
    plan = BUILDERS[spec.recipients](result, catalogue, head, agency, issuer)
    if plan.letters and deadline is not None:
        plan.info[:0] = deadline.lines  # the deadline first: it is what the clerk checks
    return plan


__all__ = [
    "BUILDERS",
    "CHART_TITLE",
    "KINDS",
    "Letter",
    "LetterKind",
    "LetterPlan",
    "build_letters",
    "file_name",
    "issuing_agency",
    "kind_letterhead",
    "kind_spec",
    "parse_kind",
    "reminder_letters",
    "report_letter",
    "request_letters",
]
