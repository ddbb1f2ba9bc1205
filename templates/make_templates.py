"""Developer script: write the three letter templates (.docx with jinja2 tags) into templates/.

    python templates/make_templates.py            # rewrite templates/*.docx
    python templates/make_templates.py --check    # exit 1 if a committed file differs

Run once to create the files; afterwards the .docx files are the source that office staff
edit in Word (wording, layout). Re-running overwrites their edits, so do it only when the
layout itself must be regenerated. Output is deterministic (fixed zip timestamps and
document properties), so an unchanged script gives byte-identical files.

The layout (Party document format) is built by ``docx_parts.py`` beside this script.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # run as a script: docx_parts sits beside it

from docx_parts import (  # noqa: E402
    ZIP_TIME,
    Align,
    Col,
    addressee,
    body,
    data_table,
    doc_title,
    fill,
    heading,
    letterhead,
    new_document,
    signature,
    slim,
    tag,
)

# -- the three templates ---------------------------------------------------------------------------
TASK_COLS = (
    Col("TT", "t.n", 9, Align.CENTER),
    Col("Mã NV", "t.key", 17, Align.CENTER),
    Col("Nội dung nhiệm vụ", "t.content", 87),
    Col("Thời gian thực hiện", "t.timeframe", 28, Align.CENTER),
    Col("Hạn hoàn thành", "t.due_date", 24, Align.CENTER),
)


def de_nghi_bao_cao() -> DocumentObject:
    doc = new_document("Công văn đề nghị báo cáo")
    letterhead(doc, "V/v báo cáo tiến độ thực hiện nhiệm vụ {{ period_label }}")
    addressee(doc, "{{ agency.addressee }}")
    body(
        doc,
        "Thực hiện {{ plan_ref }}, để tổng hợp, báo cáo {{ standing_committee }} kết quả "
        "thực hiện {{ period_label }}, {{ office_name }} đề nghị {{ agency.name }} báo cáo "
        "tiến độ, kết quả thực hiện các nhiệm vụ được giao, cụ thể như sau:",
    )
    tag(doc, "{%p if lead_tasks %}")
    body(doc, "1. Các nhiệm vụ do {{ agency.name }} chủ trì ({{ n_lead }} nhiệm vụ):", after=6)
    data_table(doc, "t", "lead_tasks", TASK_COLS)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if coordinated_tasks %}")
    body(
        doc,
        "{% if lead_tasks %}2{% else %}1{% endif %}. Các nhiệm vụ {{ agency.name }} phối hợp "
        "thực hiện ({{ n_coordinated }} nhiệm vụ, để biết và phối hợp):",
        after=6,
    )
    data_table(doc, "t", "coordinated_tasks", TASK_COLS)
    tag(doc, "{%p endif %}")
    body(
        doc,
        "Đề nghị {{ agency.name }} cập nhật vào phiếu báo cáo (tệp Excel gửi kèm công văn "
        "này), đối với từng nhiệm vụ chủ trì: trạng thái (chọn trong danh sách), tiến độ (số "
        "từ 0 đến 100%), kết quả thực hiện, khó khăn, vướng mắc và đề xuất, kiến nghị; không "
        "sửa các cột khác, không thêm, xóa hoặc đổi thứ tự các dòng, không đổi tên tệp.",
        before=12,
    )
    body(
        doc,
        "Phiếu báo cáo gửi lại dưới dạng tệp Excel qua thư điện tử về {{ office_name }} "
        "trước ngày {{ return_deadline }} để tổng hợp, báo cáo {{ standing_committee }}./.",
    )
    signature(doc, ("- Như trên,", "- Lưu Văn phòng."))
    return doc


def don_doc() -> DocumentObject:
    doc = new_document("Công văn đôn đốc thực hiện nhiệm vụ")
    letterhead(doc, "V/v đôn đốc thực hiện nhiệm vụ")
    addressee(doc, "{{ agency.addressee }}")
    body(
        doc,
        "Theo dõi việc thực hiện {{ plan_ref }}, tính đến ngày {{ today }}, {{ agency.name }} "
        "có {{ n_tasks }} nhiệm vụ chủ trì cần tập trung chỉ đạo, trong đó {{ tasks_summary }} "
        "(chi tiết tại bảng dưới đây).",
        after=6,
    )
    data_table(
        doc,
        "t",
        "tasks",
        (
            Col("TT", "t.n", 8, Align.CENTER),
            Col("Mã NV", "t.key", 16, Align.CENTER),
            Col("Nội dung nhiệm vụ", "t.content", 49),
            Col("Hạn hoàn thành", "t.due_date", 24, Align.CENTER),
            Col("Số ngày quá hạn", "t.days_late", 16, Align.CENTER),
            Col("Tình trạng", "t.state", 24, Align.CENTER),
            Col("Báo cáo gần nhất", "t.last_report", 28, Align.CENTER),
        ),
    )
    body(
        doc,
        "Để bảo đảm tiến độ chung của kế hoạch, {{ office_name }} đề nghị {{ agency.name }} "
        "khẩn trương chỉ đạo thực hiện các nhiệm vụ nêu trên; báo cáo tiến độ, kết quả thực "
        "hiện và khó khăn, vướng mắc (nếu có) về {{ office_name }} trước ngày "
        "{{ return_deadline }} để tổng hợp, báo cáo {{ standing_committee }}./.",
        before=12,
    )
    signature(doc, ("- Như trên,", "- Lưu Văn phòng."))
    return doc


def bao_cao_tong_hop() -> DocumentObject:
    doc = new_document("Báo cáo tổng hợp tiến độ thực hiện nhiệm vụ")
    # A báo cáo, not a công văn: no "V/v" line and no "Kính gửi"; its type name and subject
    # are its title, and its number carries "-BC/" (the "letter_suffix" the report is given).
    letterhead(doc, None)
    doc_title(doc, "BÁO CÁO", "tiến độ thực hiện kế hoạch {{ period_label }}")
    body(
        doc,
        "Thực hiện {{ plan_ref }}, {{ office_name }} tổng hợp tiến độ thực hiện các nhiệm vụ "
        "{{ period_label }} (số liệu tính đến ngày {{ today }}) như sau:",
    )
    heading(doc, "1. Kết quả chung")
    body(
        doc,
        "Kế hoạch có {{ plan.tasks }} nhiệm vụ; đã hoàn thành {{ plan.completed }} nhiệm vụ "
        "(đạt {{ plan.completion_rate }}), trong đó {{ plan.completed_on_time }} nhiệm vụ "
        "hoàn thành đúng hạn, {{ plan.completed_late }} nhiệm vụ hoàn thành quá hạn. Hiện còn "
        "{{ plan.overdue }} nhiệm vụ quá hạn, {{ plan.due_soon }} nhiệm vụ sắp đến hạn; "
        "{{ plan.no_fixed_deadline }} nhiệm vụ thực hiện thường xuyên, định kỳ hoặc theo lộ "
        "trình; {{ plan.not_reported }} nhiệm vụ chưa được báo cáo trong kỳ. Tiến độ bình quân "
        "đạt {{ plan.mean_progress }}%.",
    )
    tag(doc, "{%p if since %}")
    body(doc, "{{ since }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if trend_chart %}")
    fill(doc.add_paragraph(), "{{ trend_chart }}", align=Align.CENTER, before=6, after=6)
    tag(doc, "{%p endif %}")
    heading(doc, "2. Tiến độ theo phần của kế hoạch")
    fill(doc.add_paragraph(), "", size=6)
    data_table(
        doc,
        "s",
        "sections",
        (
            Col("Phần", "s.key", 12, Align.CENTER),
            Col("Nội dung", "s.title", 56),
            Col("Số nhiệm vụ", "s.tasks", 16, Align.CENTER),
            Col("Hoàn thành", "s.completed", 17, Align.CENTER),
            Col("Quá hạn", "s.overdue", 15, Align.CENTER),
            Col("Sắp đến hạn", "s.due_soon", 16, Align.CENTER),
            Col("Tiến độ (%)", "s.progress", 17, Align.CENTER),
            Col("Tỷ lệ hoàn thành", "s.completion_rate", 16, Align.CENTER),
        ),
    )
    heading(doc, "3. Tiến độ theo cơ quan chủ trì")
    fill(doc.add_paragraph(), "", size=6)
    data_table(
        doc,
        "a",
        "agencies",
        (
            Col("TT", "a.n", 9, Align.CENTER),
            Col("Cơ quan chủ trì", "a.name", 46),
            Col("Số nhiệm vụ", "a.tasks", 14, Align.CENTER),
            Col("Hoàn thành", "a.completed", 16, Align.CENTER),
            Col("Quá hạn", "a.overdue", 14, Align.CENTER),
            Col("Sắp đến hạn", "a.due_soon", 15, Align.CENTER),
            Col("Chưa báo cáo", "a.not_reported", 17, Align.CENTER),
            Col("Tỷ lệ hoàn thành", "a.completion_rate", 17, Align.CENTER),
            Col("Tiến độ bình quân (%)", "a.mean_progress", 17, Align.CENTER),
        ),
    )
    fill(doc.add_paragraph(), "{{ chart }}", align=Align.CENTER, before=12, after=6)
    heading(doc, "4. Nhiệm vụ quá hạn")
    tag(doc, "{%p if overdue %}")
    fill(doc.add_paragraph(), "", size=6)
    data_table(
        doc,
        "o",
        "overdue",
        (
            Col("TT", "o.n", 8, Align.CENTER),
            Col("Mã NV", "o.key", 16, Align.CENTER),
            Col("Nội dung nhiệm vụ", "o.content", 55),
            Col("Cơ quan chủ trì", "o.lead", 29, Align.CENTER),
            Col("Hạn hoàn thành", "o.due_date", 24, Align.CENTER),
            Col("Số ngày quá hạn", "o.days_late", 16, Align.CENTER),
            Col("Tiến độ (%)", "o.progress", 17, Align.CENTER),
        ),
    )
    tag(doc, "{%p else %}")
    body(doc, "Không có nhiệm vụ quá hạn.")
    tag(doc, "{%p endif %}")
    for number, title, items, none in (
        (
            5,
            "Khó khăn, vướng mắc",
            "difficulties",
            "Các cơ quan chưa phản ánh khó khăn, vướng mắc.",
        ),
        (6, "Đề xuất, kiến nghị", "proposals", "Các cơ quan chưa có đề xuất, kiến nghị."),
    ):
        heading(doc, f"{number}. {title}")
        tag(doc, f"{{%p for d in {items} %}}")
        body(doc, "- {{ d.lead }} (nhiệm vụ {{ d.key }}): {{ d.text }}")
        tag(doc, "{%p endfor %}")
        tag(doc, f"{{%p if not {items} %}}")
        body(doc, none)
        tag(doc, "{%p endif %}")
    body(doc, "{{ office_name }} kính báo cáo {{ standing_committee }}./.", before=12)
    # No "Kính gửi" above, so no "Như trên": the Standing Committee is named here.
    signature(
        doc,
        ("- {{ standing_committee }} (để báo cáo),", "- Lãnh đạo Văn phòng,", "- Lưu Văn phòng."),
    )
    return doc


TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "de_nghi_bao_cao": de_nghi_bao_cao,
    "don_doc": don_doc,
    "bao_cao_tong_hop": bao_cao_tong_hop,
}


def to_bytes(doc: DocumentObject) -> bytes:
    """The .docx with every text run space-preserving, only the styles it uses (:func:`slim`)
    and fixed zip timestamps."""
    for t in doc.element.iter(qn("w:t")):
        t.set(qn("xml:space"), "preserve")
    slim(doc)
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def build_all() -> dict[str, bytes]:
    return {f"{name}.docx": to_bytes(make()) for name, make in TEMPLATES.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--out", type=Path, default=HERE, help="target folder")
    args = parser.parse_args(argv)
    stale = []
    for name, data in build_all().items():
        target = args.out / name
        if args.check:
            if not target.exists() or target.read_bytes() != data:
                stale.append(name)
            continue
        target.write_bytes(data)
        print(f"wrote {target} ({len(data):,} bytes)")
    if stale:
        print("differs from the script's output: " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
