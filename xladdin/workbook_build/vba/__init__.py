"""Build Excel VBA projects (`xl/vbaProject.bin`) from text sources, without Excel.

The project holds module source only (no p-code), so Office compiles it on open.
"""

from __future__ import annotations

from .dirstream import DEFAULT_REFERENCES, OFFICE, STDOLE, Reference
from .ovba import compress, decompress
from .package import with_vba_project
from .project import build_vba_project, read_vba_modules
from .source import ModuleKind, VbaModule, document_module, parse_bas

__all__ = [
    "DEFAULT_REFERENCES",
    "OFFICE",
    "STDOLE",
    "ModuleKind",
    "Reference",
    "VbaModule",
    "build_vba_project",
    "compress",
    "decompress",
    "document_module",
    "parse_bas",
    "read_vba_modules",
    "with_vba_project",
]
