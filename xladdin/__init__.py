"""TheoDoiNhiemVu: follow up every task of a plan's appendix until it is done."""

from __future__ import annotations

__version__ = "0.1.0"
