"""Standard agency names (Nghị định 30/2020/NĐ-CP, Phụ lục II) and printed timeframes."""

from __future__ import annotations

import re
import unicodedata
import zipfile

import pytest
from conftest import ROOT, SAMPLE_PLAN
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.core.agencies import Agency, AgencyCatalogue, normalize_key
from xladdin.core.agency_names import (
    ABBREVIATIONS,
    PHRASES,
    add_or_get_standard,
    is_standard,
    standard_name,
    timeframe_text,
)
from xladdin.core.timeframe import parse_timeframe

# (as the plan of Điện Biên types it, the standard name). The lead and coordinating cells of
# the appendix (the bundled sample plan) ...
APPENDIX_NAMES = [
    ("Văn Phòng Tỉnh ủy", "Văn phòng Tỉnh ủy"),
    ("Sở Tài Chính", "Sở Tài chính"),
    ("UBKT Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("Ban Tổ chức Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"),
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("Ban Nội chính Tỉnh ủy", "Ban Nội chính Tỉnh ủy"),
    ("Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Tỉnh ủy"),
    ("Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy"),
    ("Các cơ quan Đảng từ cấp tỉnh đến cơ sở", "Các cơ quan Đảng từ cấp tỉnh đến cơ sở"),
    ("Các cơ quan liên quan, nhà thầu", "Các cơ quan liên quan, nhà thầu"),
    (
        "Các cơ quan Đảng, các cơ quan trong hệ thống chính trị",
        "Các cơ quan Đảng, các cơ quan trong hệ thống chính trị",
    ),
    ("Ban Cơ yếu Chính phủ", "Ban Cơ yếu Chính phủ"),
    ("Kho Lưu trữ Đảng bộ tỉnh", "Kho Lưu trữ Đảng bộ tỉnh"),
]
# ... and the plan's body and "Nơi nhận" (the full text in ../shared/seeds).
BODY_NAMES = [
    ("Ủy ban Kiểm tra Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("Thường trực Tỉnh ủy", "Thường trực Tỉnh ủy"),
    ("Đảng ủy các cơ quan Đảng tỉnh", "Đảng ủy các cơ quan Đảng tỉnh"),
    ("Đảng ủy UBND tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh"),
    ("Đảng ủy Ủy ban nhân dân tỉnh", "Đảng ủy Ủy ban nhân dân tỉnh"),
    ("Văn phòng Trung ương Đảng", "Văn phòng Trung ương Đảng"),
    ("Ban Bí thư Trung ương Đảng", "Ban Bí thư Trung ương Đảng"),
    ("Bộ Chính trị", "Bộ Chính trị"),
    ("Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ"),
    ("Ủy ban Mặt trận Tổ quốc", "Ủy ban Mặt trận Tổ quốc"),
    ("Các cơ quan tham mưu, giúp việc Tỉnh ủy", "Các cơ quan tham mưu, giúp việc Tỉnh ủy"),
    ("Lưu VPTU", "Lưu Văn phòng Tỉnh ủy"),
]
PLAN_NAMES = APPENDIX_NAMES + BODY_NAMES

# Names of the office's usual addressees, typed the ways plans type them.
OTHER_NAMES = [
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("Ủy Ban Nhân Dân Tỉnh Điện Biên", "Ủy ban nhân dân tỉnh Điện Biên"),
    ("UBND TỈNH ĐIỆN BIÊN", "Ủy ban nhân dân tỉnh Điện Biên"),
    ("VĂN PHÒNG TỈNH UỶ", "Văn phòng Tỉnh ủy"),
    ("Văn phòng Tỉnh uỷ", "Văn phòng Tỉnh ủy"),
    ("VPTU", "Văn phòng Tỉnh ủy"),
    ("Văn phòng TU", "Văn phòng Tỉnh ủy"),
    ("Mặt Trận Tổ Quốc Việt Nam Tỉnh", "Mặt trận Tổ quốc Việt Nam tỉnh"),
    ("Ủy ban MTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
    ("công an tỉnh", "Công an tỉnh"),
    ("Bộ Chỉ Huy Quân Sự Tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
    ("Trường chính trị tỉnh", "Trường Chính trị tỉnh"),
    ("Báo Điện Biên Phủ", "Báo Điện Biên Phủ"),
    ("BÁO ĐIỆN BIÊN PHỦ", "Báo Điện Biên Phủ"),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
    ("Sở Khoa học & Công nghệ", "Sở Khoa học và Công nghệ"),
    ("Sở Văn Hoá, Thể Thao Và Du Lịch", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở Công thương", "Sở Công Thương"),
    ("Ban TG&DV Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("BCĐ chuyển đổi số", "Ban Chỉ đạo chuyển đổi số"),
    ("Đoàn TNCS Hồ Chí Minh tỉnh", "Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh"),
    ("Hội đồng Nhân dân tỉnh", "Hội đồng nhân dân tỉnh"),
    ("Huyện ủy Mường Nhé", "Huyện ủy Mường Nhé"),
    ("- Thường trực Tỉnh ủy,", "Thường trực Tỉnh ủy"),
]

# Words the rules do not know keep the case they were typed in (proper names, acronyms).
KEPT = [
    "Trường THPT Lê Quý Đôn",
    "Công ty FPT",
    "Hội LHPN tỉnh",
    "Xã Mường Pồn",
]


# Names the rules know word by word: any casing of them gives them back.
FULLY_KNOWN = [
    "Sở Tài chính",
    "Văn phòng Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Ủy ban nhân dân tỉnh",
    "Ban Thường vụ Tỉnh ủy",
    "Mặt trận Tổ quốc Việt Nam tỉnh",
    "Công an tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Đảng ủy các cơ quan Đảng tỉnh",
    "Trường Chính trị tỉnh",
    "Báo Điện Biên Phủ",
    "Ủy ban nhân dân tỉnh Điện Biên",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
    "Thường trực Tỉnh ủy",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Đảng ủy Ủy ban nhân dân tỉnh",
]

SEED_PLAN = ROOT.parent / "shared" / "seeds" / "KeHoach_DienBien_2026.txt"


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _sample_plan_text() -> str:
    with zipfile.ZipFile(SAMPLE_PLAN) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    return _words(re.sub(r"<[^>]+>", "", re.sub(r"</w:p>", "\n", xml)))


@pytest.mark.parametrize(("typed", "standard"), PLAN_NAMES + OTHER_NAMES)
def test_standard_name(typed: str, standard: str) -> None:
    assert standard_name(typed) == standard
    assert normalize_key(standard) == normalize_key(typed)
    assert is_standard(standard)


def test_appendix_names_occur_in_the_sample_plan() -> None:
    text = _sample_plan_text()
    assert [typed for typed, _ in APPENDIX_NAMES if typed not in text] == []


@pytest.mark.skipif(not SEED_PLAN.exists(), reason="the plan's full text is not on this machine")
def test_body_names_occur_in_the_real_plan() -> None:
    text = _words(SEED_PLAN.read_text("utf-8"))
    assert [typed for typed, _ in BODY_NAMES if typed not in text] == []


def test_non_standard_names_of_the_plan_are_noticed() -> None:
    assert not is_standard("Văn Phòng Tỉnh ủy") and not is_standard("Sở Tài Chính")
    assert not is_standard("UBKT Tỉnh ủy") and not is_standard("Văn phòng Tỉnh uỷ")


@pytest.mark.parametrize("name", KEPT)
def test_unknown_words_keep_their_case(name: str) -> None:
    assert standard_name(name) == name


def test_a_name_in_capitals_keeps_its_acronyms() -> None:
    assert standard_name("CÔNG TY FPT") == "Công ty FPT"
    assert standard_name("SỞ TÀI CHÍNH TỈNH ĐIỆN BIÊN") == "Sở Tài chính tỉnh Điện Biên"


def test_rules_are_consistent_with_the_normaliser() -> None:
    for abbreviation, words in ABBREVIATIONS.items():
        assert normalize_key(abbreviation.upper()) == normalize_key(words), abbreviation
        assert standard_name(abbreviation.upper())[1:] == standard_name(words)[1:]
    for phrase in PHRASES:
        # Written as they should be (tone placement included), and no other entry overrides.
        assert standard_name(phrase) == phrase[0].upper() + phrase[1:], phrase


# -- properties ---------------------------------------------------------------------------
_WORDS = sorted({w for p in PHRASES for w in p.replace(",", " ").split()} - {"-"})
_VARIANTS = ["uỷ", "Uỷ", "hoà", "Khoẻ", "Qúy", "FPT", "&", "-", "THPT", "x", "İ", "ß", "1"]


def _cased(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), word.lower(), word.title(), word.swapcase()])


_word = st.one_of(
    st.sampled_from(_WORDS + _VARIANTS).flatmap(_cased),
    st.sampled_from(sorted(ABBREVIATIONS)).map(str.upper),
    st.text(min_size=1, max_size=6),
)
_gap = st.sampled_from([" ", "  ", ", ", " - ", "-", " & ", "\u00a0", "; "])
agency_like = st.lists(st.tuples(_word, _gap), min_size=1, max_size=7).map(
    lambda parts: "".join(w + g for w, g in parts)
)


@given(st.one_of(agency_like, st.text()))
@settings(max_examples=1500)
def test_standard_name_is_idempotent_and_keeps_the_key(name: str) -> None:
    standard = standard_name(name)
    assert standard_name(standard) == standard
    assert normalize_key(standard) == normalize_key(name)
    assert unicodedata.is_normalized("NFC", standard)


@given(st.sampled_from(FULLY_KNOWN), st.data())
def test_any_casing_of_a_standard_name_gives_it_back(standard: str, data: st.DataObject) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(standard), max_size=len(standard)))
    typed = "".join(c.swapcase() if f else c for c, f in zip(standard, flips, strict=True))
    assert standard_name(typed) == standard
    assert standard_name(typed.upper()) == standard


# -- the catalogue ------------------------------------------------------------------------
def test_a_new_agency_gets_the_standard_name_and_keeps_the_plan_spelling() -> None:
    catalogue = AgencyCatalogue()
    agency, created = add_or_get_standard(catalogue, "Sở Tài Chính")
    assert created and (agency.code, agency.name, agency.aliases) == (
        "STC",
        "Sở Tài chính",
        ("Sở Tài Chính",),
    )
    ubkt, _ = add_or_get_standard(catalogue, "UBKT Tỉnh ủy")
    assert (ubkt.code, ubkt.name, ubkt.aliases) == (
        "UBKTTU",
        "Ủy ban Kiểm tra Tỉnh ủy",
        ("UBKT Tỉnh ủy",),
    )
    plain, _ = add_or_get_standard(catalogue, "Ban Tổ chức Tỉnh ủy")
    assert plain.aliases == ()  # already standard: nothing to remember
    # Every spelling still finds it.
    for typed in ("Sở Tài Chính", "Sở Tài chính", "SỞ TÀI CHÍNH", "STC", "Ủy ban Kiểm tra Tỉnh uỷ"):
        assert typed in catalogue
    again, created = add_or_get_standard(catalogue, "SỞ TÀI CHÍNH")
    assert again == agency and not created


def test_a_name_the_office_edited_is_kept() -> None:
    # The office renamed the agency; the plan's spelling, kept as an alias, still finds it.
    edited = Agency("VPTU", "Văn phòng Tỉnh ủy Điện Biên", aliases=("Văn Phòng Tỉnh ủy",))
    catalogue = AgencyCatalogue([edited, Agency("STC", "SỞ TÀI CHÍNH")])
    assert add_or_get_standard(catalogue, "Văn Phòng Tỉnh ủy") == (edited, False)
    found, created = add_or_get_standard(catalogue, "Sở Tài Chính")
    assert not created and found.name == "SỞ TÀI CHÍNH"
    assert len(catalogue) == 2


def test_blank_name_is_refused() -> None:
    with pytest.raises(ValueError, match="trống"):
        add_or_get_standard(AgencyCatalogue(), " - ")


# -- timeframes ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("Hoàn thành Qúy I/2026", "Hoàn thành Quý I/2026"),
        ("Hoàn thành qúy II/2026", "Hoàn thành quý II/2026"),
        ("Qúi III/2026", "Quý III/2026"),
        ("Quí IV năm 2026", "Quý IV năm 2026"),
        ("QÚY I/2026", "QUÝ I/2026"),
        ("Hằng quí", "Hằng quý"),
        ("Hoàn thành Quý I/2026", "Hoàn thành Quý I/2026"),
        ("Hoàn thành 30/6/2026", "Hoàn thành 30/6/2026"),
        ("Theo lộ trình của Trung ương", "Theo lộ trình của Trung ương"),
        ("Số hoá\ntrong Quý I", "Số hóa\ntrong Quý I"),
    ],
)
def test_timeframe_text(typed: str, printed: str) -> None:
    assert timeframe_text(typed) == printed


@given(st.one_of(agency_like, st.text()))
@settings(max_examples=800)
def test_timeframe_text_is_idempotent_and_means_the_same(text: str) -> None:
    printed = timeframe_text(text)
    assert timeframe_text(printed) == printed
    before, after = parse_timeframe(text), parse_timeframe(printed)
    assert (after.kind, after.due, after.start) == (before.kind, before.due, before.start)
