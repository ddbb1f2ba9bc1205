"""Shared by the benchmark scripts: rewrite one marked section of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

INTRO = """# Benchmarks

Figures are ratios against a baseline measured in the same run; absolute times on shared
machines are noise. Each benchmark owns a section between `<!-- name:start -->` and
`<!-- name:end -->` markers, which its script rewrites with `--write`; the rest of this file
is left alone.
"""


def write_section(path: Path, name: str, body: str) -> None:
    """Replace the section between ``<!-- name:start -->`` and ``<!-- name:end -->`` (or
    append it), leaving the other benchmarks' sections as they are."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = f"{start}\n{body}\n{end}"
    current = path.read_text(encoding="utf-8") if path.exists() else INTRO
    i, j = current.find(start), current.find(end)
    if i != -1 and j > i:
        current = current[:i] + text + current[j + len(end) :]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(current, encoding="utf-8")
