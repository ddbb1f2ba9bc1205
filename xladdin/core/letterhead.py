"""The part every letter shares, and how letters write dates and numbers. Pure.

:class:`Letterhead` is the header, date, period, plan and signature of a letter, taken from
"Cấu hình". Names that a letter spells in normal case ("Văn phòng Tỉnh ủy", "Ban Thường vụ
Tỉnh ủy") are derived from the upper-case settings (committee, office, province), so no
province is written into code or templates.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from .period import Period

BLANK_DATE = "…/…/……"  # a return deadline not set in "Cấu hình": the clerk writes it in


# -- text -----------------------------------------------------------------------------
# XML 1.0 forbids C0 controls other than tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: Any) -> str:
    """User text as a letter can carry it: XML-illegal characters dropped, line endings ``\\n``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, datetime | date):
        return short_date(value)
    text = value if isinstance(value, str) else str(value)
    return _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def date_text(day: date) -> str:
    """The date as letters write it, "ngày 05 tháng 02 năm 2026": days below 10 and the
    months 1 and 2 take a leading zero, as the format guide asks."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def decimal(value: float) -> str:
    """One decimal with a comma, whole numbers without: 42,5 / 100."""
    rounded = round(float(value), 1)
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.1f}".replace(".", ",")


def percent(rate: float) -> str:
    """A 0–1 rate as Vietnamese percent text: 0.357 → "35,7%"."""
    return decimal(rate * 100) + "%"


def _sentence_case(text: str) -> str:
    text = " ".join(text.split())
    return text[:1].upper() + text[1:].lower()


def _split_place(committee: str, province: str) -> tuple[str, str]:
    """("TỈNH ỦY", "Điện Biên") from "TỈNH ỦY ĐIỆN BIÊN"; (all, "") when it does not end so."""
    words = " ".join(committee.split())
    place = " ".join(province.split())
    if place and words.upper().endswith(place.upper()) and len(words) > len(place):
        return words[: -len(place)].strip(" -–"), place
    return words, ""


def office_in_place(config: Mapping[str, str]) -> str:
    """The issuing office as a sentence names it, with its place: "Văn phòng Tỉnh ủy Điện
    Biên" ("Tỉnh ủy Điện Biên" when the committee itself issues), not the letterhead's
    capitals (mail senders, subjects and bodies)."""
    get = _config_getter(config)
    head, place = _split_place(get("committee"), get("province"))
    return f"{_office_name(get('office'), _sentence_case(head))} {place}".strip()


def _config_getter(config: Mapping[str, str]) -> Callable[[str], str]:
    def get(key: str) -> str:
        return clean_text(config.get(key) or "").strip()

    return get


def _office_name(office: str, body: str) -> str:
    """ "Văn phòng Tỉnh ủy" from "VĂN PHÒNG" and "Tỉnh ủy"."""
    return f"{_sentence_case(office)} {body}".strip() if office else body


def committee_body(committee: str, province: str) -> str:
    """The committee without its place name, in normal case: "TỈNH ỦY ĐIỆN BIÊN" → "Tỉnh ủy"."""
    return _sentence_case(_split_place(committee, province)[0])


# -- the common part of every letter -----------------------------------------------------
@dataclass(frozen=True)
class Letterhead:
    """Header, dates and signature of a letter, from "Cấu hình" (template variables)."""

    committee: str
    office: str
    office_name: str
    committee_name: str
    standing_committee: str
    province: str
    place: str
    date_text: str
    today: str
    letter_suffix: str
    period_code: str
    period_label: str
    plan_name: str
    plan_number: str
    plan_ref: str
    return_deadline: str
    signer_authority: str
    signer_title: str
    signer_name: str

    @classmethod
    def from_config(cls, config: Mapping[str, str], today: date, period: Period) -> Letterhead:
        get = _config_getter(config)
        committee, office, province = get("committee"), get("office"), get("province")
        head, place = _split_place(committee, province)
        body = _sentence_case(head)
        plan_name, plan_number = get("plan_name"), get("plan_number")
        plan_ref = plan_name or "kế hoạch"
        if plan_number:
            plan_ref = f"{plan_ref} (số {plan_number})"
        return cls(
            committee=committee,
            office=office,
            office_name=_office_name(office, body),
            committee_name=f"{body} {place}".strip(),
            standing_committee=f"Ban Thường vụ {body}".strip(),
            province=province,
            place=get("place") or province,
            date_text=date_text(today),
            today=short_date(today),
            letter_suffix=get("letter_suffix"),
            period_code=period.code,
            period_label=period.label,
            plan_name=plan_name,
            plan_number=plan_number,
            plan_ref=plan_ref,
            return_deadline=get("return_deadline") or BLANK_DATE,
            signer_authority=get("signer_authority"),
            signer_title=get("signer_title"),
            signer_name=get("signer_name"),
        )

    def context(self) -> dict[str, Any]:
        return asdict(self)
