"""Agency names: comparison keys, Vietnamese collation, codes and the alias catalogue.

The same agency is typed many ways in one plan ("Văn Phòng Tỉnh ủy", "VĂN PHÒNG TỈNH UỶ",
"VPTU"), so every lookup goes through :func:`normalize_key`, never through the raw text.

Decisions:

* Tone placement is canonicalised per syllable to the "old" style used in the plans
  ("ủy", "hòa", "thúy"), so "Uỷ ban" and "Ủy ban" share a key.
* Abbreviation expansion is case-insensitive (keys must not depend on case), so a stand-alone
  word "tu" is read as "Tỉnh ủy"; that word does not occur in agency names otherwise.
* ``Agency.addressee`` stays empty unless the user sets it; :attr:`Agency.addressee_line` falls
  back to the name. The leading "- " and trailing ";" of a "Kính gửi:" list belong to the letter
  template, because they depend on how many recipients a letter has.
* :func:`split_agencies` always splits on ";" and line breaks, and on "," or " và " only before
  a part that itself starts like an agency ("Ban", "Sở", "Các ...", "nhà thầu", "UBND", ...);
  any other part is glued back to the previous one, which keeps "Sở Văn hóa, Thể thao và Du
  lịch" and "Ban Tuyên giáo và Dân vận Tỉnh ủy" whole. "Các cơ quan Đảng, các cơ quan trong
  hệ thống chính trị" is therefore two groups.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .errors import WorkbookFormatError
from .model import nfc

__all__ = [
    "Agency",
    "AgencyCatalogue",
    "CatalogueConflictError",
    "display_name",
    "make_code",
    "normalize_key",
    "sort_key",
    "split_agencies",
    "strip_diacritics",
]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# Abbreviations seen in party documents; values are already in key form (lower case, NFC).
_ABBREVIATIONS: dict[str, str] = {
    "ubkt": "ủy ban kiểm tra",
    "vptu": "văn phòng tỉnh ủy",
    "vp": "văn phòng",
    "btc": "ban tổ chức",
    "btg": "ban tuyên giáo",
    "btgdv": "ban tuyên giáo và dân vận",
    "btg&dv": "ban tuyên giáo và dân vận",
    "tg&dv": "tuyên giáo và dân vận",
    "bdv": "ban dân vận",
    "bnc": "ban nội chính",
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "mttq": "mặt trận tổ quốc",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "bcđ": "ban chỉ đạo",
    "btv": "ban thường vụ",
    "bch": "ban chấp hành",
    "tu": "tỉnh ủy",
    "tw": "trung ương",
    "kh&cn": "khoa học và công nghệ",
    "khcn": "khoa học và công nghệ",
    "cđs": "chuyển đổi số",
    "cntt": "công nghệ thông tin",
    "đbqh": "đại biểu quốc hội",
    "tncs": "thanh niên cộng sản",
    "hcm": "hồ chí minh",
    "lđlđ": "liên đoàn lao động",
}

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_VOWELS = "aăâeêioôơuưy"
_MARKED_VOWELS = "ăâêôơư"
_SYLLABLE = re.compile(
    r"(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?"
    rf"([{_VOWELS}]+)"
    r"(ch|ng|nh|[cmnpt])?"
)


def _clean(text: str) -> str:
    nfc = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    return " ".join(nfc.split())


def display_name(name: str) -> str:
    """The name as it should be shown: NFC, single spaces, list bullets and separators removed."""
    text = _clean(name)
    text = re.sub(r"^[-+*\u2022\u2013]+\s*", "", text)
    return re.sub(r"\s*[,;:]+$", "", text)


def strip_diacritics(text: str) -> str:
    """ASCII-ish form of Vietnamese text ("Đảng ủy" → "Dang uy"); case is kept."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.translate(str.maketrans("đĐðÐ", "dDdD"))
    return unicodedata.normalize("NFC", bare)


def _tone_index(base: str) -> int | None:
    """Where the tone mark belongs in a toneless syllable, or None if not Vietnamese."""
    m = _SYLLABLE.fullmatch(base)
    if m is None:
        return None
    # The regex backtracks "gi"/"qu" to a one-letter onset when no other vowel follows
    # ("gì"), so "quý" keeps its tone on "y" and the typo "qúy" is corrected.
    onset, nucleus, coda = m[1] or "", m[2], m[3]
    first = len(onset)
    marked = [i for i, ch in enumerate(nucleus) if ch in _MARKED_VOWELS]
    if marked:
        offset = marked[-1]
    elif len(nucleus) == 1:
        offset = 0
    elif coda:
        offset = len(nucleus) - 1
    elif len(nucleus) == 2:
        # Old-style placement: "hòa", "thúy", "ủy" rather than "hoà", "thuý", "uỷ".
        offset = 0
    else:
        offset = 1
    return first + offset


def _retone(match: re.Match[str]) -> str:
    word = match[0]
    if _followed_by_mark(match):
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    if len(tones) != 1:
        return word
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    index = _tone_index(base)
    if index is None:
        return word
    return unicodedata.normalize("NFC", base[: index + 1] + tones[0] + base[index + 1 :])


def _followed_by_mark(match: re.Match[str]) -> bool:
    # A stray combining mark after a word belongs to its last letter: the word is not what it
    # seems, and rewriting it would let the mark compose with a different letter.
    following = match.string[match.end() : match.end() + 1]
    return bool(following) and unicodedata.category(following).startswith("M")


def _expand(match: re.Match[str]) -> str:
    if _followed_by_mark(match):
        return match[0]
    return _ABBREVIATIONS.get(match[0], match[0])


def _trim(text: str) -> str:
    text = re.sub(r"^[-\u2010-\u2015+*\u2022\s]+", "", text)
    return re.sub(r"[\s.,;:!?\u2026]+$", "", text)


@functools.lru_cache(maxsize=8192)
def normalize_key(name: str) -> str:
    """Comparison key: equal for every way of typing the same agency name.

    Cached: a tracker names the same few dozen agencies on thousands of rows."""
    text = unicodedata.normalize("NFC", _clean(name).casefold()).replace("ð", "đ")
    text = re.sub(r"\s*[-\u2010-\u2015]\s*", " - ", text)
    # Trim before expanding: "&." must become "và" already on the first pass.
    text = _trim(" ".join(text.split()))
    text = re.sub(r"\w+", _retone, text)
    text = re.sub(r"[\w&]+", _expand, text)
    return re.sub(r"(?<!\S)&(?!\S)", "và", text)


_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_WEIGHT = {ch: 200 + i for i, ch in enumerate(_ALPHABET)}
# Dictionary order of tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_WEIGHT = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...], str]


def sort_key(name: str) -> SortKey:
    """Vietnamese collation: letters (a ă â ... d đ ...), then tones, then case."""
    text = display_name(name)
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for ch in text:
        lower = ch.lower().replace("ð", "đ")
        decomposed = unicodedata.normalize("NFD", lower)
        tone = [m for m in decomposed if m in _TONE_WEIGHT]
        letter = unicodedata.normalize(
            "NFC", "".join(m for m in decomposed if m not in _TONE_WEIGHT)
        )
        if letter in _LETTER_WEIGHT:
            weight = _LETTER_WEIGHT[letter]
        elif letter.isspace():
            weight = 0
        elif letter.isdigit() and len(letter) == 1:
            weight = 100 + unicodedata.digit(letter, 0)
        elif len(letter) == 1 and not letter.isalnum():
            weight = 1 + min(ord(letter), 98)
        else:
            weight = 1000 + sum(ord(c) for c in letter)
        primary.append(weight)
        tones.append(_TONE_WEIGHT[tone[0]] if tone else 0)
        cases.append(0 if ch == lower else 1)
    return tuple(primary), tuple(tones), tuple(cases), text


@dataclass(frozen=True)
class Agency:
    """One agency of the catalogue; text fields are normalised on construction."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    email: str = ""
    contact: str = ""
    addressee: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", re.sub(r"[^A-Z0-9]", "", self.code.upper()))
        object.__setattr__(self, "name", display_name(self.name))
        # A spelling that shares the name's key is kept: it records how a plan wrote the
        # name, so a re-import still finds the agency after the office renames it.
        seen: set[str] = {self.name}
        aliases: list[str] = []
        for alias in self.aliases:
            shown = display_name(alias)
            if normalize_key(shown) and shown not in seen:
                seen.add(shown)
                aliases.append(shown)
        object.__setattr__(self, "aliases", tuple(aliases))
        object.__setattr__(self, "email", self.email.strip())
        object.__setattr__(self, "contact", _clean(self.contact))
        object.__setattr__(self, "addressee", _clean(self.addressee))

    @property
    def addressee_line(self) -> str:
        """Text after "Kính gửi:" for this agency; the official name unless overridden."""
        return self.addressee or self.name

    def lookup_keys(self) -> set[str]:
        """Every comparison key under which this agency is found."""
        keys = {normalize_key(text) for text in (self.name, *self.aliases)}
        if self.code:
            keys.add(normalize_key(self.code))
        keys.discard("")
        return keys


def make_code(name: str, taken: set[str]) -> str:
    """Short ASCII code from the initials ("Ban Tổ chức Tỉnh ủy" → "BTCTU"), unique in ``taken``.

    Words typed in capitals ("UBKT", "KH&CN") are kept whole because they already are
    abbreviations. A clash gets the smallest free numeric suffix ("BTCTU2").
    """
    taken_upper = {code.upper() for code in taken}
    parts: list[str] = []
    for word in strip_diacritics(display_name(name)).split():
        letters = re.sub(r"[^A-Za-z0-9]", "", word)
        if not letters:
            continue
        if (len(letters) > 1 and letters.isupper()) or letters.isdigit():
            parts.append(letters)
        else:
            parts.append(letters[0].upper())
    base = "".join(parts)[:12] or "CQ"
    if base not in taken_upper:
        return base
    suffix = 2
    while f"{base}{suffix}" in taken_upper:
        suffix += 1
    return f"{base}{suffix}"


def agencies_from_records(records: Iterable[Mapping[Any, Any]]) -> list[Agency]:
    """The agencies of "Cơ quan" rows (fields as in layout.AGENCY_COLUMNS); unnamed rows are
    skipped and aliases are the ";"-separated names of their cell."""
    out = []
    for r in records:
        name = nfc(r.get("name"))
        if not name:
            continue
        aliases = tuple(a for a in (nfc(x) for x in str(r.get("aliases") or "").split(";")) if a)
        out.append(
            Agency(
                code=nfc(r.get("code")),
                name=name,
                aliases=aliases,
                email=nfc(r.get("email")),
                contact=nfc(r.get("contact")),
                addressee=nfc(r.get("addressee")),
            )
        )
    return out


class CatalogueConflictError(WorkbookFormatError):
    """Two agencies claim the same code or the same name/alias; message is in Vietnamese."""


class AgencyCatalogue:
    """The agencies of a tracker, found by any of their names, aliases or code."""

    def __init__(self, agencies: Iterable[Agency] = ()) -> None:
        self._agencies: dict[str, Agency] = {}
        self._by_key: dict[str, str] = {}
        for agency in agencies:
            self.add(agency)

    def add(self, agency: Agency) -> Agency:
        """Add an agency (a missing code is generated); raise on clashing codes or names."""
        if not agency.code:
            agency = replace(agency, code=self._fresh_code(agency.name))
        if agency.code in self._agencies:
            raise CatalogueConflictError(
                f"Mã cơ quan «{agency.code}» bị trùng: «{self._agencies[agency.code].name}» "
                f"và «{agency.name}»."
            )
        self._check_keys(agency, agency.lookup_keys())
        self._agencies[agency.code] = agency
        for key in agency.lookup_keys():
            self._by_key[key] = agency.code
        return agency

    def _check_keys(self, agency: Agency, keys: Iterable[str]) -> None:
        for key in keys:
            owner = self._by_key.get(key)
            if owner is not None and owner != agency.code:
                raise CatalogueConflictError(
                    f"Tên hoặc tên viết tắt «{key}» của «{agency.name}» đã thuộc về "
                    f"«{self._agencies[owner].name}»."
                )

    def add_alias(self, agency: Agency | str, alias: str) -> Agency:
        """Teach the catalogue another spelling of an agency (given by object, name or code)."""
        current = self.resolve(agency) if isinstance(agency, str) else agency
        if current is None or current.code not in self._agencies:
            raise KeyError(agency)
        updated = replace(current, aliases=(*current.aliases, alias))
        self._check_keys(updated, updated.lookup_keys())
        self._agencies[updated.code] = updated
        for key in updated.lookup_keys():
            self._by_key[key] = updated.code
        return updated

    def get(self, code: str) -> Agency | None:
        return self._agencies.get(code.strip().upper())

    def resolve(self, name: str) -> Agency | None:
        """The agency known under ``name`` (official name, alias or code), if any."""
        code = self._by_key.get(normalize_key(name))
        return None if code is None else self._agencies[code]

    def named_in(self, text: str) -> list[tuple[str, Agency | None]]:
        """Each agency a lead or coordinating cell names, with its entry (None when unknown).

        The whole text first (a name with a comma, "Sở Văn hóa, Thể thao và Du lịch"), then
        its parts as :func:`split_agencies` finds them."""
        if not text.strip():
            return []
        whole = self.resolve(text)
        if whole is not None:
            return [(text, whole)]
        return [(name, self.resolve(name)) for name in split_agencies(text) or [text]]

    def add_or_get(self, name: str) -> tuple[Agency, bool]:
        """The agency for ``name``, creating it with a fresh code if unknown; bool = created."""
        found = self.resolve(name)
        if found is not None:
            return found, False
        shown = display_name(name)
        if not normalize_key(shown):
            raise ValueError("Tên cơ quan trống.")
        return self.add(Agency(code=self._fresh_code(shown), name=shown)), True

    def _fresh_code(self, name: str) -> str:
        # A generated code is also a lookup key ("VPTU" means Văn phòng Tỉnh ủy), so it must
        # not resolve to another agency: "Văn phòng Trung ương" must not become "VPTU".
        taken = set(self._agencies)
        while True:
            code = make_code(name, taken)
            if normalize_key(code) not in self._by_key:
                return code
            taken.add(code)

    def __iter__(self) -> Iterator[Agency]:
        return iter(list(self._agencies.values()))

    def __len__(self) -> int:
        return len(self._agencies)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, Agency):
            return self._agencies.get(item.code) == item
        return isinstance(item, str) and self.resolve(item) is not None

    def sorted(self) -> list[Agency]:
        return sorted(self._agencies.values(), key=lambda agency: sort_key(agency.name))


# Words with which an agency (or a group of agencies) name starts, in key form.
_HEADS = (
    "ban",
    "sở",
    "văn phòng",
    "ủy ban",
    "mặt trận",
    "đảng ủy",
    "đảng bộ",
    "đảng đoàn",
    "tỉnh ủy",
    "thành ủy",
    "huyện ủy",
    "thường trực",
    "hội đồng",
    "hội",
    "liên đoàn",
    "đoàn",
    "công an",
    "bộ",
    "cục",
    "chi cục",
    "trung tâm",
    "trường",
    "viện",
    "báo",
    "đài",
    "kho bạc",
    "ngân hàng",
    "bảo hiểm",
    "thanh tra",
    "tòa án",
    "phòng",
    "cơ quan",
    "đơn vị",
    "các",
    "nhà thầu",
    "doanh nghiệp",
    "công ty",
    "tổ công tác",
    "chi bộ",
)
_HEAD_RE = re.compile(r"(?:" + "|".join(map(re.escape, _HEADS)) + r")(?:\s|$)")


def _looks_like_agency(part: str) -> bool:
    return _HEAD_RE.match(normalize_key(part)) is not None


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        if ch in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _bracket_depth(text: str, depth: int) -> int:
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
    return depth


_SOFT_SEPARATOR = re.compile(r"(,|\s+và\s+)", re.IGNORECASE)


def _split_soft(text: str) -> list[str]:
    """Split on "," and " và " only where the next part starts like an agency."""
    tokens = _SOFT_SEPARATOR.split(text)
    result = [tokens[0]]
    depth = _bracket_depth(tokens[0], 0)
    for separator, piece in zip(tokens[1::2], tokens[2::2], strict=True):
        if depth == 0 and _looks_like_agency(piece):
            result.append(piece)
        else:
            result[-1] += separator + piece
        depth = _bracket_depth(piece, depth)
    return [part.strip() for part in result]


def split_agencies(text: str) -> list[str]:
    """Split a "cơ quan phối hợp" cell into agency names, de-duplicated, in order."""
    cleaned = unicodedata.normalize("NFC", (text or "").translate(_INVISIBLE))
    names: list[str] = []
    seen: set[str] = set()
    for line in _split_outside_brackets(cleaned, ";\n\r\u2028\u2029"):
        for part in _split_soft(_clean(line)):
            shown = display_name(part)
            key = normalize_key(shown)
            if key and key not in seen:
                seen.add(key)
                names.append(shown)
    return names
