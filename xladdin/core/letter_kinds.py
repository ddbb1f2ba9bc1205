"""The kinds of letter, each described once: :data:`KINDS`. Pure.

A row says which Word template a kind uses, how its files are named, the document-type code
of its number ("Số 15-CV/VPTU", "Số 16-BC/VPTU"), the type name printed as its title (a
báo cáo has one; a công văn has a "V/v" subject and a "Kính gửi" line instead, Hướng dẫn
36-HD/VPTW, 2018, on the name of the type and the subject), who receives it and which
deadline it carries. :mod:`xladdin.core.letters` builds the letters from these rows; an
unknown kind is a usage error everywhere (:func:`kind_spec`), never a fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from .errors import UsageError


class LetterKind(StrEnum):
    REQUEST = "de-nghi"
    REMINDER = "don-doc"
    REPORT = "bao-cao"


class Recipients(StrEnum):
    """Who gets a letter of a kind. The issuing office never gets one (its own tasks are
    still in the report)."""

    REPORTING_AGENCIES = "reporting-agencies"  # every agency leading or coordinating a task
    AGENCIES_TO_REMIND = "agencies-to-remind"  # leads of overdue, due-soon, unreported tasks
    STANDING_COMMITTEE = "standing-committee"  # one report, addressed by its title alone


class DeadlineRule(StrEnum):
    """Which reply deadline a letter prints (:mod:`xladdin.core.deadlines`)."""

    NONE = "none"
    CONFIGURED = "configured"  # "Hạn gửi phiếu" of "Cấu hình"; working days when it has passed
    WORKING_DAYS = "working-days"  # always the letter date plus the configured working days


@dataclass(frozen=True)
class KindSpec:
    """Everything that differs between letter kinds, in one row."""

    template: str  # templates/<template>.docx
    file_prefix: str  # CV_DonDoc_<agency>_<period>.docx
    number_code: str  # the document type in the number: "CV" in "Số 15-CV/VPTU"
    title: str  # type name printed above the subject; "" for a công văn ("V/v", "Kính gửi")
    label: str  # how messages name the kind
    recipients: Recipients
    deadline: DeadlineRule

    @property
    def addressed(self) -> bool:
        """Whether the letter has a "Kính gửi" line (a công văn does, a báo cáo does not)."""
        return self.recipients is not Recipients.STANDING_COMMITTEE


# The one description of each letter kind; adding a kind means a row here, a template, a
# LetterKind value and, for new recipients, a builder in letters.py (docs/how-to.md).
KINDS: dict[LetterKind, KindSpec] = {
    LetterKind.REQUEST: KindSpec(
        template="de_nghi_bao_cao",
        file_prefix="CV_DeNghiBaoCao",
        number_code="CV",
        title="",
        label="công văn đề nghị báo cáo",
        recipients=Recipients.REPORTING_AGENCIES,
        deadline=DeadlineRule.CONFIGURED,
    ),
    LetterKind.REMINDER: KindSpec(
        template="don_doc",
        file_prefix="CV_DonDoc",
        number_code="CV",
        title="",
        label="công văn đôn đốc",
        recipients=Recipients.AGENCIES_TO_REMIND,
        deadline=DeadlineRule.WORKING_DAYS,
    ),
    LetterKind.REPORT: KindSpec(
        template="bao_cao_tong_hop",
        file_prefix="BaoCao_TongHop",
        number_code="BC",
        title="BÁO CÁO",
        label="báo cáo tổng hợp",
        recipients=Recipients.STANDING_COMMITTEE,
        deadline=DeadlineRule.NONE,
    ),
}


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


def kind_spec(kind: str | LetterKind | None) -> KindSpec:
    """The row of ``kind``; an unknown kind is a :class:`UsageError` naming the choices."""
    return KINDS[parse_kind(kind)]


def file_name(kind: LetterKind, period_code: str, agency_code: str = "") -> str:
    """``CV_DonDoc_VPTU_2026-11.docx``, ``BaoCao_TongHop_2026-11.docx``."""
    parts = [kind_spec(kind).file_prefix, agency_code, period_code]
    return "_".join(p for p in parts if p) + ".docx"


# "Hậu tố số công văn" in "Cấu hình" is the công văn's ("-CV/VPTU"); other kinds swap in their
# own type code ("-BC/VPTU"), so one setting serves every kind and the office part is typed once.
BASE_CODE = "CV"
_SUFFIX = re.compile(r"(?P<lead>-?\s*)(?P<code>[A-Za-zĐđ]+)(?P<rest>\s*/.*)", re.DOTALL)


def number_suffix(configured: str, code: str) -> str:
    """The number suffix of a kind with type ``code`` from the configured công văn suffix:
    "-CV/VPTU" → "-BC/VPTU"; "/VPTU" (no type code) → "-BC/VPTU"; empty stays empty."""
    text = configured.strip()
    if not text or code == BASE_CODE:
        return text
    found = _SUFFIX.fullmatch(text)
    if found:
        return f"{found['lead']}{code}{found['rest']}"
    if text.startswith("/"):
        return f"-{code}{text}"
    return f"-{code}/{text.lstrip('-')}"


__all__ = [
    "BASE_CODE",
    "KINDS",
    "DeadlineRule",
    "KindSpec",
    "LetterKind",
    "Recipients",
    "file_name",
    "kind_spec",
    "number_suffix",
    "parse_kind",
]
