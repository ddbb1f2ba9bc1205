"""Vietnamese text typed in the legacy 8-bit encodings TCVN3 (ABC) and VNI, and its repair.

Before Unicode, offices typed Vietnamese with the ABC keyboard driver and a TCVN3 font
(.VnTime) or with the VNI driver and a VNI font (VNI-Times). The file stores plain
Windows-1252 bytes and only the font draws them as Vietnamese letters, so Excel keeps them as
the Latin-1 characters they are: "Hoàn thành" reads "Hoµn thµnh" (TCVN3) or "Hoaøn thaønh"
(VNI) to anyone without the font, including this program.

The tables are built from each encoding's structure rather than listed letter by letter, so
that a reviewer can check them against the rule instead of against 134 opaque entries:

* TCVN3 gives every lowercase vowel with a tone its own byte, in blocks of five ordered
  huyền, hỏi, ngã, sắc, nặng. It has bytes for the capitals Ă Â Ê Ô Ơ Ư Đ but none for
  capitals with a tone: .VnTime users type those with the lowercase byte (or switch to the
  all-caps font .VnTimeH), so the case of a toned capital is lost in the file.
* VNI writes a letter as its ASCII base followed by a mark byte (tone, circumflex, breve, or
  circumflex/breve fused with a tone); i with a tone, ỵ, ơ, ư and đ are single bytes. Every
  byte has an uppercase twin, so VNI keeps case.

Detection (:func:`detect_legacy`) is deliberately conservative, because converting a correct
text by mistake garbles it; its rule and limits are documented on the function.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "LegacyMatch",
    "detect_legacy",
    "from_tcvn3",
    "from_vni",
    "is_vietnamese_word",
    "to_tcvn3",
    "to_vni",
]

Encoding = Literal["TCVN3", "VNI"]

# Combining tone marks in the order both encodings use: huyền, hỏi, ngã, sắc, nặng.
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_VOWELS = "aăâeêioôơuưy"
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _toned(base: str, tone: int | None) -> str:
    return base if tone is None else unicodedata.normalize("NFC", base + _TONES[tone])


# -- TCVN3 ----------------------------------------------------------------------------------
_TCVN3_PLAIN = dict(zip("ĂÂÊÔƠƯĐăâêôơưđ", range(0xA1, 0xAF), strict=True))
# The gaps (0xBA, 0xBF-0xC5, 0xCD, 0xD9-0xDB, 0xE0, 0xF0) are where the full TCVN 5712 set
# (VN1) keeps capitals with tones; VN3, the .VnTime repertoire, leaves them unused.
_TCVN3_TONED: dict[str, tuple[int, int, int, int, int]] = {
    "a": (0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}


def _tcvn3_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(byte → letter, letter → byte); a toned capital maps to its lowercase byte."""
    decode = {chr(code): letter for letter, code in _TCVN3_PLAIN.items()}
    encode = {letter: chr(code) for letter, code in _TCVN3_PLAIN.items()}
    for base, codes in _TCVN3_TONED.items():
        for tone, code in enumerate(codes):
            letter = _toned(base, tone)
            decode[chr(code)] = letter
            encode[letter] = encode[letter.upper()] = chr(code)
    return decode, encode


_TCVN3_DECODE, _TCVN3_ENCODE = _tcvn3_tables()
# Bytes whose letter has no case in the file (toned vowels), see _restore_caps.
_TCVN3_CASELESS = frozenset(chr(c) for codes in _TCVN3_TONED.values() for c in codes)


def to_tcvn3(text: str) -> str:
    """What Unicode ``text`` looks like once typed with the ABC driver in .VnTime.

    Capitals with a tone become the lowercase byte, as they do when typed in .VnTime; other
    characters (ASCII, or Latin-1 characters the encoding reuses) pass through unchanged.
    """
    return "".join(_TCVN3_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def _tcvn3_decode(text: str) -> tuple[str, bool]:
    """Decoded text, and False when a Latin-1 letter outside TCVN3 (à, ð, ...) is left over."""
    decoded = "".join(_TCVN3_DECODE.get(ch, ch) for ch in text)
    clean = not any(ch.isalpha() and not ch.isascii() and ch not in _TCVN3_DECODE for ch in text)
    return _restore_caps(text, decoded), clean


def _restore_caps(source: str, decoded: str) -> str:
    """Uppercase toned letters inside an all-caps word ("HOµN" → "HOÀN").

    The word needs two or more other cased letters, all capitals: a capital and one more
    letter is a title-case word ("§·" is "Đã", not "ĐÃ").
    """
    chars = list(decoded)
    for m in _LETTER_RUN.finditer(decoded):
        span = range(m.start(), m.end())
        cased = [chars[i] for i in span if source[i] not in _TCVN3_CASELESS]
        if len(cased) >= 2 and all(c.isupper() for c in cased):
            for i in span:
                chars[i] = chars[i].upper()
    return "".join(chars)


def from_tcvn3(text: str) -> str:
    """Decode TCVN3 mojibake unconditionally (use :func:`detect_legacy` to decide whether)."""
    return _tcvn3_decode(text)[0]


# -- VNI ------------------------------------------------------------------------------------
_VNI_TONE = ("ø", "û", "õ", "ù", "ï")
_VNI_CIRCUMFLEX_TONE = ("à", "å", "ã", "á", "ä")  # â/ê/ô with a tone: one fused byte
_VNI_BREVE_TONE = ("è", "ú", "ü", "é", "ë")  # ă with a tone
_VNI_I = ("ì", "æ", "ó", "í", "ò")  # i with a tone is a single byte
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ"}


def _vni_sequence(base: str, tone: int | None) -> str:
    if base == "i":
        return "i" if tone is None else _VNI_I[tone]
    if base == "y" and tone == 4:
        return "î"  # ỵ has its own byte
    if base in _VNI_SINGLE:
        return _VNI_SINGLE[base] + ("" if tone is None else _VNI_TONE[tone])
    if base in "âêô":
        ascii_base = {"â": "a", "ê": "e", "ô": "o"}[base]
        return ascii_base + ("â" if tone is None else _VNI_CIRCUMFLEX_TONE[tone])
    if base == "ă":
        return "a" + ("ê" if tone is None else _VNI_BREVE_TONE[tone])
    return base + ("" if tone is None else _VNI_TONE[tone])


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(byte sequence → letter, letter → byte sequence), letters that VNI changes only."""
    encode = {"đ": "ñ", "Đ": "Ñ"}
    for base in _VOWELS:
        for tone in (None, 0, 1, 2, 3, 4):
            letter, seq = _toned(base, tone), _vni_sequence(base, tone)
            if seq != letter:
                encode[letter] = seq
                encode[letter.upper()] = seq.upper()
    decode = {seq: letter for letter, seq in encode.items()}
    # ì í Ì Í are their own VNI bytes: not a change, but explained by the table.
    decode.update({ch: ch for ch in "ìíÌÍ"})
    # Accept a mark byte of the other case ("Aø", "aØ"): the base letter decides the case;
    # and ỵ written as y + the nặng byte, like every other vowel, instead of its own byte.
    decode |= {"yï": "ỵ", "Yï": "Ỵ"}
    for seq, letter in list(decode.items()):
        if len(seq) == 2:
            decode.setdefault(seq[0] + seq[1].swapcase(), letter)
    return decode, encode


_VNI_DECODE, _VNI_ENCODE = _vni_tables()


def to_vni(text: str) -> str:
    """What Unicode ``text`` looks like once typed with the VNI driver in VNI-Times."""
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def _vni_decode(text: str) -> tuple[str, bool]:
    """Decoded text, and False when a Latin-1 letter (e.g. a stray mark) is left over."""
    out: list[str] = []
    clean, i = True, 0
    while i < len(text):
        piece = text[i : i + 2]  # a base letter and its mark, read first
        if len(piece) < 2 or piece not in _VNI_DECODE:
            piece = text[i]
            clean = clean and (piece in _VNI_DECODE or piece.isascii() or not piece.isalpha())
        out.append(_VNI_DECODE.get(piece, piece))
        i += len(piece)
    return "".join(out), clean


def from_vni(text: str) -> str:
    """Decode VNI mojibake unconditionally (use :func:`detect_legacy` to decide whether)."""
    return _vni_decode(text)[0]


# -- Vietnamese word check --------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return text.split()  # reads better than a column of quoted strings


_ONSETS = _words("ngh ng nh ch gh gi kh ph th tr qu b c d đ g h k l m n p r s t v x")
# Toneless vowel groups. A lone y and groups ending in a glide (i, y, o, u) close the
# syllable; the others may take a final consonant ("iê" even needs one, not insisted on).
_OPEN_NUCLEI = _words("a ă â e ê i o ô ơ u ư iê oa oă oe oo uâ uê uô uơ uy ươ yê uyê")
_CLOSED_NUCLEI = _words(
    "y ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui ưa ưi ưu iêu yêu oai oao oay oeo uây uôi uya "
    "uyu ươi ươu"
)
# k ends syllables of minority-language place names (Đắk Lắk); the rest are native.
_CODAS = _words("ch ng nh c m n p t k")
_STOP_CODAS = frozenset(_words("ch c p t k"))
_STOP_TONES = frozenset("\u0301\u0323")


def _alternatives(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


_SYLLABLE = re.compile(
    f"(?P<onset>{_alternatives(_ONSETS)})?"
    f"(?:(?P<open>{_alternatives(_OPEN_NUCLEI)})(?P<coda>{_alternatives(_CODAS)})?"
    f"|(?P<closed>{_alternatives(_CLOSED_NUCLEI)}))"
)


@dataclass(frozen=True, slots=True)
class _Syllable:
    onset: str
    nucleus: str
    coda: str
    tone: str | None  # combining mark
    tone_at: int | None  # index in the word


def _syllable(word: str) -> _Syllable | None:
    """The parts of a Vietnamese syllable, or None (no such syllable, tone misused)."""
    letters = unicodedata.normalize("NFC", word.casefold())
    bare, tones, tone_at = [], [], None
    for i, ch in enumerate(letters):
        marks = unicodedata.normalize("NFD", ch)
        if any(m in _TONES for m in marks):
            if marks[0] not in "aeiouy":
                return None  # a tone on a consonant: Spanish ñ is n with a tilde
            tones += [m for m in marks if m in _TONES]
            tone_at = i
        bare.append(unicodedata.normalize("NFC", "".join(m for m in marks if m not in _TONES)))
    m = _SYLLABLE.fullmatch("".join(bare))
    tone = tones[0] if len(tones) == 1 else None
    # A syllable ending in a stop consonant takes only the sắc or nặng tone (các, học).
    if m is None or len(tones) > 1 or (m["coda"] in _STOP_CODAS and tone not in _STOP_TONES):
        return None
    return _Syllable(m["onset"] or "", m["open"] or m["closed"], m["coda"] or "", tone, tone_at)


def is_vietnamese_word(word: str) -> bool:
    """True for one Vietnamese syllable (any case, at most one tone) or an abbreviation.

    Abbreviations are capitals without tones mixing Đ with ASCII letters ("HĐND"), and the
    lone "đ" of "đ/c"; a word of ASCII letters only is always accepted (names, English).
    """
    if word.isascii() or word.casefold() == "đ":
        return True
    if _syllable(word) is not None:
        return True
    rest = word.replace("Đ", "")
    return rest.isascii() and rest.isalpha() and rest.isupper()


def _tone_slots(nucleus: str, coda: str) -> set[int]:
    """Where the tone may sit in a vowel group, old style (hòa) or new (hoà)."""
    marked = [i for i, ch in enumerate(nucleus) if ch in "ăâêôơư"]
    if marked:
        return {marked[-1]}
    if coda or len(nucleus) == 1:
        return {len(nucleus) - 1}
    if nucleus in ("oa", "oe", "uy"):
        return {0, 1}
    return {0} if len(nucleus) == 2 else {1}


def _oddities(word: str) -> int:
    """Breaches of spelling rules a valid-looking syllable can still show: a misplaced tone
    ("baỷ" for bảy) or a wrong onset spelling ("nghua", "ce"). Used to choose between
    encodings, never to reject a text: people do type "Qúy"."""
    parts = None if word.isascii() else _syllable(word)
    if parts is None:
        return 0
    odd = 0
    first = parts.nucleus[0]
    # k/gh/ngh go before i, e, ê (k also before y), c/g/ng elsewhere. Minority place names
    # break the k rule (Kon Tum, Krông), which is why this only ranks readings.
    if (parts.onset in ("gh", "ngh") and first not in "ieê") or (
        parts.onset == "k" and first not in "ieêy"
    ):
        odd += 1
    if (parts.onset in ("c", "ng") and first in "ieêy") or (parts.onset == "g" and first in "eê"):
        odd += 1
    if parts.tone_at is not None:
        slot = parts.tone_at - len(parts.onset)
        odd += slot not in _tone_slots(parts.nucleus, parts.coda)
    return odd


# -- detection ---------------------------------------------------------------------------------
# Latin-1 letters that also belong to the Vietnamese alphabet: seeing them proves nothing.
_VIET_LATIN1 = frozenset("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
# TCVN3 symbols that are also punctuation next to letters: guillemets, the middle dot.
_TCVN3_PUNCTUATION = frozenset("«»·")
_GUILLEMETS = frozenset("«»")
_D_BYTES = frozenset("§®Ññ")  # Đ đ in TCVN3, then in VNI


@dataclass(frozen=True, slots=True)
class LegacyMatch:
    """A text recognised as legacy-encoded, with the evidence that decided it.

    ``words``: words (two characters or more) that are not Vietnamese as they stand but are
    once decoded; ``chars``: characters specific to the encoding inside those words;
    ``oddities``: misplaced tones and misspelt onsets in the decoded text.
    """

    encoding: Encoding
    text: str
    words: int
    chars: int
    oddities: int = 0

    @property
    def rank(self) -> tuple[int, int, int]:  # better first: fewer oddities, more evidence
        return (self.oddities, -self.words, -self.chars)


@dataclass(frozen=True, slots=True)
class _Codec:
    name: Encoding
    decode: Callable[[str], tuple[str, bool]]
    specific: frozenset[str]  # table characters outside the Vietnamese alphabet
    # Enough alone inside a word. Not TCVN3's ä å ö ü ...: "på" (Danish) would read "pồ".
    strong: frozenset[str]
    token: re.Pattern[str]  # a word as the encoding sees it: letters and table characters
    pairs: re.Pattern[str] | None = None  # letter pairs as strong as a strong character
    # TCVN3 toned letters have no case but look like Latin-1 letters of either case, so its
    # words mix cases as no spelling does: "hiÖu" (hiệu), "thÕ" (thế), "CHäN" (CHỌN).
    caseless: frozenset[str] = frozenset()

    def proves(self, word: str, i: int) -> bool:
        """Whether the specific character ``word[i]`` alone proves the encoding."""
        ch = word[i]
        if len(word) < 2:
            return False
        if ch in _GUILLEMETS:  # only between letters ("kh«ng"), never at a word's edge
            return 0 < i < len(word) - 1
        # Not word-initial: "chuû" and "T¹m" are evidence, "µm" (micrometre) is not; but đ
        # starts words ("§ang", "ñaõ"), a place no symbol or Spanish ñ takes.
        return ch in self.strong and (i > 0 or ch in _D_BYTES)

    def mixed_case(self, word: str, i: int) -> bool:
        ch = word[i]
        if ch not in self.caseless or i == 0:
            return False
        if ch.isupper():
            return word[i - 1].islower()
        return ch.islower() and word[i - 1].isupper() and word[i + 1 : i + 2].isupper()


def _token(domain: frozenset[str]) -> re.Pattern[str]:
    return re.compile(f"(?:[^\\W\\d_]|[{re.escape(''.join(sorted(domain)))}])+")


_TCVN3_DOMAIN = frozenset(ch for ch in "".join(_TCVN3_DECODE) if not ch.isascii())
_TCVN3_SPECIFIC = _TCVN3_DOMAIN - _VIET_LATIN1
# µ and ª are letters, but of no language: the micro sign, the ordinal indicator.
_TCVN3_STRONG = (
    _TCVN3_SPECIFIC - _TCVN3_PUNCTUATION - {ch for ch in _TCVN3_SPECIFIC if ch.isalpha()}
)
_TCVN3_STRONG |= {"µ", "ª"}
_VNI_DOMAIN = frozenset(ch for ch in "".join(_VNI_DECODE) if not ch.isascii())
# VNI writes ê, â, ă, ầ, ắ ... as a vowel and a mark that are both Vietnamese letters, but in
# orders Unicode Vietnamese never has: no vowel group starts "eâ", "aê", "eá" or "aé".
# ("oà", "oá", "oã" are left out: hoà, hoá, hoãn spell them in Unicode.)
_VNI_PAIRS = re.compile("[aeoAEO][âÂ]|[aA][êÊ]|[aeAE][àáãÀÁÃ]|[aA][èéÈÉ]")

_CODECS = (
    _Codec(
        "TCVN3",
        _tcvn3_decode,
        specific=_TCVN3_SPECIFIC,
        strong=_TCVN3_STRONG,
        token=_token(_TCVN3_DOMAIN),
        caseless=_TCVN3_CASELESS,
    ),
    _Codec(
        "VNI",
        _vni_decode,
        specific=_VNI_DOMAIN - _VIET_LATIN1,
        strong=_VNI_DOMAIN - _VIET_LATIN1,
        token=_token(_VNI_DOMAIN),
        pairs=_VNI_PAIRS,
    ),
)


def _valid_vietnamese(text: str) -> bool:
    return all(is_vietnamese_word(m[0]) for m in _LETTER_RUN.finditer(text))


def _mostly_vietnamese(text: str) -> bool:
    """At least as many Vietnamese syllables as foreign words; capitals (UBND) and words of
    one or two ASCII letters (format codes, "id") count as neither.

    Decoded Danish "så pas på ikke at ende" has valid syllables (sồ, pồ) but more words
    that are no syllable at all; real Vietnamese has a few names and English terms at most.
    """
    native = foreign = 0
    for m in _LETTER_RUN.finditer(text):
        word = m[0]
        if _syllable(word) is not None:
            native += 1
        elif not word.isupper() and not (word.isascii() and len(word) <= 2):
            foreign += 1
    return native >= max(foreign, 1)


def _evidence(text: str, codec: _Codec) -> tuple[int, int, int, bool]:
    """(repaired words, specific characters in repaired tokens, how many different ones,
    whether a strong one sits in a word)."""
    words = chars = 0
    kinds: set[str] = set()
    inside = False
    for m in codec.token.finditer(text):
        source = m[0]
        mixed = any(codec.mixed_case(source, i) for i in range(len(source)))
        if source.isalpha() and is_vietnamese_word(source) and not mixed:
            continue
        decoded, clean = codec.decode(source)
        if not clean or not _valid_vietnamese(decoded):
            continue
        # A lone character ("½", the "đ" of "đ/c") is too short to count as a word.
        words += len(source) >= 2
        if codec.pairs is not None and (found := codec.pairs.findall(source)):
            chars += len(found)
            kinds.update(found)
            inside = True
        for i, ch in enumerate(source):
            mixed = codec.mixed_case(source, i)
            if mixed or ch in codec.specific:
                chars += 1
                kinds.add(ch)
                inside = inside or mixed or codec.proves(source, i)
    return words, chars, len(kinds), inside


def detect_legacy(text: str) -> LegacyMatch | None:
    """The Unicode form of ``text`` if it is TCVN3 or VNI mojibake, else None.

    Rule, applied to each encoding separately:

    1. The text has no letter beyond Latin-1 and no combining mark. Legacy text is made of
       Windows-1252 bytes, so a single ư, ạ or đ proves the text is already Unicode.
    2. Decoding leaves no Latin-1 letter unexplained: a TCVN3 text cannot contain à (0xE0 is
       unused), a VNI mark byte must follow a vowel it can combine with.
    3. Every decoded word holding a non-ASCII letter is a Vietnamese syllable (onset, vowel
       group, final consonant, at most one tone, a stop final only with sắc or nặng) or an
       abbreviation such as "HĐND"; and Vietnamese syllables are at least as many as the
       other words (capitals and one- or two-letter ASCII words aside).
    4. Evidence: "repaired" tokens, which are not Vietnamese as they stand but are once
       decoded, and the characters specific to the encoding in them (in its table but not in
       the Vietnamese alphabet, e.g. µ ¸ § for TCVN3, ø ö ñ for VNI, and VNI letter pairs
       Unicode never writes, such as "eâ" for ê). At least one specific character is
       required, and either two repaired words (tokens of two characters or more: "½"
       alone is no word) with two different specific characters ("Gå på lång" has one
       only) or one strong specific character in a word, past its
       first letter unless it is đ: a TCVN3 symbol, µ or ª ("T¹m", "ch­a", "§ang"; « » only
       between letters, · never), a TCVN3 letter breaking its word's case ("hiÖu", "CHäN"),
       any VNI byte ("Chöa", "chuû", "ñaõ") or VNI pair ("theâm").

    Vietnamese typed in Unicode (syllables in lower, title or upper case) has no repaired
    word, so it is never converted. If both encodings give a plausible reading (rules 1–3 and a specific character), the one
    with fewer spelling oddities (misplaced tone, "ngh" before a, ...) wins, then the one
    with more evidence; it is converted if it meets rule 4, and a tie converts nothing.
    """
    if text.isascii() or any(
        ord(ch) > 0xFF and (ch.isalpha() or unicodedata.combining(ch)) for ch in text
    ):
        return None
    plausible: list[tuple[LegacyMatch, bool]] = []
    for codec in _CODECS:
        words, chars, kinds, inside = _evidence(text, codec)
        if chars == 0:
            continue
        decoded, clean = codec.decode(text)
        if clean and _valid_vietnamese(decoded) and _mostly_vietnamese(decoded):
            decoded = unicodedata.normalize("NFC", decoded)
            odd = sum(_oddities(m[0]) for m in _LETTER_RUN.finditer(decoded))
            match = LegacyMatch(codec.name, decoded, words, chars, odd)
            plausible.append((match, inside or (words >= 2 and kinds >= 2)))
    # Compare every plausible reading, even one short of evidence: "chöa" is VNI "chưa" but
    # also TCVN3 "chửa", and a coin toss between them is worse than leaving the text alone.
    plausible.sort(key=lambda pair: pair[0].rank)
    if not plausible or not plausible[0][1]:
        return None
    if len(plausible) > 1 and plausible[0][0].rank == plausible[1][0].rank:
        return None
    return plausible[0][0]


# -- by font --------------------------------------------------------------------------------
def legacy_font(font: str | None) -> str | None:
    """The legacy encoding a font name means: "tcvn3" (.VnTime, .VnArial…), "tcvn3-caps" (the
    all-capitals .VnTimeH, .VnArialH…, whose lowercase bytes draw capitals) or "vni"
    (VNI-Times, VNI-Helve…); None for a Unicode font."""
    name = (font or "").strip()
    if name.lower().startswith(".vn"):
        return "tcvn3-caps" if name.endswith("H") else "tcvn3"
    if name.upper().startswith("VNI-") or name.upper().startswith("VNI "):
        return "vni"
    return None


def from_font(text: str, encoding: str) -> str:
    """Text typed in a legacy font, as Unicode: the font is decisive evidence, so short words
    and capitals convert too (unlike :func:`detect_legacy`)."""
    if encoding == "tcvn3":
        return from_tcvn3(text)
    if encoding == "tcvn3-caps":
        return unicodedata.normalize("NFC", from_tcvn3(text).upper())
    if encoding == "vni":
        return from_vni(text)
    return text
