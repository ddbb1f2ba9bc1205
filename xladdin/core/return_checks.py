"""The checks of one returned form's sheets, each reporting every problem it sees (pure).

:mod:`xladdin.core.merge` runs them all and refuses a return with the whole list, in sheet,
row and column order, so an agency learns everything to fix from one reply instead of one
kind of error per submission. Each message names the real problem: an edited "Mã NV" cell
is an edited locked cell, not an added row; an inserted row is an inserted row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .agencies import AgencyCatalogue
from .form_content import printed_value
from .layout import (
    CELL_TEXT_LIMIT,
    FORM_COLUMNS,
    FORM_COORD_COLUMNS,
    FORM_COORD_SHEET,
    FORM_EDITABLE,
    FORM_FIRST_ROW,
    FORM_HEADER_ROW,
    FORM_HELP_SHEET,
    FORM_LATER_COLUMNS,
    FORM_META_SHEET,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
    Column,
    Level,
)
from .model import fold, level_from_label, nfc
from .returns import FormFile
from .snapshot import (
    SNAPSHOT_FIELDS,
    cell_text,
    changed_coord_rows,
    fingerprint,
    issued_locked,
)

HEADERS = {c.field: c.header for c in FORM_COLUMNS}
POSITION = {c.field: i for i, c in enumerate(FORM_COLUMNS)}
KEY_COL = POSITION["key"] + 1
LIMIT_SHOWN = f"{CELL_TEXT_LIMIT:,}".replace(",", ".")  # 32.767, as Vietnamese writes it


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about a return, sortable in sheet, row, column order."""

    rank: int  # 0: the file as a whole; then the form sheet, the coordination sheet, others
    row: int
    col: int
    text: str = field(compare=False)


def at(row: int, field_name: str) -> str:
    return f"Trang “{FORM_SHEET}”, dòng {row}, cột “{HEADERS[field_name]}”"


def problem(row: int, field_name: str, text: str) -> Problem:
    return Problem(1, row, POSITION[field_name] + 1, f"{at(row, field_name)}: {text}")


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _filled(row: Sequence[Any]) -> bool:
    return any(not blank(v) for v in row)


def _cell(values: Sequence[Any], field_name: str) -> Any:
    i = POSITION[field_name]
    return values[i] if i < len(values) else None


def same(a: Any, b: Any) -> bool:
    """Equal as a person reads the cell: blank = blank, 50 = 50.0, dates by day, text NFC."""
    return cell_text(a) == cell_text(b)


def leads(task: Mapping[str, Any], catalogue: AgencyCatalogue) -> set[str]:
    return {a.code for _, a in catalogue.named_in(nfc(task.get("lead"))) if a is not None}


def show(value: Any) -> str:
    from ..validators import show_value

    return show_value(value)


# -- header and merged cells --------------------------------------------------------------
def form_columns(form: FormFile) -> tuple[Column, ...]:
    """The columns this form has: a form issued before a later column lacks it."""
    columns = FORM_COLUMNS
    while columns and columns[-1].field in FORM_LATER_COLUMNS:
        i = len(columns) - 1
        if i < len(form.header) and fold(form.header[i]) == fold(columns[-1].header):
            break
        columns = columns[:-1]
    return columns


def header_problems(form: FormFile) -> list[Problem]:
    found = []
    columns = form_columns(form)
    for i, col in enumerate(columns):
        got = form.header[i] if i < len(form.header) else None
        if fold(got) != fold(col.header):
            found.append(
                Problem(
                    1,
                    FORM_HEADER_ROW,
                    i + 1,
                    f"Trang “{FORM_SHEET}”, dòng {FORM_HEADER_ROW}: cột thứ {i + 1} phải là "
                    f"“{col.header}” (đang là “{nfc(got)}”); không thêm, xóa, đổi tên hay "
                    "đổi thứ tự cột của phiếu.",
                )
            )
    for i, h in enumerate(form.header[len(columns) :], start=len(columns) + 1):
        if nfc(h):
            found.append(
                Problem(
                    1,
                    FORM_HEADER_ROW,
                    i,
                    f"Trang “{FORM_SHEET}”, dòng {FORM_HEADER_ROW}: có thêm cột “{nfc(h)}”; "
                    "không thêm cột vào phiếu.",
                )
            )
    return found


def merged_problems(form: FormFile) -> list[Problem]:
    found = []
    for ref in form.merged:
        rows = [int("".join(ch for ch in part if ch.isdigit()) or 0) for part in ref.split(":")]
        if max(rows) >= FORM_HEADER_ROW:
            found.append(
                Problem(
                    1,
                    min(rows),
                    0,
                    f"Trang “{FORM_SHEET}”: các ô {ref} bị gộp; không gộp ô trong bảng nhiệm vụ.",
                )
            )
    return found


# -- the rows: which row holds which task ---------------------------------------------------
@dataclass
class Alignment:
    rows: dict[str, int]  # task key -> index into form.rows (row FORM_FIRST_ROW + index)
    problems: list[Problem]


def align_rows(
    form: FormFile,
    keys: Sequence[str],
    by_key: Mapping[str, Mapping[str, Any]],
    code: str,
    catalogue: AgencyCatalogue,
) -> Alignment:
    """Find each issued task's row by its key. Fully blank rows are harmless and skipped;
    everything else that is not exactly the issued rows in the issued order is named."""
    wanted = set(keys)
    found: dict[str, int] = {}
    strays: list[int] = []  # filled rows whose key is not an issued key (or a repeat)
    problems: list[Problem] = []
    for i, values in enumerate(form.rows):
        if not _filled(values):
            continue
        key = nfc(values[0]) if values else ""
        if key in wanted and key not in found:
            found[key] = i
        elif key in found:
            problems.append(
                problem(
                    FORM_FIRST_ROW + i,
                    "key",
                    f"dòng của nhiệm vụ {key} bị lặp lại (đã có ở dòng "
                    f"{FORM_FIRST_ROW + found[key]}); không chép thêm dòng.",
                )
            )
        else:
            strays.append(i)
    present = [k for k in keys if k in found]
    last = max(found.values(), default=-1)  # rows above the last task row are inside the table
    by_row = sorted(present, key=lambda k: found[k])
    if by_row != present:
        first = next(i for i, (a, b) in enumerate(zip(by_row, present, strict=True)) if a != b)
        problems.append(
            problem(
                FORM_FIRST_ROW + found[by_row[first]],
                "key",
                f"thứ tự các dòng đã bị thay đổi (đây là {by_row[first]}, đúng ra là "
                f"{present[first]}); không sắp xếp lại phiếu.",
            )
        )
        missing = [k for k in keys if k not in found]
        problems.extend(_missing(k, keys, found) for k in missing)
        problems.extend(_stray(form, i, i < last, None, by_key, code, catalogue) for i in strays)
        return Alignment(found, problems)
    # In issued order: a stray row sitting exactly where a missing task's row belongs is
    # that row with its locked "Mã NV" cell edited; other strays were added, other missing
    # tasks deleted.
    slots: dict[int, list[str]] = {}  # gap index -> missing keys in the gap
    gap = 0
    for k in keys:
        if k in found:
            gap += 1
        else:
            slots.setdefault(gap, []).append(k)
    bounds = [found[k] for k in present]
    by_gap: dict[int, list[int]] = {}
    for i in strays:
        by_gap.setdefault(sum(1 for b in bounds if b < i), []).append(i)
    for g in sorted(set(slots) | set(by_gap)):
        lost, extra = slots.get(g, []), by_gap.get(g, [])
        if len(lost) == len(extra):
            for want, i in zip(lost, extra, strict=True):
                problems.append(_stray(form, i, True, want, by_key, code, catalogue))
            continue
        problems.extend(_missing(k, keys, found) for k in lost)
        problems.extend(_stray(form, i, i < last, None, by_key, code, catalogue) for i in extra)
    return Alignment(found, problems)


def _missing(key: str, keys: Sequence[str], found: Mapping[str, int]) -> Problem:
    before = [found[k] for k in keys[: keys.index(key)] if k in found]
    row = FORM_FIRST_ROW + (max(before) + 1 if before else 0)
    return problem(row, "key", f"thiếu dòng của nhiệm vụ {key}; không xóa dòng của phiếu.")


def _stray(
    form: FormFile,
    i: int,
    inside: bool,
    instead_of: str | None,
    by_key: Mapping[str, Mapping[str, Any]],
    code: str,
    catalogue: AgencyCatalogue,
) -> Problem:
    row = FORM_FIRST_ROW + i
    values = form.rows[i]
    key = nfc(values[0]) if values else ""
    owner = by_key.get(key)
    if key and owner is not None and code not in leads(owner, catalogue):
        return problem(
            row,
            "key",
            f"nhiệm vụ {key} không do cơ quan này chủ trì; chỉ báo cáo nhiệm vụ của cơ quan mình.",
        )
    if instead_of is not None:
        said = f"phiếu ghi “{key}”" if key else "ô bị xóa trắng"
        return problem(
            row, "key", f"cột này bị khóa, không được sửa ({said}, đúng ra là {instead_of})."
        )
    first = next(nfc(v) for v in values if not blank(v))
    if inside and key:
        return problem(row, "key", f"dòng “{key}” được thêm vào phiếu; không thêm dòng.")
    where = (
        f"dòng được chèn thêm vào giữa bảng (“{first}”)"
        if inside
        else f"có nội dung ngoài bảng nhiệm vụ (“{first}”)"
    )
    return Problem(
        1,
        row,
        1,
        f"Trang “{FORM_SHEET}”, dòng {row}: {where}; không thêm dòng vào phiếu, ghi "
        "chú xin ghi ở cột “Khó khăn, vướng mắc” hoặc “Đề xuất, kiến nghị”.",
    )


# -- each issued task: still in the tracker, still this agency's, locked cells untouched -----
def task_problems(
    form: FormFile,
    keys: Sequence[str],
    aligned: Mapping[str, int],
    by_key: Mapping[str, Mapping[str, Any]],
    code: str,
    catalogue: AgencyCatalogue,
) -> tuple[list[Problem], list[str]]:
    """Problems and warnings of the issued tasks' rows (the rows that were found)."""
    problems: list[Problem] = []
    warnings: list[str] = []
    for key in keys:
        if key not in aligned:
            continue
        row = FORM_FIRST_ROW + aligned[key]
        task = by_key.get(key)
        if task is None or level_from_label(task.get("level")) is not Level.TASK:
            problems.append(
                problem(
                    row,
                    "key",
                    f"nhiệm vụ {key} không còn trong sổ theo dõi (kế hoạch đã "
                    "được nhập lại); cần phát hành phiếu mới.",
                )
            )
            continue
        if code not in leads(task, catalogue):
            problems.append(
                problem(
                    row,
                    "key",
                    f"nhiệm vụ {key} không còn do cơ quan này chủ trì; cần phát hành phiếu mới.",
                )
            )
            continue
        values = form.rows[aligned[key]]
        issued = issued_locked(form.meta, key)
        for n, f in enumerate(SNAPSHOT_FIELDS):
            cell, now = _cell(values, f), task.get(f)
            # A form prints some values its own way ("Qúy" as "Quý"); one issued before that
            # printed the tracker's text. Either is what the tracker holds.
            printed = printed_value(f, now)
            untouched = same(cell, printed) or same(cell, now)
            if issued is None:  # a form issued before snapshots: compare with the tracker
                if not untouched:
                    problems.append(
                        problem(
                            row,
                            f,
                            f"cột này bị khóa, không được sửa (phiếu ghi "
                            f"{show(cell)}, sổ theo dõi ghi {show(now)}).",
                        )
                    )
                continue
            was = issued[n] if n < len(issued) else ""
            if fingerprint(cell) != was:
                issued_as = next((v for v in (printed, now) if fingerprint(v) == was), None)
                known = "" if issued_as is None else f", khi phát hành ghi {show(issued_as)}"
                problems.append(
                    problem(
                        row, f, f"cột này bị khóa, không được sửa (phiếu ghi {show(cell)}{known})."
                    )
                )
            elif not untouched:
                warnings.append(
                    f"{at(row, f)}: nhiệm vụ {key} đã được văn phòng sửa sau khi phát hành "
                    f"phiếu (phiếu ghi {show(cell)}, sổ theo dõi nay ghi {show(now)}); phiếu "
                    "vẫn được tổng hợp."
                )
    return problems, warnings


# -- the values typed by the agency ---------------------------------------------------------
def value_rows(
    form: FormFile, keys: Sequence[str], aligned: Mapping[str, int]
) -> tuple[list[dict[str, Any]], list[Problem], list[str]]:
    """The editable values of each found row, parsed; what cannot be read is a problem."""
    from .normalize import normalize_text, parse_date, parse_progress, parse_status

    problems: list[Problem] = []
    warnings: list[str] = []
    rows: list[dict[str, Any]] = []
    present = {c.field for c in form_columns(form)}
    for key in keys:
        if key not in aligned:
            continue
        row = FORM_FIRST_ROW + aligned[key]
        values = form.rows[aligned[key]]
        rec: dict[str, Any] = {"key": key, "_row": row}
        for f in FORM_EDITABLE:
            if f not in present:
                continue  # a form issued before this column: the tracker's value stays
            col = POSITION[f] + 1
            raw = _cell(values, f)
            if (row, col) in form.formulas:
                if blank(raw):
                    problems.append(
                        problem(row, f, "ô có công thức nhưng không có giá trị; hãy nhập giá trị.")
                    )
                    continue
                warnings.append(f"{at(row, f)}: ô có công thức; đã lấy giá trị hiển thị.")
            if f == "status":
                st = parse_status(raw)
                if not st.ok:
                    problems.append(problem(row, f, str(st.error)))
                rec[f] = st.value
                if st.note:
                    warnings.append(f"{at(row, f)}: {st.note}")
            elif f == "completed_on":
                rec[f] = None
                if not blank(raw):
                    day = parse_date(raw)
                    if day.ok and day.value is not None:
                        rec[f] = day.value
                    else:
                        problems.append(
                            problem(
                                row,
                                f,
                                f"ngày hoàn thành {show(raw)} không đọc được; ghi dạng "
                                "ngày/tháng/năm, ví dụ 15/11/2026.",
                            )
                        )
            elif f == "progress":
                pr = parse_progress(raw, percent_format=(row, col) in form.percent_cells or None)
                if not pr.ok:
                    problems.append(problem(row, f, str(pr.error)))
                rec[f] = pr.value
                if pr.note:
                    warnings.append(f"{at(row, f)}: {pr.note}")
            else:
                tx = normalize_text(raw, font_encoding=form.legacy_cells.get((row, col)))
                text = tx.text or None
                # Spreadsheet readers stop at Excel's cell limit, so a longer text arrives
                # cut exactly there: say so rather than store it as if it were whole.
                if isinstance(raw, str) and len(raw) >= CELL_TEXT_LIMIT:
                    warnings.append(
                        f"{at(row, f)}: nội dung dài tới giới hạn {LIMIT_SHOWN} ký tự của "
                        "một ô Excel; phần vượt quá giới hạn (nếu có) không được đọc, hãy rút "
                        "gọn nội dung hoặc gửi phần còn lại bằng văn bản."
                    )
                if text is not None and len(text) > CELL_TEXT_LIMIT:
                    text = text[:CELL_TEXT_LIMIT].rstrip()
                rec[f] = text
                if tx.note:
                    warnings.append(f"{at(row, f)}: {tx.note}")
        rows.append(rec)
    return rows, problems, warnings


def report_date(
    form: FormFile, today: date, now: datetime | None
) -> tuple[date | None, list[Problem]]:
    """The "Ngày lập phiếu" (the save day, then today, when blank); a date after today is
    a problem: the report cannot be made later than it arrives."""
    from .normalize import parse_date

    r, c = FORM_REPORT_DATE_CELL
    where = f"Trang “{FORM_SHEET}”, ô “Ngày lập phiếu” (dòng {r}, cột {c})"
    raw = form.report_date
    if raw is None or nfc(raw) == "":
        saved = capped_saved_at(form.saved_at, now)
        return (saved.date() if saved else today), []
    parsed = parse_date(raw)
    if not parsed.ok or parsed.value is None:
        return None, [Problem(1, r, c, f"{where}: {parsed.error}")]
    if parsed.value > today:
        return None, [
            Problem(
                1,
                r,
                c,
                f"{where}: ngày {parsed.value:%d/%m/%Y} ở sau hôm nay ({today:%d/%m/%Y}); "
                "ngày lập phiếu không thể ở tương lai, hãy sửa lại.",
            )
        ]
    return parsed.value, []


def capped_saved_at(saved: datetime | None, now: datetime | None) -> datetime | None:
    """The save time, never later than when the return is read: a wrong clock on the
    agency's computer cannot make a return newer than everything that comes after it."""
    if saved is None or now is None:
        return saved
    return min(saved, now)


# -- the sheets that are only for information -----------------------------------------------
def ignored_sheet_warnings(form: FormFile) -> list[str]:
    warnings: list[str] = []
    for name, rows in form.other_sheets.items():
        if name == FORM_COORD_SHEET:
            warnings.extend(_coord_warnings(form, rows))
        elif name not in (FORM_HELP_SHEET, FORM_META_SHEET) and any(_filled(r) for r in rows):
            warnings.append(
                f"Trang “{name}” không phải của phiếu: nội dung trên trang này không được đọc; "
                f"báo cáo xin ghi vào trang “{FORM_SHEET}”."
            )
    return warnings


def _coord_warnings(form: FormFile, rows: Sequence[Sequence[Any]]) -> list[str]:
    width = len(FORM_COORD_COLUMNS)
    body = [list(r[:width]) + [None] * (width - len(r[:width])) for r in rows[FORM_FIRST_ROW - 1 :]]
    while body and not _filled(body[-1]):
        body.pop()
    typed = sorted(
        {FORM_FIRST_ROW + i for i in changed_coord_rows(form.meta, body) or []}
        | {n for n, r in enumerate(rows, start=1) if n >= FORM_HEADER_ROW and _filled(r[width:])}
    )
    if not typed:
        return []
    shown = ", ".join(str(n) for n in typed[:5]) + (" …" if len(typed) > 5 else "")
    return [
        f"Trang “{FORM_COORD_SHEET}”, dòng {shown}: nội dung đã bị sửa hoặc ghi thêm; trang này "
        "chỉ để biết nên không được tổng hợp. Nếu cần báo cáo, xin ghi vào trang "
        f"“{FORM_SHEET}” (cột “Khó khăn, vướng mắc” hoặc “Đề xuất, kiến nghị”)."
    ]
