"""The ribbon XML (customUI14) and its VBA callbacks, both made from :data:`BUTTONS`.

Each ``onAction`` names a ``Sub X(control As IRibbonControl)`` of the ``Ribbon`` module,
which runs one function of :mod:`xladdin.adapters.buttons` through xlwings' ``RunPython``.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ..core.ribbon import BUTTONS, BUTTONS_MODULE, TAB_ID, TAB_LABEL, groups

NS_CUSTOMUI14 = "http://schemas.microsoft.com/office/2009/07/customui"


def ribbon_xml() -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        "<!-- Made by theodoi build-workbook from xladdin/core/ribbon.py; each onAction names"
        " a Sub of the Ribbon module. -->",
        f'<customUI xmlns="{NS_CUSTOMUI14}">',
        "  <ribbon>",
        "    <tabs>",
        f'      <tab id="{TAB_ID}" label={quoteattr(TAB_LABEL)} insertAfterMso="TabHome">',
    ]
    for group in groups():
        lines.append(f'        <group id="{group.id}" label={quoteattr(group.label)}>')
        for b in BUTTONS:
            if b.group != group:
                continue
            lines.append(
                f'          <button id="{b.control_id}" label={quoteattr(b.label)} size="large"'
                f' imageMso="{b.image}" screentip={quoteattr(b.label)}'
                f" supertip={quoteattr(b.supertip)} onAction={quoteattr(b.callback)}/>"
            )
        lines.append("        </group>")
    lines += ["      </tab>", "    </tabs>", "  </ribbon>", "</customUI>", ""]
    return "\n".join(lines).encode("utf-8")


def ribbon_module() -> str:
    """The ``Ribbon`` standard module. ASCII only: VBA source is code page 1252, so every
    Vietnamese text lives in Python and in the ribbon XML."""
    lines = [
        'Attribute VB_Name = "Ribbon"',
        "Option Explicit",
        "",
        "' Callbacks of the ribbon tab, made by theodoi build-workbook from",
        f"' xladdin/core/ribbon.py. Each button runs one function of {BUTTONS_MODULE}.",
    ]
    for b in BUTTONS:
        lines += [
            "",
            f"Sub {b.callback}(control As IRibbonControl)",
            f'    RunPython "import {BUTTONS_MODULE} as b; b.{b.function}()"',
            "End Sub",
        ]
    return "\r\n".join(lines) + "\r\n"
