"""The package's imports point down the layers, and no module imports itself round a cycle.

Layers, bottom up (docs/design.md, "Layers"):

- ``core`` (and ``validators``): pure logic and data types; no files, no Excel;
- ``io``: files and servers; from ``core`` only the data-type modules in :data:`IO_MAY_USE`;
- ``book``: the :class:`~xladdin.book.base.Book` interface and its two backends;
- ``commands``, ``workbook_build``: each command written once, over a ``Book``; the build;
- ``adapters``: the CLI, the ribbon buttons, the scheduled jobs, the demo.

Every import counts, including the ones inside functions (the buttons import lazily).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"core": 0, "validators": 0, "io": 1, "book": 2, "commands": 3, "workbook_build": 3,
          "adapters": 4}  # fmt: skip
# What io may take from core: data types, constants and the one row reader, no rules.
IO_MAY_USE = {
    "xladdin.core.errors",
    "xladdin.core.layout",
    "xladdin.core.model",
    "xladdin.core.table",
    "xladdin.core.document",
    "xladdin.core.returns",
    "xladdin.core.chart",
    "xladdin.core.form_content",
    # Text typed in a TCVN3 or VNI font is decoded while the file is read, as a codec would:
    # the font is in the file, the decoded text is what the rest of the program sees.
    "xladdin.core.legacy_vn",
    # How tall a row of wrapped text is: every writer of rows sizes the rows it writes.
    "xladdin.core.printing",
}


def _modules() -> dict[str, Path]:
    found = {}
    for base, package in (
        (ROOT / "xladdin", "xladdin"),
        (ROOT / "validators", "xladdin.validators"),
    ):
        for path in base.rglob("*.py"):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join([package, *parts])] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from . import x` imports the module x
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in MODULES else target)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return {m for m in out if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else None


def test_every_module_is_in_a_layer() -> None:
    loose = sorted(
        m for m in MODULES if layer(m) is None and m not in ("xladdin", "xladdin.__main__")
        and not m.startswith(("xladdin.core", "xladdin.io", "xladdin.book", "xladdin.commands",
                              "xladdin.adapters", "xladdin.workbook_build", "xladdin.validators"))
    )  # fmt: skip
    assert not loose, f"modules outside the layer folders: {loose}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) is not None))
def test_imports_point_down(module: str) -> None:
    mine = layer(module)
    assert mine is not None
    for target in sorted(GRAPH[module]):
        theirs = layer(target)
        if theirs is None:
            continue
        assert LAYERS[theirs] <= LAYERS[mine], f"{module} ({mine}) imports {target} ({theirs})"
        if mine == "io" and theirs == "core":
            assert target in IO_MAY_USE, f"{module} uses core logic {target}"


def test_no_import_cycles() -> None:
    """Tarjan's strongly connected components: any with two or more modules is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"


def test_the_checks_see_a_planted_violation(tmp_path: Path) -> None:
    """The reader finds an upward import inside a function, so the tests above can fail."""
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from ..io import files\n    return files\n")
    assert _imports("xladdin.core.planted", planted) == {"xladdin.io.files"}
