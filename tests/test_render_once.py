"""Letters made from one run's template are the bytes of letters made one at a time.

Letters share one read, patched and compiled template (``LetterTemplates``); they must write
exactly the bytes of the one-at-a-time path, and a letter must not carry the last one's text.
(Forms: ``tests/test_form_writer.py``.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from docxread import full_text, open_docx
from letterdata import TODAY, reported_source, workspace_with

from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.core.letters import LetterKind, build_letters
from xladdin.core.tracker import recalc
from xladdin.io import letters_io


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> Path:
    return reported_source(tmp_path_factory.mktemp("src") / "ws", plan_docx)


def test_letters_from_one_compiled_template_are_the_bytes_of_letters_made_alone(
    source: Path, tmp_path: Path
) -> None:
    ws = workspace_with(source, tmp_path / "ws")
    data = read_data(open_tracker(ws.workbook))
    plan = build_letters(LetterKind.REQUEST, recalc(data, TODAY), data.catalogue(), data.config)
    letters = plan.letters[:4]
    assert len(letters) >= 3
    made = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    templates = letters_io.LetterTemplates()
    shared = []
    for letter in letters:
        path = letters_io.template_path(letter.template, ws.root)
        shared.append(templates.render(path, letter.context, letter.chart, created=made))
    alone = [
        letters_io.render_docx(
            letters_io.template_path(letter.template, ws.root),
            letter.context,
            letter.chart,
            created=made,
        )
        for letter in letters
    ]
    assert shared == alone
    # Each letter is addressed to its own agency, and no two letters read the same.
    texts = [full_text(open_docx(data_bytes)) for data_bytes in shared]
    for text, letter in zip(texts, letters, strict=True):
        assert "Kính gửi: " + letter.context["agency"]["addressee"] in text
    assert len(set(texts)) == len(texts)
