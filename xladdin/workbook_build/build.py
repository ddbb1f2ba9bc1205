"""Build ``workbook/TheoDoiNhiemVu.xlsm`` from the text sources, without Excel.

The sheet layout comes from :mod:`xladdin.core.layout`, the ribbon XML and its VBA
callbacks from the button list in :mod:`xladdin.core.ribbon`, the VBA project from
pyOpenVBA (:mod:`.vba_project`). Every part is generated
here and zipped with a fixed timestamp, so the same sources always give the same bytes
and nobody has to edit the binary by hand.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..core.layout import (
    AGENCY_COLUMNS,
    CHECK_COLUMNS,
    CONFIG_COLUMNS,
    CONFIG_ITEMS,
    LOG_COLUMNS,
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_SUMMARY,
    SHEET_TASKS,
    SHEET_XLWINGS,
    STATUSES,
    TASK_COLUMNS,
    Column,
)
from ..core.printing import PRINTED_SHEETS, printed_columns, row_height
from ..core.table import col_letter
from ..io.chartxml import CT_CHART, CT_DRAWING
from ..io.sheetxml import cell_xml
from .printsetup import defined_names, legend_cells, legend_cols, table_page_xml
from .ribbon import ribbon_module, ribbon_xml
from .styles import (
    HEAD,
    NS,
    STYLE_BY_KIND,
    STYLE_HEADER,
    STYLE_TITLE,
    STYLES,
    conditional_xml,
)
from .summary_sheet import summary_last_printed_col, summary_parts, summary_sheet_xml
from .vba_project import build_vba_project

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKBOOK_PATH = Path(__file__).resolve().parents[2] / "workbook" / "TheoDoiNhiemVu.xlsm"


@dataclass(frozen=True)
class SheetSpec:
    name: str
    code_name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]] = ()
    autofilter: bool = True
    hidden: bool = False
    validations: str = ""
    title: str = ""
    conditional: str = ""
    legend: bool = False  # the row colours' legend right of the header row


def _row_height(columns: Sequence[Column], values: Sequence[object]) -> str:
    """`` ht="…"`` for a template row whose wrapped text needs more than one line."""
    height = row_height(
        (v, c.width)
        for c, v in zip(columns, values, strict=True)
        if c.kind == "wrap" and isinstance(v, str)
    )
    return f' ht="{height:g}"' if height is not None else ""


def _legend_col(columns: Sequence[Column]) -> int:
    return len(columns) + 2  # one empty column between the table and the legend


def _cols(columns: Sequence[Column], legend: bool = False) -> str:
    out = []
    for i, c in enumerate(columns, start=1):
        out.append(
            f'<col min="{i}" max="{i}" width="{c.width}" style="{STYLE_BY_KIND[c.kind]}" customWidth="1"/>'
        )
    if legend:
        out.append(legend_cols(_legend_col(columns)))
    return f"<cols>{''.join(out)}</cols>" if out else ""


def _task_validations() -> str:
    fields = [c.field for c in TASK_COLUMNS]
    status = col_letter(fields.index("status") + 1)
    progress = col_letter(fields.index("progress") + 1)
    weight = col_letter(fields.index("weight") + 1)
    choices = escape('"' + ",".join(STATUSES) + '"')
    return (
        '<dataValidations count="3">'
        f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
        f'errorTitle="Trạng thái" error="Chọn một trạng thái trong danh sách." '
        f'sqref="{status}2:{status}20000"><formula1>{choices}</formula1></dataValidation>'
        f'<dataValidation type="decimal" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
        f'errorTitle="Tiến độ" error="Tiến độ là số từ 0 đến 100." promptTitle="Tiến độ (%)" '
        f'prompt="Nhập số từ 0 đến 100." sqref="{progress}2:{progress}20000">'
        "<formula1>0</formula1><formula2>100</formula2></dataValidation>"
        f'<dataValidation type="decimal" operator="greaterThanOrEqual" allowBlank="1" '
        f'showErrorMessage="1" errorTitle="Trọng số" error="Trọng số là số không âm." '
        f'sqref="{weight}2:{weight}20000"><formula1>0</formula1></dataValidation>'
        "</dataValidations>"
    )


def _sheet_xml(spec: SheetSpec, selected: bool) -> str:
    ncols = max(len(spec.columns), 1)
    last = col_letter(ncols)
    rows = []
    if spec.title:
        rows.append(f'<row r="1">{cell_xml("A1", spec.title, STYLE_TITLE)}</row>')
    elif spec.columns:
        cells = "".join(
            cell_xml(f"{col_letter(i)}1", c.header, STYLE_HEADER)
            for i, c in enumerate(spec.columns, 1)
        )
        if spec.legend:
            cells += legend_cells(_legend_col(spec.columns))
        rows.append(f'<row r="1" ht="33" customHeight="1">{cells}</row>')
    for n, values in enumerate(spec.rows, start=2):
        cells = "".join(
            cell_xml(f"{col_letter(i)}{n}", v, STYLE_BY_KIND[c.kind])
            for i, (c, v) in enumerate(zip(spec.columns, values, strict=True), 1)
        )
        rows.append(f'<row r="{n}"{_row_height(spec.columns, values)}>{cells}</row>')
    nrows = len(spec.rows) + 1
    pane = (
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        if spec.columns and not spec.title
        else ""
    )
    tab = ' tabSelected="1"' if selected else ""
    autofilter = f'<autoFilter ref="A1:{last}{nrows}"/>' if spec.autofilter and spec.columns else ""
    return (
        HEAD
        + f"<worksheet {NS}>"
        + f'<sheetPr codeName="{spec.code_name}"><pageSetUpPr fitToPage="1"/></sheetPr>'
        + f'<dimension ref="A1:{last}{nrows}"/>'
        + f'<sheetViews><sheetView workbookViewId="0"{tab}>{pane}</sheetView></sheetViews>'
        + '<sheetFormatPr defaultRowHeight="15.75"/>'
        + _cols(spec.columns, spec.legend)
        + f"<sheetData>{''.join(rows)}</sheetData>"
        + autofilter
        + spec.conditional
        + spec.validations
        + _page(spec)
        + "</worksheet>"
    )


def _page(spec: SheetSpec) -> str:
    if spec.name in PRINTED_SHEETS:
        return table_page_xml(spec.name, spec.columns)
    return (
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
    )


XLWINGS_CONF = (
    ("Interpreter_Win", ""),
    ("Interpreter_Mac", ""),
    ("PYTHONPATH", ""),
    ("Conda Path", ""),
    ("Conda Env", ""),
    ("UDF Modules", ""),
    ("Debug UDFs", False),
    # Clicks reuse one running Python (xlwings' COM server) instead of starting one per click,
    # so only the first click pays the imports; after upgrading the package, close Excel (or
    # end pythonw.exe) so the next click starts the new code (README, "Cập nhật phần mềm").
    ("Use UDF Server", True),
    ("Show Console", False),
)


def sheet_specs() -> list[SheetSpec]:
    config_rows = [(i.label, i.default, i.help, i.key) for i in CONFIG_ITEMS]
    conf_cols = (Column("k", "Interpreter_Win", 22), Column("v", "", 60))
    return [
        SheetSpec(
            SHEET_TASKS,
            "Sheet1",
            TASK_COLUMNS,
            validations=_task_validations(),
            conditional=conditional_xml(SHEET_TASKS, TASK_COLUMNS, row_colours=True),
            legend=True,
        ),
        SheetSpec(
            SHEET_AGENCIES,
            "Sheet2",
            AGENCY_COLUMNS,
            conditional=conditional_xml(SHEET_AGENCIES, AGENCY_COLUMNS, row_colours=False),
        ),
        # Built by build_summary (blocks side by side, a chart): no table columns here.
        SheetSpec(SHEET_SUMMARY, "Sheet3", (), autofilter=False),
        SheetSpec(SHEET_CHECKS, "Sheet4", CHECK_COLUMNS),
        SheetSpec(SHEET_LOG, "Sheet5", LOG_COLUMNS),
        SheetSpec(
            SHEET_CONFIG,
            "Sheet6",
            CONFIG_COLUMNS,
            rows=config_rows,
            autofilter=False,
            conditional=conditional_xml(SHEET_CONFIG, CONFIG_COLUMNS, row_colours=False),
        ),
        SheetSpec(
            SHEET_XLWINGS,
            "Sheet7",
            conf_cols,
            rows=[(k, v) for k, v in XLWINGS_CONF[1:]],
            autofilter=False,
            hidden=True,
        ),
    ]


def _content_types(n_sheets: int, vba: bool) -> str:
    main = (
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
        if vba
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    )
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n_sheets + 1)
    )
    charts = (
        f'<Override PartName="/xl/drawings/drawing1.xml" ContentType="{CT_DRAWING}"/>'
        f'<Override PartName="/xl/charts/chart1.xml" ContentType="{CT_CHART}"/>'
    )
    vba_default = (
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
        if vba
        else ""
    )
    return (
        HEAD
        + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        + '<Default Extension="xml" ContentType="application/xml"/>'
        + vba_default
        + f'<Override PartName="/xl/workbook.xml" ContentType="{main}"/>'
        + sheets
        + charts
        + '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + '<Override PartName="/docProps/core.xml" ContentType="application/'
        'vnd.openxmlformats-package.core-properties+xml"/>'
        + '<Override PartName="/docProps/app.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.extended-properties+xml"/>' + "</Types>"
    )


def _root_rels(ribbon: bool) -> str:
    ui = (
        '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2007/relationships/'
        'ui/extensibility" Target="customUI/customUI14.xml"/>'
        if ribbon
        else ""
    )
    return (
        HEAD
        + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        + '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
        'metadata/core-properties" Target="docProps/core.xml"/>'
        + f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/>'
        + ui
        + "</Relationships>"
    )


def _workbook_xml(specs: Sequence[SheetSpec]) -> str:
    hidden = ' state="hidden"'
    sheets = "".join(
        f'<sheet name={quoteattr(s.name)} sheetId="{i}"{hidden if s.hidden else ""} r:id="rId{i}"/>'
        for i, s in enumerate(specs, 1)
    )
    printed = [
        (
            s.name,
            summary_last_printed_col()
            if s.name == SHEET_SUMMARY
            else len(printed_columns(s.name, s.columns)),
        )
        for s in specs
    ]
    titles = defined_names(printed)
    return (
        HEAD
        + f"<workbook {NS}>"
        + '<workbookPr codeName="ThisWorkbook" defaultThemeVersion="164011"/>'
        + '<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="28800" windowHeight="15000"'
        ' activeTab="0"/></bookViews>'
        + f"<sheets>{sheets}</sheets>"
        + f"<definedNames>{titles}</definedNames>"
        + '<calcPr calcId="191029" fullCalcOnLoad="1"/>'
        + "</workbook>"
    )


def _workbook_rels(n: int, vba: bool) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, n + 1)
    )
    rels += f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
    if vba:
        rels += (
            f'<Relationship Id="rId{n + 2}" Type="http://schemas.microsoft.com/office/2006/'
            'relationships/vbaProject" Target="vbaProject.bin"/>'
        )
    return (
        HEAD
        + f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
    )


CORE = (
    HEAD
    + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>Sổ theo dõi thực hiện nhiệm vụ</dc:title><dc:creator>TheoDoiNhiemVu</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)
APP = (
    HEAD
    + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity></Properties>"
)


def build_workbook_bytes(*, vba_project: bytes | None, ribbon_xml: bytes | None) -> bytes:
    """The whole package; ``vba_project`` None gives a macro-free .xlsx (tests)."""
    specs = sheet_specs()
    vba = vba_project is not None
    parts: list[tuple[str, bytes]] = [
        ("[Content_Types].xml", _content_types(len(specs), vba).encode()),
        ("_rels/.rels", _root_rels(ribbon_xml is not None).encode()),
        ("docProps/app.xml", APP.encode()),
        ("docProps/core.xml", CORE.encode()),
        ("xl/workbook.xml", _workbook_xml(specs).encode()),
        ("xl/_rels/workbook.xml.rels", _workbook_rels(len(specs), vba).encode()),
        ("xl/styles.xml", STYLES.encode()),
    ]
    for i, spec in enumerate(specs, 1):
        part = f"xl/worksheets/sheet{i}.xml"
        if spec.name == SHEET_SUMMARY:
            parts.append((part, summary_sheet_xml(spec.code_name, i == 1).encode()))
            parts += summary_parts(part)
        else:
            parts.append((part, _sheet_xml(spec, i == 1).encode()))
    if vba_project is not None:
        parts.append(("xl/vbaProject.bin", vba_project))
    if ribbon_xml is not None:
        parts.append(("customUI/customUI14.xml", ribbon_xml))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def vba_modules() -> dict[str, str]:
    """The standard modules after ThisWorkbook and the sheets' document modules: xlwings'
    standalone module and the ribbon's callbacks."""
    import xlwings

    # The embedded xlwings module must match the installed xlwings (it checks its version),
    # which is why pyproject pins xlwings exactly. Read as bytes: the file's CRLFs are kept.
    xlwings_bas = Path(xlwings.__file__).with_name("xlwings.bas").read_bytes().decode("cp1252")
    return {"xlwings": xlwings_bas, "Ribbon": ribbon_module()}


def build_workbook() -> bytes:
    """The shipped tracker: layout, VBA project and ribbon (from :mod:`xladdin.core.ribbon`)."""
    vba = build_vba_project(build_workbook_bytes(vba_project=None, ribbon_xml=None), vba_modules())
    return build_workbook_bytes(vba_project=vba, ribbon_xml=ribbon_xml())
