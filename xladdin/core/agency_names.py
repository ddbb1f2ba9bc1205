"""Standard spelling of agency names and of printed timeframes (pure).

Plans type agency names as they come: "Sở Tài Chính", "Văn Phòng Tỉnh ủy", "UBKT Tỉnh ủy",
"VĂN PHÒNG TỈNH UỶ". Letters and forms print one spelling, the one administrative documents
use (Nghị định 30/2020/NĐ-CP, Phụ lục II; for Party documents Hướng dẫn 36-HD/VPTW): the first
letter of the agency type and of each field of activity is capitalised, proper names keep
their capitals, the rest is lower case: "Sở Tài chính", "Ủy ban nhân dân tỉnh",
"Ban Tuyên giáo và Dân vận Tỉnh ủy", "Báo Điện Biên Phủ".

The rules are data: :data:`PHRASES` (how known words and phrases are written, matched by
comparison key, longest first), :data:`FIRST_WORDS` (one-word agency types, written so at the
start of a name) and :data:`ABBREVIATIONS` (capitalised abbreviations written out).
:func:`standard_name` applies them.

Decisions:

* Conservative: a word the tables do not know keeps the case it was typed in, since it may be
  a proper name ("Mường Nhé", "Lê Quý Đôn"). Only in a name typed wholly in capitals are
  unknown words lowered, except acronyms (words that are not Vietnamese syllables: "FPT").
* "Tỉnh ủy", "Thành ủy", "Huyện ủy" are proper names (the Party committee); "tỉnh", "huyện",
  "xã" after a state agency are common nouns ("Ủy ban nhân dân tỉnh Điện Biên"). "Đảng" is
  capitalised when it names the Party ("cơ quan Đảng", "Trung ương Đảng"), not inside
  "đảng viên", "cấp ủy đảng", "tổ chức đảng", "Ban cán sự đảng".
* Tone placement is the one of the normaliser's keys, "ủy", "hòa", which Hướng dẫn
  36-HD/VPTW and Nghị định 30 use; "uỷ" is read as the same name.
* The first letter of a name is a capital ("các cơ quan Đảng" → "Các cơ quan Đảng").
* A text with a stray combining mark (not Vietnamese as typed) is only cleaned, not re-cased.
* ``normalize_key(standard_name(x)) == normalize_key(x)`` and ``standard_name`` is
  idempotent, for any text (Hypothesis tests): the standard name always finds the same agency.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from .agencies import (
    Agency,
    AgencyCatalogue,
    _retone,
    _tone_index,
    display_name,
    normalize_key,
)

__all__ = [
    "ABBREVIATIONS",
    "FIRST_WORDS",
    "PHRASES",
    "add_or_get_standard",
    "is_standard",
    "standard_name",
    "timeframe_text",
]

# -- the rules ------------------------------------------------------------------------------
# Abbreviations written out when typed in capitals. Each must read, through
# agencies.normalize_key, as the same key as its expansion (a test checks every entry);
# the words are then cased by PHRASES like any other.
ABBREVIATIONS: dict[str, str] = {
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

# Fields of activity of departments and ministries: "Sở " / "Bộ " + field is one phrase.
_FIELDS = (
    "Nội vụ",
    "Tư pháp",
    "Tài chính",
    "Công Thương",  # "Công Thương" keeps both capitals (Công nghiệp + Thương mại)
    "Nông nghiệp và Môi trường",
    "Nông nghiệp và Phát triển nông thôn",
    "Tài nguyên và Môi trường",
    "Xây dựng",
    "Giao thông vận tải",
    "Khoa học và Công nghệ",
    "Thông tin và Truyền thông",
    "Văn hóa, Thể thao và Du lịch",
    "Giáo dục và Đào tạo",
    "Y tế",
    "Dân tộc và Tôn giáo",
    "Ngoại vụ",
    "Kế hoạch và Đầu tư",
    "Lao động - Thương binh và Xã hội",
    "Quốc phòng",
    "Công an",
)

# How known words and phrases are written wherever they occur in a name. Matching is by word
# (case and tone placement ignored; spaces, commas and dashes between words do not count),
# longest phrase first, so "Ủy ban nhân dân" wins over "Ủy ban" and "Tỉnh ủy" over "tỉnh".
# One-word agency types ("Sở", "Ban", "Bộ") are not listed: they also occur inside common
# words ("cơ sở", "cán bộ"), and a name's first letter is a capital anyway.
PHRASES: tuple[str, ...] = (
    *(f"{head} {field}" for head in ("Sở", "Bộ") for field in _FIELDS),
    # agency types (with their field when it is part of the type)
    "Văn phòng",
    "Ủy ban",
    "Ủy ban nhân dân",
    "Hội đồng",
    "Hội đồng nhân dân",
    "Tòa án nhân dân",
    "Viện Kiểm sát nhân dân",
    "Công an",
    "Bộ Chỉ huy Quân sự",
    "Bộ Chỉ huy Bộ đội Biên phòng",
    "Thanh tra",
    "Kho bạc Nhà nước",
    "Ngân hàng Nhà nước",
    "Bảo hiểm xã hội",
    "Cục Thuế",
    "Cục Hải quan",
    "Cục Thống kê",
    "Chi cục",
    "Tổng cục",
    "Học viện",
    "Trung tâm",
    "Trường Chính trị",
    "Đài Phát thanh và Truyền hình",
    "Đài Phát thanh Truyền hình",
    "Báo và Phát thanh, Truyền hình",
    "Kho Lưu trữ",
    "Thường trực",
    # Party bodies
    "Đảng ủy",
    "Đảng ủy Khối",
    "Đảng bộ",
    "Đảng đoàn",
    "Ban cán sự đảng",
    "Ban Tổ chức",
    "Ban Tuyên giáo",
    "Ban Dân vận",
    "Ban Tuyên giáo và Dân vận",
    "Ban Nội chính",
    "Ban Kinh tế",
    "Ban Bảo vệ, chăm sóc sức khỏe cán bộ",
    "Ủy ban Kiểm tra",
    "Ban Thường vụ",
    "Ban Chấp hành",
    "Ban Chấp hành Trung ương",
    "Ban Chỉ đạo",
    "Ban Bí thư",
    "Bộ Chính trị",
    "Ban Cơ yếu Chính phủ",
    # Front and mass organisations
    "Mặt trận Tổ quốc",
    "Mặt trận Tổ quốc Việt Nam",
    "Ủy ban Mặt trận Tổ quốc",
    "Ủy ban Mặt trận Tổ quốc Việt Nam",
    "Liên đoàn Lao động",
    "Hội Liên hiệp Phụ nữ",
    "Hội Nông dân",
    "Hội Cựu chiến binh",
    "Hội Chữ thập đỏ",
    "Liên minh Hợp tác xã",
    "Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "Thanh niên Cộng sản",
    "Tỉnh đoàn",
    "Đoàn đại biểu Quốc hội",
    "đại biểu Quốc hội",
    # proper names
    "Tỉnh ủy",
    "Thành ủy",
    "Huyện ủy",
    "Thị ủy",
    "Đảng",
    "Trung ương Đảng",
    "Chính phủ",
    "Quốc hội",
    "Việt Nam",
    "Hồ Chí Minh",
    "Điện Biên",
    "Điện Biên Phủ",
    "Điện Biên Đông",
    "Mường Lay",
    "Mường Nhé",
    "Mường Chà",
    "Mường Ảng",
    "Tủa Chùa",
    "Tuần Giáo",
    "Nậm Pồ",
    "Lai Châu",
    "Sơn La",
    # common nouns: lower case inside a name
    "tỉnh",
    "huyện",
    "xã",
    "phường",
    "thị trấn",
    "thị xã",
    "thành phố",
    "các",
    "cơ quan",
    "cơ sở",
    "và",
    "của",
    "về",
    "nhân dân",
    "trực thuộc",
    "liên quan",
    "nhà thầu",
    "đảng viên",
    "cấp ủy",
    "cấp ủy đảng",
    "tổ chức đảng",
    "tổ chức chính trị xã hội",
    "chính trị xã hội",
    "hệ thống chính trị",
)

# One-word agency types: written as a name's first word ("BÁO", "Báo"), left alone elsewhere.
FIRST_WORDS: frozenset[str] = frozenset(
    {"sở", "ban", "bộ", "báo", "đài", "hội", "đoàn", "cục", "viện", "trường", "phòng", "kho"}
)

# -- Vietnamese words -----------------------------------------------------------------------
_LOWER = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệfghiìỉĩíịjklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvwxyỳỷỹýỵz"
)
_LETTERS = frozenset(_LOWER + _LOWER.upper())
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TOKEN = re.compile(r"([\w&]+)")
# What may stand between two words of one phrase: spaces, commas, dashes.
_JOIN = re.compile(r"[\s,\-\u2010-\u2015]*")


def _is_word(token: str) -> bool:
    return all(ch in _LETTERS for ch in token)


def _key(word: str) -> str:
    """A word's comparison form: lower case, canonical tone placement."""
    return re.sub(r"\w+", _retone, word.lower())


def _with_case(lowered: str, like: str) -> str:
    """``lowered`` with the capitals of ``like`` (same length: one letter per position)."""
    return "".join(c.upper() if m.isupper() else c for c, m in zip(lowered, like, strict=True))


def _is_acronym(word: str) -> bool:
    """Not a Vietnamese syllable ("FPT", "THPT"): kept in capitals."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _tone_index(base) is None


def _phrase_table(phrases: Iterable[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for phrase in phrases:
        words = tuple(_TOKEN.findall(phrase))
        table[tuple(_key(w) for w in words)] = words
    return table


_TABLE = _phrase_table(PHRASES)
_LONGEST = max(len(k) for k in _TABLE)


def _cleaned(name: str) -> str:
    # display_name strips one layer of bullets and separators; "- - x" and "x , ;" need more.
    text = display_name(name)
    while (again := display_name(text)) != text:
        text = again
    return text


def standard_name(name: str) -> str:
    """The name written as administrative documents write it ("Sở Tài Chính" → "Sở Tài
    chính", "UBKT Tỉnh ủy" → "Ủy ban Kiểm tra Tỉnh ủy"); NFC, single spaces."""
    text = _cleaned(name)
    if any(unicodedata.category(ch).startswith("M") for ch in text):
        return text
    parts = _TOKEN.split(text)  # separators at even, tokens at odd positions
    seps: list[str] = [parts[0]]
    words: list[str] = []
    cased: list[bool] = []  # False: no case was typed (written-out abbreviation)
    for i in range(1, len(parts), 2):
        token, after = parts[i], parts[i + 1]
        expansion = None
        if token == "&":
            if _alone(seps[-1], after):
                expansion = "và"
        elif _typed_as_abbreviation(token, first=i == 1):
            expansion = ABBREVIATIONS.get(token.lower())
        if expansion is not None:
            for j, word in enumerate(expansion.split()):
                if j:
                    seps.append(" ")
                words.append(word)
                cased.append(False)
        else:
            words.append(token)
            cased.append(True)
        seps.append(after)
    shouted = _all_capitals(w for w, c in zip(words, cased, strict=True) if c)
    out = list(words)
    i = 0
    while i < len(words):
        n, shown = _match(words, seps, i)
        if n:
            out[i : i + n] = shown
            i += n
            continue
        word = words[i]
        if _is_word(word):
            lowered = _key(word)
            if (
                not cased[i]
                or (shouted and not _is_acronym(word))
                or (i == 0 and lowered in FIRST_WORDS)
            ):
                out[i] = lowered
            else:
                out[i] = _with_case(lowered, word)
        i += 1
    if out and _is_word(out[0]):
        out[0] = out[0][0].upper() + out[0][1:]
    return seps[0] + "".join(w + s for w, s in zip(out, seps[1:], strict=True))


def _alone(before: str, after: str) -> bool:
    """An "&" with only spaces (or the text's ends) around it, which the key reads as "và"."""
    return (not before or before[-1].isspace()) and (not after or after[0].isspace())


def _typed_as_abbreviation(token: str, *, first: bool) -> bool:
    """Two or more Vietnamese letters (and "&"), all capitals: "UBKT", "KH&CN". A name's
    first letter is a capital anyway, so there it does not count ("uBND" is "UBND")."""
    letters = token.replace("&", "")
    rest = letters[1:] if first else letters
    return len(letters) >= 2 and _is_word(letters) and rest.upper() == rest and rest.lower() != rest


def _all_capitals(words: Iterable[str]) -> bool:
    """A name typed in capitals: no lower-case letter after its very first letter."""
    seen = False
    first = True
    for word in words:
        if not _is_word(word):
            continue
        rest = word[1:] if first else word
        first = False
        if any(ch.islower() for ch in rest):
            return False
        seen = seen or any(ch.isupper() for ch in word)
    return seen


def _match(words: list[str], seps: list[str], start: int) -> tuple[int, tuple[str, ...]]:
    """The longest known phrase at ``start``: (number of words, how they are written)."""
    keys: list[str] = []
    for i in range(start, min(len(words), start + _LONGEST)):
        if not _is_word(words[i]) or (i > start and not _JOIN.fullmatch(seps[i])):
            break
        keys.append(_key(words[i]))
    for n in range(len(keys), 0, -1):
        shown = _TABLE.get(tuple(keys[:n]))
        if shown is not None:
            return n, shown
    return 0, ()


def is_standard(name: str) -> bool:
    """Whether the name (as the catalogue shows it) is already written the standard way."""
    return standard_name(name) == display_name(name)


def add_or_get_standard(catalogue: AgencyCatalogue, name: str) -> tuple[Agency, bool]:
    """The agency a plan names, created under its standard name when unknown; bool = created.

    A new agency keeps the plan's spelling as an alias when it differs ("Sở Tài Chính" under
    "Sở Tài chính"). A known agency is returned as the catalogue has it: a name the office
    edited by hand is never rewritten."""
    found = catalogue.resolve(name)
    if found is not None:
        return found, False
    shown = display_name(name)
    standard = standard_name(shown)
    if not normalize_key(standard):
        raise ValueError("Tên cơ quan trống.")
    return catalogue.add(Agency(code="", name=standard, aliases=(shown,))), True


# -- timeframes -----------------------------------------------------------------------------
_QUARTER_SPELLINGS = frozenset({"quý", "quí"})


def _timeframe_word(match: re.Match[str]) -> str:
    word = match[0]
    following = match.string[match.end() : match.end() + 1]
    if not _is_word(word) or (following and unicodedata.category(following).startswith("M")):
        return word
    lowered = _key(word)
    if lowered in _QUARTER_SPELLINGS:
        lowered = "quý"
    return _with_case(lowered, word)


def timeframe_text(text: str) -> str:
    """A plan's timeframe as forms and letters print it: NFC, tone marks where they belong
    and "quý" spelled so ("Hoàn thành Qúy I/2026" → "Hoàn thành Quý I/2026", "Qúi" →
    "Quý"); capitals, spacing and line breaks as typed. The tracker keeps the plan's text."""
    return re.sub(r"\w+", _timeframe_word, unicodedata.normalize("NFC", text))
