from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.core.agencies import (
    Agency,
    AgencyCatalogue,
    CatalogueConflictError,
    display_name,
    make_code,
    normalize_key,
    sort_key,
    split_agencies,
    strip_diacritics,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


SAME_AGENCY = [
    ("Văn Phòng Tỉnh ủy", "Văn phòng Tỉnh ủy"),
    ("VĂN PHÒNG TỈNH UỶ", "Văn phòng Tỉnh ủy"),
    ("Văn phòng  Tỉnh ủy", "Văn phòng Tỉnh ủy"),
    ("Văn phòng\u00a0Tỉnh ủy", "Văn phòng Tỉnh ủy"),
    ("\tVăn phòng Tỉnh ủy.", "Văn phòng Tỉnh ủy"),
    ("VPTU", "Văn phòng Tỉnh ủy"),
    ("Văn phòng TU", "Văn phòng Tỉnh ủy"),
    (nfd("Văn phòng Tỉnh ủy"), "Văn phòng Tỉnh ủy"),
    ("UBKT Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("Uỷ ban Kiểm tra Tỉnh uỷ", "Ủy ban Kiểm tra Tỉnh ủy"),
    ("Sở Tài Chính", "Sở Tài chính"),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
    ("Sở Khoa học & Công nghệ", "Sở Khoa học và Công nghệ"),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("Ủy ban MTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc tỉnh"),
    ("BTC Tỉnh ủy", "Ban Tổ chức Tỉnh ủy"),
    ("Ban TG&DV Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("BCĐ chuyển đổi số", "Ban Chỉ đạo chuyển đổi số"),
    ("Các tổ chức chính trị-xã hội", "Các tổ chức chính trị - xã hội"),
    ("- Thường trực Tỉnh ủy,", "Thường trực Tỉnh ủy"),
    ("\u00d0ảng ủy", "Đảng ủy"),  # Icelandic eth from legacy-encoding converters
    ("Sở Văn hoá", "Sở Văn hóa"),
    ("Hội Phụ nữ Khánh Hoà", "Hội Phụ nữ Khánh Hòa"),
]


@pytest.mark.parametrize(("typed", "official"), SAME_AGENCY)
def test_variants_share_a_key(typed: str, official: str) -> None:
    assert normalize_key(typed) == normalize_key(official)


DIFFERENT_AGENCIES = [
    ("Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy"),
    ("Sở Tài chính", "Sở Tư pháp"),
    ("Ban Tuyên giáo Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
    ("Văn phòng Tỉnh ủy", "Văn phòng UBND tỉnh"),
    ("Đảng ủy", "Dang uy"),  # diacritics are significant
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_AGENCIES)
def test_different_agencies_keep_different_keys(a: str, b: str) -> None:
    assert normalize_key(a) != normalize_key(b)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Uỷ ban", "ủy ban"),
        ("Hoà bình", "hòa bình"),
        ("thuý", "thúy"),
        ("khoẻ", "khỏe"),
        ("Qúy", "quý"),  # "qu" is a consonant: the tone stays on "y"
        ("quý", "quý"),
        ("hoàn thành", "hoàn thành"),  # closed syllables keep the tone on the second vowel
        ("Khuỷu", "khuỷu"),
        ("người", "người"),
        ("giữa", "giữa"),
        ("gì", "gì"),
        ("Hoài", "hoài"),
    ],
)
def test_tone_placement_is_canonical(typed: str, key: str) -> None:
    assert normalize_key(typed) == key
    assert unicodedata.is_normalized("NFC", normalize_key(typed))


def test_key_of_empty_text() -> None:
    assert normalize_key("") == ""
    assert normalize_key(" \u00a0\t ") == ""


def test_display_name_keeps_case() -> None:
    assert display_name("  Văn Phòng\u00a0 Tỉnh ủy ") == "Văn Phòng Tỉnh ủy"
    assert display_name(nfd("Sở Tài Chính")) == "Sở Tài Chính"
    assert display_name("- Sở Tài chính;") == "Sở Tài chính"
    assert unicodedata.is_normalized("NFC", display_name(nfd("Ủy ban")))


def test_strip_diacritics() -> None:
    assert strip_diacritics("Đảng ủy Ủy ban nhân dân") == "Dang uy Uy ban nhan dan"
    assert strip_diacritics(nfd("Văn phòng Tỉnh ủy")) == "Van phong Tinh uy"
    assert strip_diacritics("\u00d0\u00f0") == "Dd"


# ---------------------------------------------------------------- sorting


def test_vietnamese_sort_order() -> None:
    names = ["Văn phòng Tỉnh ủy", "Ủy ban Kiểm tra", "Đảng ủy", "Ban Tuyên giáo", "Ban Tổ chức"]
    assert sorted(names, key=sort_key) == [
        "Ban Tổ chức",
        "Ban Tuyên giáo",
        "Đảng ủy",
        "Ủy ban Kiểm tra",
        "Văn phòng Tỉnh ủy",
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Dân vận", "Đảng ủy"),  # đ comes after d, not at the end of the alphabet
        ("Đảng ủy", "Hội Nông dân"),
        ("An", "Ăn"),
        ("Ăn", "Ân"),
        ("Ân", "Bà"),
        ("Co", "Cô"),
        ("Cô", "Cơ"),
        ("Cơ", "Cu"),
        ("Tu", "Tư"),
        ("Tư", "Tỷ"),
        ("Ba", "Bà"),
        ("Bà", "Bả"),
        ("Bả", "Bã"),
        ("Bã", "Bá"),
        ("Bá", "Bạ"),
        ("Bạ", "Ban"),  # letters decide before tones
        ("Sở Tài chính", "Sở Tài Chính"),  # case only breaks ties
        ("Sở Tài chính", "Sở Tài chính 2"),
    ],
)
def test_sort_pairs(before: str, after: str) -> None:
    assert sort_key(before) < sort_key(after)


def test_sort_key_ignores_normalisation_form() -> None:
    assert sort_key(nfd("Ủy ban Kiểm tra")) == sort_key("Ủy ban Kiểm tra")
    assert sort_key("Ủy  ban") == sort_key("Ủy ban")


# ---------------------------------------------------------------- codes


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Ban Tổ chức Tỉnh ủy", "BTCTU"),
        ("Văn phòng Tỉnh ủy", "VPTU"),
        ("Sở Tài chính", "STC"),
        ("Đảng ủy Khối 2", "DUK2"),
        ("UBKT Tỉnh ủy", "UBKTTU"),
        ("Sở KH&CN", "SKHCN"),
        ("???", "CQ"),
    ],
)
def test_make_code(name: str, code: str) -> None:
    assert make_code(name, set()) == code


def test_make_code_disambiguates() -> None:
    assert make_code("Ban Tổ chức Tỉnh ủy", {"BTCTU"}) == "BTCTU2"
    assert make_code("Ban Tổ chức Tỉnh ủy", {"btctu", "BTCTU2"}) == "BTCTU3"


def test_generated_codes_are_unique_and_ascii() -> None:
    catalogue = AgencyCatalogue()
    names = ["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ban Tài chính Tỉnh ủy", "Bộ Tư"]
    names += [f"Ban Tổ chức Thành ủy {i}" for i in range(3)]
    codes = [catalogue.add_or_get(name)[0].code for name in names]
    assert len(set(codes)) == len(codes)
    assert all(code.isascii() and code.isalnum() and code.isupper() for code in codes)


# ---------------------------------------------------------------- catalogue


def fixture_catalogue() -> AgencyCatalogue:
    return AgencyCatalogue(
        [
            Agency("VPTU", "Văn phòng Tỉnh ủy", email="vptu@dienbien.dcs.vn"),
            Agency("UBKT", "Ủy ban Kiểm tra Tỉnh ủy"),
            Agency("BTC", "Ban Tổ chức Tỉnh ủy"),
            Agency("STC", "Sở Tài chính", aliases=("Sở TC",)),
        ]
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Văn Phòng Tỉnh ủy", "VPTU"),
        ("VĂN PHÒNG TỈNH UỶ", "VPTU"),
        ("vptu", "VPTU"),
        ("UBKT Tỉnh ủy", "UBKT"),
        ("ubkt", "UBKT"),
        ("Sở Tài Chính", "STC"),
        ("Sở TC", "STC"),
        ("stc", "STC"),
        (nfd("Ban Tổ chức Tỉnh uỷ"), "BTC"),
    ],
)
def test_resolve(typed: str, code: str) -> None:
    found = fixture_catalogue().resolve(typed)
    assert found is not None and found.code == code


def test_resolve_unknown() -> None:
    catalogue = fixture_catalogue()
    assert catalogue.resolve("Ban Nội chính Tỉnh ủy") is None
    assert catalogue.resolve("") is None


def test_user_added_alias_resolves() -> None:
    catalogue = fixture_catalogue()
    assert catalogue.resolve("Văn phòng Tỉnh ủy Điện Biên") is None
    updated = catalogue.add_alias("VPTU", "Văn phòng Tỉnh ủy Điện Biên")
    assert updated.aliases == ("Văn phòng Tỉnh ủy Điện Biên",)
    assert catalogue.resolve("VĂN PHÒNG TỈNH UỶ ĐIỆN BIÊN") == updated
    assert catalogue.get("vptu") == updated


def test_alias_of_another_agency_is_a_conflict() -> None:
    catalogue = fixture_catalogue()
    with pytest.raises(CatalogueConflictError, match="Văn phòng Tỉnh ủy"):
        catalogue.add_alias("STC", "VPTU")
    with pytest.raises(CatalogueConflictError, match="trùng"):
        catalogue.add(Agency("VPTU", "Văn phòng khác"))


def test_add_or_get() -> None:
    catalogue = fixture_catalogue()
    agency, created = catalogue.add_or_get("  Ban Nội chính\u00a0Tỉnh ủy ")
    assert created and agency.code == "BNCTU" and agency.name == "Ban Nội chính Tỉnh ủy"
    again, created_again = catalogue.add_or_get("BAN NỘI CHÍNH TỈNH UỶ")
    assert again == agency and not created_again
    existing, created = catalogue.add_or_get("Văn Phòng Tỉnh ủy")
    assert existing.code == "VPTU" and not created
    assert len(catalogue) == 5
    with pytest.raises(ValueError):
        catalogue.add_or_get("  ")


def test_generated_code_never_resolves_to_another_agency() -> None:
    catalogue = fixture_catalogue()
    # Initials "VPTU" would read as Văn phòng Tỉnh ủy.
    agency, created = catalogue.add_or_get("Văn phòng Trung ương")
    assert created and agency.code != "VPTU"
    assert catalogue.resolve(agency.code) == agency
    original = catalogue.resolve("VPTU")
    assert original is not None and original.code == "VPTU"


def test_agency_fields_are_normalised() -> None:
    agency = Agency(
        " vptu ",
        nfd("Văn phòng  Tỉnh ủy"),
        aliases=(
            "VPTU",
            "Văn phòng Tỉnh uỷ",
            "",
            " Văn phòng Tỉnh ủy",
            "VP Tỉnh ủy Điện Biên",
            "VP  Tỉnh ủy Điện Biên",
        ),
    )
    assert agency.code == "VPTU"
    assert agency.name == "Văn phòng Tỉnh ủy"
    # Blanks and repeats of the name or of an alias (as shown) are dropped; other spellings
    # are kept even when they share the name's key: they record how a plan wrote the name.
    assert agency.aliases == ("VPTU", "Văn phòng Tỉnh uỷ", "VP Tỉnh ủy Điện Biên")
    assert agency.addressee_line == "Văn phòng Tỉnh ủy"
    assert Agency("X", "Sở Tài chính", addressee="Giám đốc Sở Tài chính").addressee_line == (
        "Giám đốc Sở Tài chính"
    )


def test_iteration_and_sorting() -> None:
    catalogue = fixture_catalogue()
    assert [a.code for a in catalogue] == ["VPTU", "UBKT", "BTC", "STC"]
    assert [a.code for a in catalogue.sorted()] == ["BTC", "STC", "UBKT", "VPTU"]
    assert "vptu" in catalogue and "Không có" not in catalogue


def test_missing_code_is_generated() -> None:
    catalogue = AgencyCatalogue([Agency("", "Ban Tổ chức Tỉnh ủy"), Agency("", "Ban Tổ chức")])
    assert sorted(a.code for a in catalogue) == ["BTC", "BTCTU"]


# ---------------------------------------------------------------- splitting


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Các cơ quan liên quan, nhà thầu", ["Các cơ quan liên quan", "nhà thầu"]),
        ("Sở Tài chính; Sở KH&CN", ["Sở Tài chính", "Sở KH&CN"]),
        ("Sở Tài chính\nSở Tư pháp", ["Sở Tài chính", "Sở Tư pháp"]),
        ("Các cơ quan Đảng từ cấp tỉnh đến cơ sở", ["Các cơ quan Đảng từ cấp tỉnh đến cơ sở"]),
        # two recipient groups; each starts like an agency
        (
            "Các cơ quan Đảng, các cơ quan trong hệ thống chính trị ",
            ["Các cơ quan Đảng", "các cơ quan trong hệ thống chính trị"],
        ),
        # a comma or "và" inside one official name does not split it
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Ban Tuyên giáo và Dân vận Tỉnh ủy", ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]),
        ("Sở Khoa học và Công nghệ, Sở Tài chính", ["Sở Khoa học và Công nghệ", "Sở Tài chính"]),
        (
            "Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội",
            ["Ủy ban Mặt trận Tổ quốc", "các tổ chức chính trị - xã hội"],
        ),
        ("UBND tỉnh, UBKT Tỉnh ủy", ["UBND tỉnh", "UBKT Tỉnh ủy"]),
        (
            "Văn phòng Tỉnh ủy (Phòng CNTT, Phòng Lưu trữ); Sở Tài chính",
            ["Văn phòng Tỉnh ủy (Phòng CNTT, Phòng Lưu trữ)", "Sở Tài chính"],
        ),
        ("Các xã, phường", ["Các xã, phường"]),
        ("Sở Tài chính; Sở Tài Chính;", ["Sở Tài chính"]),  # duplicates by key are dropped
        ("- Sở Tài chính;\n- Sở Tư pháp.", ["Sở Tài chính", "Sở Tư pháp."]),
        ("", []),
        (" ; \n ", []),
    ],
)
def test_split_agencies(text: str, parts: list[str]) -> None:
    assert split_agencies(text) == parts


def test_split_agencies_nfc() -> None:
    assert split_agencies(nfd("Sở Tài chính; Ủy ban nhân dân tỉnh")) == [
        "Sở Tài chính",
        "Ủy ban nhân dân tỉnh",
    ]


# ---------------------------------------------------------------- properties

VIETNAMESE_LETTERS = (
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)
words = st.text(
    alphabet=st.sampled_from(list(VIETNAMESE_LETTERS + "fjwz0123456789&-.,")),
    min_size=1,
    max_size=8,
)
word_lists = st.lists(words, min_size=1, max_size=6)
gaps = st.lists(st.sampled_from([" ", "  ", "\u00a0", "\t", " \u00a0 "]), min_size=1, max_size=3)


@given(st.text())
@settings(max_examples=500)
def test_key_is_idempotent_on_any_text(text: str) -> None:
    key = normalize_key(text)
    assert normalize_key(key) == key
    assert unicodedata.is_normalized("NFC", key)


@given(st.text())
@settings(max_examples=500)
def test_key_same_for_nfc_and_nfd(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    assert normalize_key(nfd(text)) == normalize_key(nfc) == normalize_key(text)


@given(word_lists)
def test_key_is_idempotent_on_vietnamese(ws: list[str]) -> None:
    key = normalize_key(" ".join(ws))
    assert normalize_key(key) == key


@given(word_lists)
def test_key_ignores_case(ws: list[str]) -> None:
    text = " ".join(ws)
    assert normalize_key(text.upper()) == normalize_key(text.lower()) == normalize_key(text)
    assert normalize_key(text.title()) == normalize_key(text)


@given(word_lists, st.data())
def test_key_ignores_extra_spaces(ws: list[str], data: st.DataObject) -> None:
    spaced = "".join(w + "".join(data.draw(gaps)) for w in ws)
    assert normalize_key(spaced) == normalize_key(" ".join(ws))


@given(word_lists)
def test_sort_key_is_consistent_with_nfd(ws: list[str]) -> None:
    text = " ".join(ws)
    assert sort_key(nfd(text)) == sort_key(text)


@given(st.text())
def test_helpers_never_raise(text: str) -> None:
    split_agencies(text)
    sort_key(text)
    display_name(text)
    make_code(text, set())


def test_named_in_whole_name_first_then_parts() -> None:
    cat = AgencyCatalogue(
        [
            Agency(code="SVHTTDL", name="Sở Văn hóa, Thể thao và Du lịch"),
            Agency(code="VPTU", name="Văn phòng Tỉnh ủy"),
        ]
    )
    whole = cat.named_in("Sở Văn hóa, Thể thao và Du lịch")
    assert [(n, a.code if a else None) for n, a in whole] == [
        ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL")
    ]
    parts = cat.named_in("Văn phòng Tỉnh ủy; Sở Không Có")
    assert [(n, a.code if a else None) for n, a in parts] == [
        ("Văn phòng Tỉnh ủy", "VPTU"),
        ("Sở Không Có", None),
    ]
    assert cat.named_in("  ") == []
