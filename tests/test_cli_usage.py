"""Usage mistakes get a Vietnamese message and exit code 2, never click's English text."""

from __future__ import annotations

import pytest

from xladdin.adapters.cli import main


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["import"], "Thiếu KẾ_HOẠCH.docx."),
        (["merge", "--bogus"], "Không có tùy chọn --bogus."),
        (["nope"], "Không có lệnh 'nope'."),
        (["recalc", "--today", "abc"], "ngày phải có dạng YYYY-MM-DD hoặc dd/mm/yyyy."),
    ],
)
def test_usage_errors_in_vietnamese(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Lỗi cách dùng:" in err and expected in err
    assert "Missing argument" not in err and "No such" not in err


def test_help_is_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cách dùng: theodoi [TÙY CHỌN] LỆNH [ĐỐI SỐ]...")
    assert "Lệnh:" in out and "Tùy chọn:" in out
