from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from xladdin.io.workspace import Workspace, init_workspace

ROOT = Path(__file__).resolve().parent.parent
SHARED_PLAN = ROOT.parent / "shared" / "fixtures" / "KeHoach_DienBien_2026.docx"
SAMPLE_PLAN = ROOT / "examples" / "KeHoach_DienBien_2026.docx"
PLANS = ROOT / "tests" / "data" / "plans"


@pytest.fixture(scope="session")
def plan_docx() -> Path:
    """The real plan of the shared fixtures (the bundled sample is the same file)."""
    return SHARED_PLAN if SHARED_PLAN.exists() else SAMPLE_PLAN


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return init_workspace(tmp_path / "ws")


@pytest.fixture
def imported(workspace: Workspace, plan_docx: Path) -> Workspace:
    from datetime import datetime

    from xladdin.commands.plan import import_plan

    import_plan(plan_docx, workbook=workspace.workbook, now=datetime(2026, 11, 21, 9, 0))
    return workspace


RETURNS = ROOT / "tests" / "data" / "returns"


def corpus_generator() -> Any:
    """tests/data/returns/make_returns.py as a module (a script folder, not a package),
    loaded once so every test file shares its constants and helpers."""
    if "make_returns" in sys.modules:
        return sys.modules["make_returns"]
    spec = importlib.util.spec_from_file_location("make_returns", RETURNS / "make_returns.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_returns"] = module
    spec.loader.exec_module(module)
    return module


def copy_to(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst
