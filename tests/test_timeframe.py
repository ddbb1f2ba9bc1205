from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.core.timeframe import (
    KIND_LABELS,
    DeadlineKind,
    Timeframe,
    kind_from_label,
    parse_timeframe,
)

K = DeadlineKind

# Every timeframe text of the appendix of KeHoach_DienBien_2026.
FIXTURE_CASES = [
    ("Thường xuyên", K.ONGOING, None, None),
    ("Hoàn thành 30/01/2026", K.FIXED_DATE, None, date(2026, 1, 30)),
    ("Hoàn thành Qúy I/2026", K.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
    ("Hoàn thành Qúy II/2026", K.QUARTER, date(2026, 4, 1), date(2026, 6, 30)),
    ("Hoàn thành Qúy III/2026", K.QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
    ("Hoàn thành Qúy IV/2026", K.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
    ("Hoàn thành 30/6/2026", K.FIXED_DATE, None, date(2026, 6, 30)),
    ("Theo lộ trình của Trung ương", K.ROADMAP, None, None),
    ("Theo lộ trình triển khai các ứng dụng của Trung ương", K.ROADMAP, None, None),
]

FORM_CASES = [
    # fixed dates
    ("trước ngày 30/6/2026", K.FIXED_DATE, None, date(2026, 6, 30)),
    ("30-06-2026", K.FIXED_DATE, None, date(2026, 6, 30)),
    ("30.6.2026", K.FIXED_DATE, None, date(2026, 6, 30)),
    ("ngày 15 tháng 3 năm 2026", K.FIXED_DATE, None, date(2026, 3, 15)),
    ("Chậm nhất ngày 15/3/2026", K.FIXED_DATE, None, date(2026, 3, 15)),
    ("Đến ngày 29/02/2028", K.FIXED_DATE, None, date(2028, 2, 29)),
    ("Hoàn thành trước 31/12/2026.", K.FIXED_DATE, None, date(2026, 12, 31)),
    ("Hoan thanh 30/6/2026", K.FIXED_DATE, None, date(2026, 6, 30)),
    # quarters
    ("Quý III/2026", K.QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
    ("quý 3/2026", K.QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
    ("Quý 3 năm 2026", K.QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
    ("trong quý I/2026", K.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
    ("Hoàn thành trong Quý II năm 2026", K.QUARTER, date(2026, 4, 1), date(2026, 6, 30)),
    ("QUÝ IV/2026", K.QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
    ("Quí I/2026", K.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
    ("cuối quý II/2026", K.QUARTER, date(2026, 4, 1), date(2026, 6, 30)),
    # half years
    ("6 tháng đầu năm 2026", K.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30)),
    ("6 tháng cuối năm 2026", K.HALF_YEAR, date(2026, 7, 1), date(2026, 12, 31)),
    ("Sáu tháng đầu năm 2026", K.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30)),
    ("nửa đầu năm 2026", K.HALF_YEAR, date(2026, 1, 1), date(2026, 6, 30)),
    ("Nửa cuối năm 2026", K.HALF_YEAR, date(2026, 7, 1), date(2026, 12, 31)),
    # months
    ("Tháng 3/2026", K.MONTH, date(2026, 3, 1), date(2026, 3, 31)),
    ("tháng 03 năm 2026", K.MONTH, date(2026, 3, 1), date(2026, 3, 31)),
    ("Trong tháng 2/2028", K.MONTH, date(2028, 2, 1), date(2028, 2, 29)),
    ("6/2026", K.MONTH, date(2026, 6, 1), date(2026, 6, 30)),
    # years
    ("2026", K.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ("Năm 2026", K.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ("trong năm 2026", K.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ("Đến hết năm 2026", K.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ("cuối năm 2026", K.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    # ranges
    ("2025 - 2028", K.RANGE, date(2025, 1, 1), date(2028, 12, 31)),
    ("2025-2028", K.RANGE, date(2025, 1, 1), date(2028, 12, 31)),
    ("2025 – 2028", K.RANGE, date(2025, 1, 1), date(2028, 12, 31)),
    ("Giai đoạn 2026 - 2030", K.RANGE, date(2026, 1, 1), date(2030, 12, 31)),
    ("Từ năm 2026 đến năm 2030", K.RANGE, date(2026, 1, 1), date(2030, 12, 31)),
    ("Từ tháng 3 đến tháng 6/2026", K.RANGE, date(2026, 3, 1), date(2026, 6, 30)),
    ("Từ tháng 3 đến hết tháng 6/2026", K.RANGE, date(2026, 3, 1), date(2026, 6, 30)),
    ("tháng 3-6/2026", K.RANGE, date(2026, 3, 1), date(2026, 6, 30)),
    ("Quý I - Quý II/2026", K.RANGE, date(2026, 1, 1), date(2026, 6, 30)),
    ("Quý I-II/2026", K.RANGE, date(2026, 1, 1), date(2026, 6, 30)),
    ("Quý IV/2025 - Quý I/2026", K.RANGE, date(2025, 10, 1), date(2026, 3, 31)),
    ("Từ 01/3/2026 đến 30/6/2026", K.RANGE, date(2026, 3, 1), date(2026, 6, 30)),
    ("Từ 01/3 đến 30/6/2026", K.RANGE, date(2026, 3, 1), date(2026, 6, 30)),
    ("Từ đầu năm 2026 đến hết quý II/2026", K.RANGE, date(2026, 1, 1), date(2026, 6, 30)),
    ("Từ nay đến hết năm 2026", K.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ("Thời hạn: 30/6/2026", K.FIXED_DATE, None, date(2026, 6, 30)),
    # no fixed deadline
    ("Liên tục", K.ONGOING, None, None),
    ("Thường xuyên, liên tục", K.ONGOING, None, None),
    ("Thực hiện thường xuyên", K.ONGOING, None, None),
    ("Hàng tháng", K.RECURRING, None, None),
    ("Hằng tháng", K.RECURRING, None, None),
    ("Hằng năm", K.RECURRING, None, None),
    ("Hàng quý", K.RECURRING, None, None),
    ("Hằng quí", K.RECURRING, None, None),  # "quí" is "quý" wherever the parser meets it
    ("Định kỳ 6 tháng", K.RECURRING, None, None),
    ("Thường xuyên, hằng năm", K.RECURRING, None, None),
    # the qualifier refines the cycle; there is still no single due date
    ("Hằng năm, trước ngày 15/12", K.RECURRING, None, None),
    ("Theo hướng dẫn của Trung ương", K.ROADMAP, None, None),
    ("Theo tiến độ dự án", K.ROADMAP, None, None),
    ("Theo kế hoạch của UBND tỉnh", K.ROADMAP, None, None),
    ("Khi có hướng dẫn của Trung ương", K.ROADMAP, None, None),
    # the date inside the roadmap clause is the plan's issue date, not a deadline
    ("Theo Kế hoạch số 205-KH/TU ngày 10/4/2025", K.ROADMAP, None, None),
    # roadmap + one explicit deadline in another clause: the deadline wins
    ("Theo lộ trình, hoàn thành trước 30/6/2026", K.FIXED_DATE, None, date(2026, 6, 30)),
    ("Quý III/2026 theo lộ trình của Trung ương", K.QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
    ("Theo lộ trình (2026 - 2030)", K.RANGE, date(2026, 1, 1), date(2030, 12, 31)),
    # tolerated noise
    ("  Hoàn\u00a0thành\tQúy  I/2026 ;", K.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
    ("(Quý I/2026)", K.QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
    ("- Năm 2026", K.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
]

NEGATIVE_CASES = [
    None,
    "",
    "   ",
    "31/02/2026",  # invalid dates are never corrected
    "32/1/2026",
    "30/13/2026",
    "30/6/26",  # two-digit years are not accepted
    "Quý I/26",
    "Tháng 13/2026",
    "Quý V/2026",
    "Quý 0/2026",
    "Quý I",  # no year
    "Tháng 6",
    "6 tháng đầu năm",
    "2028 - 2025",  # ranges must be ordered
    "2026 - 2026",
    "Quý II - Quý I/2026",
    "Quý I/2026 - Tháng 3/2026",  # overlapping sides
    "Từ tháng 11 đến tháng 2/2026",  # the left year would be a guess
    "trước quý III/2026",  # before Q3 starts, or by its end?
    "trước năm 2027",
    "đầu năm 2026",
    "giữa năm 2026",
    "6 tháng năm 2026",
    "Năm 1800",
    "3-6/2026",
    "30/06-2026",  # mixed separators
    "Sớm",
    "Hoàn thành",
    "Đang triển khai",
    "Theo lộ trình, Quý I/2026, Quý II/2026",  # two different deadlines
    "Thường xuyên trong năm 2026",
    "Quý I/2026 hoặc Quý II/2026",
]


@pytest.mark.parametrize(("text", "kind", "start", "due"), FIXTURE_CASES + FORM_CASES)
def test_parse_known_forms(
    text: str, kind: DeadlineKind, start: date | None, due: date | None
) -> None:
    parsed = parse_timeframe(text)
    assert parsed.kind is kind
    assert parsed.due == due
    assert parsed.start == start
    assert parsed.has_fixed_deadline is (due is not None)


@pytest.mark.parametrize("text", NEGATIVE_CASES)
def test_unparsed_is_flagged_not_guessed(text: str | None) -> None:
    parsed = parse_timeframe(text)
    assert parsed.kind is K.UNPARSED
    assert parsed.due is None
    assert parsed.start is None
    assert not parsed.has_fixed_deadline


def test_text_is_kept_nfc_and_collapsed() -> None:
    parsed = parse_timeframe(unicodedata.normalize("NFD", "  Hoàn\u00a0thành \t Qúy I/2026 "))
    assert parsed.text == "Hoàn thành Qúy I/2026"
    assert parse_timeframe("Không rõ  thời hạn").text == "Không rõ thời hạn"
    assert parse_timeframe(None).text == ""


def test_fixed_date_has_no_start() -> None:
    assert parse_timeframe("30/6/2026").start is None


def test_labels_cover_every_kind_and_are_nfc() -> None:
    assert set(KIND_LABELS) == set(DeadlineKind)
    assert len(set(KIND_LABELS.values())) == len(KIND_LABELS)
    for label in KIND_LABELS.values():
        assert unicodedata.is_normalized("NFC", label)
    assert parse_timeframe("Quý I/2026").label == "Quý"


@pytest.mark.parametrize("kind", list(DeadlineKind))
def test_kind_from_label_roundtrip(kind: DeadlineKind) -> None:
    label = KIND_LABELS[kind]
    assert kind_from_label(label) is kind
    assert kind_from_label(f"  {label.upper()}  ") is kind
    assert kind_from_label(unicodedata.normalize("NFD", label)) is kind
    assert kind_from_label(label.replace(" ", "\u00a0 ")) is kind
    assert kind_from_label(kind.value) is kind


def test_kind_from_label_unknown() -> None:
    assert kind_from_label("") is None
    assert kind_from_label("Không biết") is None
    assert kind_from_label("Ngay cu the") is K.FIXED_DATE


def test_export_codes_are_stable() -> None:
    assert [k.value for k in DeadlineKind] == [
        "fixed_date",
        "quarter",
        "half_year",
        "month",
        "year",
        "range",
        "ongoing",
        "recurring",
        "roadmap",
        "unparsed",
    ]


# ---------------------------------------------------------------- properties


@dataclass(frozen=True)
class Expected:
    text: str
    kind: DeadlineKind
    start: date | None
    due: date
    period_start: date  # the period the text names; equals due for fixed dates


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


ROMAN = ["I", "II", "III", "IV"]
years = st.integers(1990, 2150)
prefixes = st.sampled_from(["", "Hoàn thành ", "hoàn thành trong ", "trong ", "đến ", "Chậm nhất "])


@st.composite
def period_texts(draw: st.DrawFn) -> Expected:
    shape = draw(st.sampled_from(["date", "quarter", "half", "month", "year", "years", "quarters"]))
    year = draw(years)
    if shape == "date":
        day = draw(st.dates(date(1990, 1, 1), date(2150, 12, 31)))
        sep = draw(st.sampled_from("/-."))
        d = draw(st.sampled_from([str(day.day), f"{day.day:02d}"]))
        m = draw(st.sampled_from([str(day.month), f"{day.month:02d}"]))
        lead = draw(st.sampled_from(["", "trước ngày ", "Hoàn thành trước ", "ngày "]))
        return Expected(f"{lead}{d}{sep}{m}{sep}{day.year}", K.FIXED_DATE, None, day, day)
    if shape == "quarter":
        q = draw(st.integers(1, 4))
        word = draw(st.sampled_from(["Quý", "Qúy", "quý", "QUÝ"]))
        number = draw(st.sampled_from([ROMAN[q - 1], str(q)]))
        sep = draw(st.sampled_from(["/", " năm ", " / "]))
        start = date(year, 3 * q - 2, 1)
        end = _month_end(year, 3 * q)
        return Expected(f"{draw(prefixes)}{word} {number}{sep}{year}", K.QUARTER, start, end, start)
    if shape == "half":
        first = draw(st.booleans())
        form = draw(st.sampled_from(["6 tháng {} năm", "nửa {} năm"]))
        text = form.format("đầu" if first else "cuối") + f" {year}"
        start = date(year, 1 if first else 7, 1)
        end = date(year, 6, 30) if first else date(year, 12, 31)
        return Expected(f"{draw(prefixes)}{text}", K.HALF_YEAR, start, end, start)
    if shape == "month":
        month = draw(st.integers(1, 12))
        form = draw(st.sampled_from(["Tháng {m}/{y}", "tháng {m:02d} năm {y}", "{m}/{y}"]))
        start = date(year, month, 1)
        text = form.format(m=month, y=year)
        return Expected(text, K.MONTH, start, _month_end(year, month), start)
    if shape == "year":
        form = draw(st.sampled_from(["{y}", "Năm {y}", "trong năm {y}"]))
        start = date(year, 1, 1)
        return Expected(form.format(y=year), K.YEAR, start, date(year, 12, 31), start)
    if shape == "years":
        last = draw(st.integers(year + 1, 2199))
        form = draw(
            st.sampled_from(
                ["{a} - {b}", "{a}-{b}", "Giai đoạn {a} - {b}", "Từ năm {a} đến năm {b}"]
            )
        )
        start = date(year, 1, 1)
        return Expected(form.format(a=year, b=last), K.RANGE, start, date(last, 12, 31), start)
    q1 = draw(st.integers(1, 3))
    q2 = draw(st.integers(q1 + 1, 4))
    form = draw(
        st.sampled_from(["Quý {a} - Quý {b}/{y}", "Quý {a}-{b}/{y}", "Từ quý {a} đến quý {b}/{y}"])
    )
    text = form.format(a=ROMAN[q1 - 1], b=ROMAN[q2 - 1], y=year)
    start = date(year, 3 * q1 - 2, 1)
    return Expected(text, K.RANGE, start, _month_end(year, 3 * q2), start)


@st.composite
def noisy(draw: st.DrawFn, text: str) -> str:
    """Spell the same text the way people paste it: odd spacing, case, NFD, punctuation."""
    spaced = " ".join(
        word + draw(st.sampled_from(["", " ", "\u00a0", "\t", "  "])) for word in text.split(" ")
    )
    case = draw(st.sampled_from(["as typed", "upper", "lower"]))
    cased = {"as typed": spaced, "upper": spaced.upper(), "lower": spaced.lower()}[case]
    tail = draw(st.sampled_from(["", ".", ";", " .", ","]))
    noisy_text = f" {cased}{tail} "
    return unicodedata.normalize("NFD", noisy_text) if draw(st.booleans()) else noisy_text


@given(period_texts(), st.data())
@settings(max_examples=400)
def test_due_lies_within_stated_period(expected: Expected, data: st.DataObject) -> None:
    text = data.draw(noisy(expected.text))
    parsed = parse_timeframe(text)
    assert parsed.kind is expected.kind, text
    assert parsed.due == expected.due
    assert parsed.start == expected.start
    assert parsed.due is not None
    if parsed.start is not None:
        assert parsed.start <= parsed.due
    assert expected.period_start <= parsed.due <= expected.due
    assert parsed.has_fixed_deadline


def _check_invariants(parsed: Timeframe) -> None:
    assert unicodedata.is_normalized("NFC", parsed.text)
    assert parsed.text == parsed.text.strip()
    assert "  " not in parsed.text
    assert parsed.has_fixed_deadline is (parsed.due is not None)
    if parsed.start is not None:
        assert parsed.due is not None and parsed.start <= parsed.due


@given(st.text())
@settings(max_examples=500)
def test_never_raises_on_any_text(text: str) -> None:
    _check_invariants(parse_timeframe(text))


# Fragments of real timeframes glued at random: reaches far deeper into the grammar than
# arbitrary Unicode does.
vietnamese_noise = st.lists(
    st.sampled_from(
        [
            *list("0123456789/-.,;() IVXivx\xa0"),
            "Quý ",
            "Qúy ",
            "năm ",
            "tháng ",
            "đến ",
            "Từ ",
            "trước ",
            "theo lộ trình",
            "Hoàn thành ",
            "2026",
            "2025",
            "30/6/",
            "6 tháng đầu ",
            "nửa cuối ",
            "Thường xuyên",
            "Hằng năm",
        ]
    ),
    max_size=12,
).map("".join)


@given(st.one_of(st.text(), vietnamese_noise))
@settings(max_examples=500)
def test_idempotent_and_normalisation_independent(text: str) -> None:
    parsed = parse_timeframe(text)
    _check_invariants(parsed)
    assert parse_timeframe(parsed.text) == parsed
    assert parse_timeframe(unicodedata.normalize("NFD", text)) == parsed
    assert parse_timeframe(unicodedata.normalize("NFC", text)) == parsed


@given(period_texts())
def test_structured_texts_are_idempotent(expected: Expected) -> None:
    parsed = parse_timeframe(expected.text)
    assert parse_timeframe(parsed.text) == parsed
    nfd = unicodedata.normalize("NFD", expected.text)
    assert parse_timeframe(nfd) == parsed
