"""The task model shared by import, export, validation and forms."""

from __future__ import annotations

import functools
import math
import unicodedata
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from .layout import LEVEL_LABELS, Level


@functools.lru_cache(maxsize=65536)
def _nfc(text: str) -> str:
    # Cached: validation and recalculation look at the same few thousand texts many times.
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def nfc(text: Any) -> str:
    """NFC text with whitespace (NBSP included) collapsed; None → ""."""
    if text is None:
        return ""
    return _nfc(text if isinstance(text, str) else str(text))


def number(value: Any) -> float | None:
    """A finite number from a cell, or None (text, bool, NaN and blanks are not numbers).

    Tolerant on purpose: callers use it where validation reports bad cells separately."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    return None


def as_date(value: Any) -> date | None:
    """The day of a date or datetime cell; None for anything else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def fold(text: Any) -> str:
    """Comparison key for headers and labels: NFC, whitespace collapsed, case folded."""
    return nfc(text).casefold()


# Yes/no settings in "Cấu hình": people type them with or without diacritics, or in English.
YES_WORDS = frozenset({"có", "co", "yes", "true", "1"})
NO_WORDS = frozenset({"không", "khong", "no", "false", "0"})


def yes_no(value: Any) -> bool | None:
    """True for "có", False for "không" (and their usual spellings), None for anything else."""
    word = fold(value)
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    return None


def content_key(text: Any) -> str:
    """What makes two task texts "the same task" across plan revisions."""
    return fold(text).rstrip(" .;")


def level_label(level: Level) -> str:
    return LEVEL_LABELS[level]


def level_from_label(text: Any) -> Level | None:
    return _level(nfc(text).casefold())


@functools.lru_cache(maxsize=64)
def _level(t: str) -> Level | None:
    for level, label in LEVEL_LABELS.items():
        if t in (label.casefold(), level.value):
            return level
    return None


@dataclass
class Task:
    """One row of the "Nhiệm vụ" sheet; plan fields come from the appendix,
    tracking fields from the agencies' returns and the office."""

    key: str
    tt: str = ""
    level: Level = Level.TASK
    parent: str = ""
    content: str = ""
    lead: str = ""
    coordinating: str = ""
    timeframe: str = ""
    due_date: date | None = None
    deadline_kind: str = ""  # Vietnamese label in the workbook
    status: str | None = None
    progress: float | None = None
    result: str | None = None
    difficulties: str | None = None
    proposals: str | None = None
    updated_at: date | datetime | None = None
    source: str | None = None
    due_state: str | None = None
    weight: float | None = None
    notes: str | None = None

    def to_record(self) -> dict[str, Any]:
        rec = asdict(self)
        rec["level"] = level_label(self.level)
        return rec

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Task:
        names = {f.name for f in fields(cls)}
        data = {k: v for k, v in rec.items() if k in names}
        data["level"] = level_from_label(rec.get("level")) or Level.TASK
        data["key"] = nfc(rec.get("key"))
        return cls(**data)
