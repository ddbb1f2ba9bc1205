"""Letters on disk: templates in, .docx (and .pdf) out. The only module that touches them.

Rendering is docxtpl (jinja2 inside the Word XML) with autoescape on and a ``finalize`` hook
that escapes every value itself, so user text is data: ``&``, ``<``, quotes and ``{{ }}``
come out literally. The hook also writes ``_`` as ``&#95;``, because docxtpl turns ``{_{``,
``}_}``, ``{_%`` and ``%_}`` into ``{{``/``}}``/``{%``/``%}`` *after* rendering, which would
change a value containing them. Line breaks and tabs in values become Word breaks and tabs
(docxtpl resolves ``\\n`` and ``\\t`` in every rendered text). Undefined variables raise, so a
typo in an edited template is reported instead of leaving a silent gap.

Every letter is stamped as a Word 2013+ document (``compatibilityMode`` 15, so Word does not
open it in "Compatibility Mode", whatever the template was saved as) and with the moment it
was made as its creation and modification time (not the template's).

PDF comes from LibreOffice headless, with a throw-away profile so a LibreOffice the user has
open is not disturbed.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import warnings
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from ..core.chart import Chart
from ..core.errors import DiskFullError, OutputError, TemplateError, ToolMissingError
from . import files
from .workspace import bundled

TEMPLATE_PACKAGE = "xladdin._templates"
OVERRIDE_FOLDER = "templates"  # <workspace>/templates/<name>.docx replaces the bundled one
CHART_WIDTH_MM = 160
CHART_FONTS = ("Times New Roman", "Liberation Serif", "Tinos", "DejaVu Serif")
CONVERT_TIMEOUT = 300  # seconds for one LibreOffice run (all letters of a command)

PDF_INSTALL_HINT = (
    "Không tìm thấy LibreOffice để chuyển công văn sang PDF.\n"
    "Cài LibreOffice rồi chạy lại:\n"
    "  • Windows, macOS: tải tại https://www.libreoffice.org/download/ và cài như bình thường;\n"
    "  • Ubuntu, Debian: sudo apt-get install libreoffice-writer-nogui fonts-liberation2;\n"
    "  • hoặc đặt biến môi trường THEODOI_SOFFICE là đường dẫn tới tệp soffice.\n"
    "Bỏ --pdf để chỉ lập bản Word (.docx)."
)


# -- templates -------------------------------------------------------------------------------
def template_path(name: str, workspace_root: Path | None = None) -> Path:
    """The workspace's own ``templates/<name>.docx`` if there is one, else the bundled one."""
    if workspace_root is not None:
        own = Path(workspace_root) / OVERRIDE_FOLDER / f"{name}.docx"
        if own.is_file():
            return own
    return bundled(TEMPLATE_PACKAGE, f"{name}.docx")


def _finalize(value: Any) -> Any:
    from markupsafe import Markup, escape

    if value is None:
        return ""
    if hasattr(value, "__html__"):  # InlineImage, Listing, RichText: already Word XML
        return value
    return Markup(str(escape(str(value))).replace("_", "&#95;"))


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(autoescape=True, finalize=_finalize, undefined=jinja2.StrictUndefined)


@functools.cache
def _compiling_once() -> Any:
    """The class of :func:`_environment` keeping what it compiles: docxtpl asks for each part
    of a template with ``from_string`` on every render, and the source is the same each time."""
    import jinja2

    class CompilingOnce(jinja2.Environment):
        def __init__(self) -> None:
            super().__init__(autoescape=True, finalize=_finalize, undefined=jinja2.StrictUndefined)
            self.compiled: dict[str, jinja2.Template] = {}

        def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            template = self.compiled.get(source)
            if template is None:
                template = self.compiled[source] = super().from_string(source)
            return template

    return CompilingOnce


@functools.cache
def _template_class() -> Any:
    """docxtpl's template, keeping its clean-up of each part's XML (a pure function of the
    part) in ``patched``, which the templates of one run share."""
    from docxtpl import DocxTemplate

    class Template(DocxTemplate):
        patched: dict[str, str] | None = None

        def patch_xml(self, src_xml: str) -> str:
            if self.patched is None:
                return str(super().patch_xml(src_xml))
            done = self.patched.get(src_xml)
            if done is None:
                done = self.patched[src_xml] = str(super().patch_xml(src_xml))
            return done

        def resolve_listing(self, xml: str) -> str:
            # docxtpl turns tabs, line breaks, \a and \f inside text into Word's runs; a part
            # without any of them comes back unchanged, so its costly regex pass is skipped.
            if not any(ch in xml for ch in "\t\a\n\f"):
                return xml
            return str(super().resolve_listing(xml))

    return Template


def _open_template(
    source: Path | IO[bytes], path: Path, patched: dict[str, str] | None = None
) -> Any:
    """A docxtpl template read from ``source`` (``path`` names it in messages)."""
    from docx.opc.exceptions import PackageNotFoundError

    try:
        tpl = _template_class()(str(source) if isinstance(source, Path) else source)
        tpl.patched = patched
        tpl.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateError(
            f"Không mở được mẫu công văn {path}: tệp không phải Word (.docx) hoặc đã hỏng."
        ) from exc
    return tpl


def template_variables(path: Path) -> set[str]:
    """Top-level names a template uses (for the README check and for staff)."""
    import jinja2

    try:
        return set(_open_template(path, path).get_undeclared_template_variables(_environment()))
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(path, exc) from exc


def _syntax_error(path: Path, exc: Any) -> TemplateError:
    around = " ".join(" ".join(getattr(exc, "docx_context", []) or []).split())
    where = f" Gần đoạn: “{around[:200]}”." if around else ""
    return TemplateError(
        f"Mẫu công văn {path.name} có thẻ {{{{ … }}}} hoặc {{% … %}} viết sai: "
        f"{exc.message}.{where} Sửa mẫu trong Word rồi chạy lại."
    )


# Word 2013 and later; a lower value (python-docx's own default template says 14) makes Word
# open the file in "Compatibility Mode" and lay it out with older rules.
WORD_COMPAT_MODE = 15
_WORD_URI = "http://schemas.microsoft.com/office/word"


def stamp_docx(document: Any, created: datetime) -> None:
    """Mark a python-docx document as current Word's and made at ``created`` (UTC)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = document.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        settings.append(compat)  # schema position: python-docx templates always have one
    mode = next(
        (
            el
            for el in compat.findall(qn("w:compatSetting"))
            if el.get(qn("w:name")) == "compatibilityMode"
        ),
        None,
    )
    if mode is None:
        mode = OxmlElement("w:compatSetting")
        mode.set(qn("w:name"), "compatibilityMode")
        mode.set(qn("w:uri"), _WORD_URI)
        compat.append(mode)
    mode.set(qn("w:val"), str(WORD_COMPAT_MODE))
    props = document.core_properties
    # python-docx writes the value as UTC ("…Z") without converting it, so hand it UTC.
    moment = created.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = moment
    props.revision = 1


class LetterTemplates:
    """The letter templates of one run, each read and compiled once.

    A run makes up to one letter per agency from the same template. docxtpl would re-read
    the .docx, re-patch its XML and have jinja2 recompile every part for each letter; here
    the file's bytes, the patched XML and the compiled jinja2 templates are kept for the
    run, so each letter only renders and saves."""

    def __init__(self) -> None:
        self._files: dict[Path, bytes] = {}
        self._patched: dict[str, str] = {}
        self._environment = _compiling_once()()

    def _open(self, path: Path) -> Any:
        data = self._files.get(path)
        if data is None:
            try:
                data = self._files[path] = Path(path).read_bytes()
            except OSError as exc:
                raise TemplateError(
                    f"Không mở được mẫu công văn {path}: tệp không phải Word (.docx) hoặc đã hỏng."
                ) from exc
        return _open_template(io.BytesIO(data), path, self._patched)

    def render(
        self,
        template: Path,
        context: Mapping[str, Any],
        chart: Chart | None = None,
        *,
        created: datetime | None = None,
        trend: Chart | None = None,
    ) -> bytes:
        """The filled-in letter as .docx bytes, made at ``created`` (default: now); ``trend``:
        the report's completion rate per closed period (``{{ trend_chart }}``)."""
        import jinja2
        from docx.shared import Mm
        from docxtpl import InlineImage

        tpl = self._open(template)

        def picture(drawn: Chart | None, width_mm: float) -> Any:
            if drawn is None:
                return ""
            return InlineImage(tpl, io.BytesIO(chart_png(drawn)), width=Mm(width_mm))

        values = dict(context)
        values["chart"] = picture(chart, CHART_WIDTH_MM)
        values["trend_chart"] = picture(trend, CHART_WIDTH_MM * 0.8)
        try:
            tpl.render(values, self._environment, autoescape=True)
        except jinja2.UndefinedError as exc:
            raise TemplateError(
                f"Mẫu công văn {template.name} dùng biến không có ({exc.message}). "
                "Danh sách biến dùng được: README, mục “Công văn”."
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise _syntax_error(template, exc) from exc
        except jinja2.TemplateError as exc:
            raise TemplateError(f"Không điền được mẫu công văn {template.name}: {exc}") from exc
        stamp_docx(tpl.docx, created or datetime.now(UTC))
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()


def render_docx(
    template: Path,
    context: Mapping[str, Any],
    chart: Chart | None = None,
    *,
    created: datetime | None = None,
    trend: Chart | None = None,
) -> bytes:
    """One letter on its own (a run of many uses one :class:`LetterTemplates`)."""
    return LetterTemplates().render(template, context, chart, created=created, trend=trend)


# -- the chart ---------------------------------------------------------------------------------
def _label(text: str) -> str:
    one_line = " ".join(text.split())
    short = one_line if len(one_line) <= 70 else one_line[:69] + "…"
    return "\n".join(textwrap.wrap(short, 32)) or " "


CHART_MAX_HEIGHT_CM = 22.0


def chart_png(chart: Chart) -> bytes:
    """Horizontal bars of completion rate by agency (matplotlib, no pyplot global state)."""
    from matplotlib import font_manager, rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    installed = {f.name for f in font_manager.fontManager.ttflist}
    serif = [f for f in CHART_FONTS if f in installed] or ["DejaVu Serif"]
    n = max(len(chart.labels), 1)
    lines = sum(_label(label).count("\n") + 1 for label in chart.labels) or 1
    # Never taller than an A4 page's text area (the report's bars are at most MAX_BARS).
    height_cm = min(2.6 + 0.55 * max(lines, n), CHART_MAX_HEIGHT_CM)
    with rc_context({"font.family": "serif", "font.serif": serif, "font.size": 9}):
        fig = Figure(figsize=(CHART_WIDTH_MM / 25.4, height_cm / 2.54), dpi=200)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        positions = list(range(len(chart.values)))
        ax.barh(positions, chart.values, color="#2f5597", height=0.6)
        # parse_math=False: an agency name with "$" must not be read as TeX.
        ax.set_yticks(positions, [_label(x) for x in chart.labels], parse_math=False)
        ax.invert_yaxis()
        ax.set_xlim(0, 112)
        ax.set_xticks([0, 20, 40, 60, 80, 100], ["0", "20", "40", "60", "80", "100"])
        for y, value, text in zip(positions, chart.values, chart.value_texts, strict=True):
            ax.text(value + 1.5, y, text, va="center", fontsize=8)
        ax.set_title(chart.title, fontsize=10, fontweight="bold", parse_math=False)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#d9d9d9", linewidth=0.6)
        ax.set_axisbelow(True)
        out = io.BytesIO()
        with warnings.catch_warnings():
            # Glyphs missing from the font (arbitrary user text) draw as boxes; not an error.
            warnings.simplefilter("ignore")
            fig.tight_layout()
            fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


# -- files ---------------------------------------------------------------------------------------
def write_docx(path: Path, data: bytes) -> None:
    """Write atomically (temp file in the same folder, then replace)."""
    try:
        files.make_folder(path.parent, f"chưa ghi tệp {path.name}", size=len(data))
        files.atomic_write(path, data)
    except DiskFullError:
        raise  # already says which drive and what was not written
    except PermissionError as exc:
        raise OutputError(
            f"Không ghi được {path}: tệp đang mở trong Word hoặc thư mục không cho ghi. "
            "Đóng tệp rồi chạy lại."
        ) from exc
    except OSError as exc:  # disk full, folder gone, …: the old file (if any) is still whole
        raise OutputError(f"Không ghi được {path}: {exc.strerror or exc}.") from exc


def _candidates() -> list[str]:
    if sys.platform.startswith("win"):
        roots = [os.environ.get(v, "") for v in ("ProgramFiles", "ProgramFiles(x86)")]
        return [str(Path(r) / "LibreOffice" / "program" / "soffice.exe") for r in roots if r]
    if sys.platform == "darwin":
        return ["/Applications/LibreOffice.app/Contents/MacOS/soffice"]
    return []


def find_soffice() -> str | None:
    """LibreOffice's ``soffice``: $THEODOI_SOFFICE, the PATH, then the usual install folders."""
    own = os.environ.get("THEODOI_SOFFICE")
    if own and Path(own).is_file():
        return own
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return next((c for c in _candidates() if Path(c).is_file()), None)


def require_soffice() -> str:
    soffice = find_soffice()
    if soffice is None:
        raise ToolMissingError(PDF_INSTALL_HINT)
    return soffice


def convert_to_pdf(
    docx_files: Sequence[Path],
    soffice: str,
    *,
    run: Callable[..., subprocess.CompletedProcess[bytes]] = subprocess.run,
) -> list[Path]:
    """PDFs beside the given .docx files (one LibreOffice run per folder); each PDF is made in
    a temp folder next to its target and moved into place with one ``os.replace``."""
    by_folder: dict[Path, list[Path]] = {}
    for path in docx_files:
        by_folder.setdefault(Path(path).parent, []).append(Path(path))
    made: list[Path] = []
    for folder, paths in by_folder.items():
        with (
            tempfile.TemporaryDirectory(prefix=".pdf-", dir=folder) as out,
            tempfile.TemporaryDirectory(prefix="theodoi-lo-") as profile,
        ):
            cmd = [
                soffice,
                "--headless",
                "--norestore",
                "--nologo",
                f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                "--convert-to",
                "pdf",
                "--outdir",
                out,
                *(str(p) for p in paths),
            ]
            try:
                proc = run(
                    cmd,
                    capture_output=True,
                    timeout=CONVERT_TIMEOUT,
                    check=False,
                    # No console window flashing up when a ribbon button runs this on Windows.
                    creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
                )
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise OutputError(
                    f"LibreOffice không chuyển được công văn sang PDF: {exc}"
                ) from exc
            for path in paths:
                produced = Path(out) / (path.stem + ".pdf")
                if not produced.is_file():
                    detail = proc.stderr.decode("utf-8", "replace").strip()[-300:]
                    raise OutputError(
                        f"LibreOffice không chuyển được {path.name} sang PDF"
                        + (f": {detail}" if detail else ".")
                    )
                target = path.with_suffix(".pdf")
                try:
                    os.replace(produced, target)
                except PermissionError as exc:
                    raise OutputError(
                        f"Không ghi được {target}: tệp đang mở. Đóng tệp rồi chạy lại."
                    ) from exc
                made.append(target)
    return made
