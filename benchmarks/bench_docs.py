"""Shared by the benchmark scripts: rewrite one marked section of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the section between ``<!-- name:start -->`` and ``<!-- name:end -->`` (or
    append it), leaving the other benchmarks' sections as they are."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = f"{start}\n{body}\n{end}"
    current = path.read_text(encoding="utf-8")
    i, j = current.find(start), current.find(end)
    if i != -1 and j > i:
        current = current[:i] + text + current[j + len(end) :]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")
