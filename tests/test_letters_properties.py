"""Hypothesis: arbitrary Unicode in what users type never breaks a letter.

Task contents, agency names, proposals and the signer's name go from the tracker's data
through the letter builders into Word. Whatever they hold (``&``, ``<``, quotes, line breaks,
tabs, ``{{ }}``, ``{_{``, control characters, astral-plane characters), the .docx must open
with python-docx and show the text exactly, minus the characters XML 1.0 cannot carry,
which are dropped (and with CR / CRLF read as line breaks).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from docxread import full_text, open_docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xladdin.core.layout import AGENCY_COLUMNS, CONFIG_COLUMNS, CONFIG_ITEMS, TASK_COLUMNS
from xladdin.core.letterhead import clean_text
from xladdin.core.letters import LetterKind, build_letters
from xladdin.core.table import records_frame
from xladdin.core.tracker import TrackerData, recalc
from xladdin.io import letters_io

TODAY = date(2026, 11, 21)

# Everything Python strings hold, the characters XML forbids and docxtpl's own markers included.
user_text = st.text(
    st.characters(codec=None, exclude_categories=("Cs",))
    | st.sampled_from("&<>\"'{}%_\n\r\t\x00\x0b"),
    max_size=40,
) | st.sampled_from(["{{ x }}", "{_{ a }_}", "{%p if %}", "a & b < c", "x\r\ny", "]]>"])


def _data(content: str, agency: str, proposal: str, signer: str) -> TrackerData:
    tasks = [
        {"key": "I", "tt": "I", "level": "Phần", "content": "Phần một"},
        {
            "key": "I.1",
            "tt": "1",
            "level": "Nhiệm vụ",
            "parent": "I",
            "content": content,
            "lead": "Ban Kiểm Thử",
            "coordinating": "Ban Phối Hợp",
            "timeframe": "Hoàn thành 30/6/2026",
            "due_date": date(2026, 6, 30),
            "deadline_kind": "Ngày cụ thể",
            "status": "Đang triển khai",
            "progress": 40,
            "difficulties": proposal,
            "proposals": proposal,
            "updated_at": datetime(2026, 10, 1),
        },
    ]
    agencies = [
        {"code": "BKT", "name": "Ban Kiểm Thử", "addressee": agency},
        {"code": "BPH", "name": "Ban Phối Hợp", "addressee": agency},
    ]
    config = [
        {"label": i.label, "value": signer if i.key == "signer_name" else i.default, "key": i.key}
        for i in CONFIG_ITEMS
    ]
    return TrackerData(
        tasks=records_frame(tasks, [c.field for c in TASK_COLUMNS]),
        agencies=records_frame(agencies, [c.field for c in AGENCY_COLUMNS]),
        config_table=records_frame(config, [c.field for c in CONFIG_COLUMNS]),
    )


@pytest.mark.parametrize("kind", list(LetterKind))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=user_text, agency=user_text, proposal=user_text, signer=user_text)
def test_user_text_never_breaks_a_letter(
    kind: LetterKind, content: str, agency: str, proposal: str, signer: str
) -> None:
    data = _data(content, agency, proposal, signer)
    catalogue = data.catalogue()
    plan = build_letters(kind, recalc(data, TODAY), catalogue, data.config)
    assert len(plan.letters) == (2 if kind is LetterKind.REQUEST else 1), plan.notes
    for letter in plan.letters:
        template = letters_io.template_path(letter.template)
        doc = open_docx(letters_io.render_docx(template, letter.context, letter.chart))
        text = full_text(doc)
        # Settings are read stripped; the addressee as the catalogue keeps it (NFC, spaces).
        expected = [clean_text(signer).strip(), clean_text(content)]
        if clean_text(proposal).strip() and kind is LetterKind.REPORT:
            expected.append(clean_text(proposal))
        agency_row = catalogue.get(letter.agency_code) if letter.agency_code else None
        if agency_row is not None:
            expected.append("Kính gửi: " + clean_text(agency_row.addressee_line))
        for part in expected:
            assert part in text, (part, text[-400:])


@settings(max_examples=40, deadline=None)
@given(name=user_text)
def test_agency_names_reach_the_chart_and_the_tables(name: str) -> None:
    """An agency's catalogue name (as the catalogue shows it) is printed and charted."""
    data = _data("Nội dung", "", "", "")
    data.agencies.loc[0, "name"] = name
    data.tasks.loc[1, "lead"] = name
    result = recalc(data, TODAY)
    letter = build_letters(LetterKind.REPORT, result, data.catalogue(), data.config).letters[0]
    assert letter.chart is not None
    doc = open_docx(
        letters_io.render_docx(
            letters_io.template_path(letter.template), letter.context, letter.chart
        )
    )
    shown = [a["name"] for a in letter.context["agencies"]]
    table = [r.cells[1].text for r in doc.tables[2].rows[1:]]
    assert table == shown
    assert len(doc.inline_shapes) == 1
