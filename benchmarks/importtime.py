"""Cold import cost of the ribbon module against what any xlwings call pays anyway.

Every ribbon click runs ``RunPython``, which starts a fresh interpreter and imports
``xladdin.adapters.buttons``; the goal is that this costs at most 1.2x ``import xlwings, pandas``.
Two figures, each the ratio of medians over ``--repeat`` fresh processes, the two commands
alternating so that they share the machine's noise:

1. ``python -X importtime -c "<command>"``: the cumulative microseconds of the command's
   top-level imports (modules already imported at interpreter start-up are left out);
2. the wall clock of ``python -c "<command>"``, interpreter start-up included.

Run on demand, not by pytest::

    .venv/bin/python benchmarks/importtime.py            # print the figures
    .venv/bin/python benchmarks/importtime.py --write    # also update docs/benchmarks.md

``--write`` rewrites only the section between ``<!-- importtime:start -->`` and
``<!-- importtime:end -->`` of docs/benchmarks.md (appended when missing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_docs import write_section

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
CANDIDATE = "import xladdin.adapters.buttons"
# What a click really imports: xlwings (xw.Book.caller), the buttons module, the Excel backend
# and the command the button runs (xladdin.core.ribbon.BUTTONS names it).
CLICK = "import xlwings, xladdin.adapters.buttons, xladdin.book.excel, xladdin.commands.{}"
BASELINE = "import xlwings, pandas"
STARTUP = "pass"
GOAL = 1.2
TIMEOUT = 300  # seconds for one child process
_LINE = re.compile(r"^import time:\s*(\d+)\s*\|\s*(\d+)\s*\|( +)(\S.*)$")


class BenchmarkError(RuntimeError):
    pass


@dataclass(frozen=True)
class Figures:
    candidate: list[float]
    baseline: list[float]

    @property
    def candidate_median(self) -> float:
        return statistics.median(self.candidate)

    @property
    def baseline_median(self) -> float:
        return statistics.median(self.baseline)

    @property
    def ratio(self) -> float:
        return self.candidate_median / self.baseline_median


# -- running children --------------------------------------------------------------------------
def child_env(keep_license: bool) -> dict[str, str]:
    """The environment of the measured processes: this one, minus what skews imports."""
    env = dict(os.environ)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONSTARTUP", None)
    if not keep_license:
        # with a key, `import xlwings` also imports its PRO engines; users have none
        env.pop("XLWINGS_LICENSE_KEY", None)
    return env


def run(python: str, args: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [python, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise BenchmarkError(
            f"{' '.join([python, *args])} failed ({result.returncode}):\n{result.stderr[-3000:]}"
        )
    return result


def parse_importtime(stderr: str) -> dict[str, int]:
    """``{module: cumulative µs}`` of the top-level lines of ``-X importtime`` output.

    A nested import is indented by two more spaces than its importer; the top level has one
    space after the bar. A module imported twice at the top level (impossible in practice) is
    summed.
    """
    top: dict[str, int] = {}
    for line in stderr.splitlines():
        match = _LINE.match(line)
        if match and len(match[3]) == 1:
            top[match[4]] = top.get(match[4], 0) + int(match[2])
    if not top:
        raise BenchmarkError("no '-X importtime' lines in the output:\n" + stderr[-2000:])
    return top


def import_microseconds(
    python: str, command: str, env: dict[str, str], startup: frozenset[str]
) -> float:
    result = run(python, ["-X", "importtime", "-c", command], env)
    top = parse_importtime(result.stderr)
    return float(sum(us for module, us in top.items() if module not in startup))


def wall_seconds(python: str, command: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    run(python, ["-c", command], env)
    return time.perf_counter() - start


def alternate(
    repeat: int, commands: Sequence[str], measure: Callable[[str], float]
) -> dict[str, list[float]]:
    """``repeat`` rounds; each round runs every command once, in a rotating order."""
    results: dict[str, list[float]] = {command: [] for command in commands}
    for round_ in range(repeat):
        shift = round_ % len(commands)
        for command in [*commands[shift:], *commands[:shift]]:
            results[command].append(measure(command))
    return results


# -- reporting ---------------------------------------------------------------------------------
def interpreter_info(python: str, env: dict[str, str]) -> dict[str, str]:
    code = (
        "import platform, sys\n"
        "from importlib import metadata\n"
        "def v(name):\n"
        "    try:\n"
        "        return metadata.version(name)\n"
        "    except metadata.PackageNotFoundError:\n"
        "        return 'not installed'\n"
        "print(platform.python_version())\n"
        "print(platform.python_implementation())\n"
        "print(v('xlwings'))\n"
        "print(v('pandas'))\n"
    )
    lines = run(python, ["-c", code], env).stdout.splitlines()
    keys = ("python", "implementation", "xlwings", "pandas")
    return dict(zip(keys, lines, strict=True))


def git_commit() -> str:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return "unknown"
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def verdict(ratio: float) -> str:
    return f"≤ {GOAL}× " + ("met" if ratio <= GOAL else "**not met**")


def click_commands() -> dict[str, str]:
    """Button label -> the import statement of one click (buttons without a command left out)."""
    from xladdin.core.ribbon import BUTTONS

    return {b.label: CLICK.format(b.command) for b in BUTTONS if b.command}


def click_rows(clicks: dict[str, Figures]) -> str:
    return "\n".join(
        f"| {label} | {fmt_ms(f.candidate_median / 1e6)} | {fmt_ms(f.baseline_median / 1e6)} "
        f"| {f.ratio:.2f}× | {verdict(f.ratio)} |"
        for label, f in clicks.items()
    )


def section(
    imports: Figures,
    wall: Figures,
    startup_wall: float,
    repeat: int,
    info: dict[str, str],
    command: str,
    keep_license: bool,
    clicks: dict[str, Figures],
) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.system()} {platform.release()} {platform.machine()}"
    license_note = (
        "`XLWINGS_LICENSE_KEY` kept in the children"
        if keep_license
        else "`XLWINGS_LICENSE_KEY` unset in the children, as on users' machines"
    )
    return f"""## Import time of the ribbon module

A ribbon click runs xlwings `RunPython`, which imports `xladdin.adapters.buttons`. Goal: that
costs at most {GOAL}× `import xlwings, pandas`, which every xlwings call pays anyway.

| median of {repeat} fresh processes | `{CANDIDATE}` | `{BASELINE}` | ratio | goal |
|---|---:|---:|---:|---|
| `-X importtime`: cumulative time of the command's top-level imports | {fmt_ms(imports.candidate_median / 1e6)} | {fmt_ms(imports.baseline_median / 1e6)} | {imports.ratio:.2f}× | {verdict(imports.ratio)} |
| wall clock of `python -c "…"`, start-up included | {fmt_ms(wall.candidate_median)} | {fmt_ms(wall.baseline_median)} | {wall.ratio:.2f}× | {verdict(wall.ratio)} |

What one click imports (`-X importtime`, cumulative time of the top-level imports, median of
{repeat} fresh processes): `{CLICK.format("<command>")}` against `{BASELINE}`. The workbook sets
xlwings' "Use UDF Server", so clicks reuse one running Python and only the first click after
Excel starts pays this. "Kiểm tra dữ liệu" imports pandera (the validation engine) and "Tạo
phiếu báo cáo" openpyxl (the form writer): that is the work those buttons do.

| button | click imports | `{BASELINE}` | ratio | goal |
|---|---:|---:|---:|---|
{click_rows(clicks)}

- Interpreter start-up alone (`python -c pass`): {fmt_ms(startup_wall)} (median), part of
  both wall-clock figures; modules imported during start-up are left out of the importtime
  figures.
- Measured {now}, working tree at commit `{git_commit()}`.
- Python {info["python"]} ({info["implementation"]}), xlwings {info["xlwings"]}, \
pandas {info["pandas"]}; {license_note}.
- Machine: {machine}, {os.cpu_count()} CPUs (`{platform.platform()}`).
- Reproduce: `{command}`"""


# -- main --------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="processes per command (7)")
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter to measure (this one)"
    )
    parser.add_argument("--write", action="store_true", help=f"update {DOCS.relative_to(ROOT)}")
    parser.add_argument("--docs", type=Path, default=DOCS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--keep-license-env",
        action="store_true",
        help="leave XLWINGS_LICENSE_KEY set in the children (imports xlwings' PRO engines)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    env = child_env(args.keep_license_env)
    python = args.python
    try:
        info = interpreter_info(python, env)
        for command in (CANDIDATE, BASELINE, *click_commands().values()):  # warm-up, fail early
            run(python, ["-c", command], env)
        startup = frozenset(
            parse_importtime(run(python, ["-X", "importtime", "-c", STARTUP], env).stderr)
        )
        print(f"{args.repeat} rounds of -X importtime ...", file=sys.stderr)
        by_import = alternate(
            args.repeat,
            [CANDIDATE, BASELINE],
            lambda command: import_microseconds(python, command, env, startup),
        )
        clicks_by_label = click_commands()
        print(f"{args.repeat} rounds of -X importtime per button ...", file=sys.stderr)
        by_click = alternate(
            args.repeat,
            [*clicks_by_label.values(), BASELINE],
            lambda command: import_microseconds(python, command, env, startup),
        )
        print(f"{args.repeat} rounds of wall clock ...", file=sys.stderr)
        by_wall = alternate(
            args.repeat,
            [CANDIDATE, BASELINE, STARTUP],
            lambda command: wall_seconds(python, command, env),
        )
    except (BenchmarkError, subprocess.TimeoutExpired, OSError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1

    imports = Figures(by_import[CANDIDATE], by_import[BASELINE])
    wall = Figures(by_wall[CANDIDATE], by_wall[BASELINE])
    startup_wall = statistics.median(by_wall[STARTUP])
    clicks = {
        label: Figures(by_click[command], by_click[BASELINE])
        for label, command in clicks_by_label.items()
    }

    print(f"Python {info['python']} ({python}), {args.repeat} rounds, medians:")
    print(
        f"  -X importtime  {CANDIDATE}: {fmt_ms(imports.candidate_median / 1e6)}"
        f"   {BASELINE}: {fmt_ms(imports.baseline_median / 1e6)}"
        f"   ratio {imports.ratio:.2f}x (goal <= {GOAL}x)"
    )
    print(
        f"  wall clock     {CANDIDATE}: {fmt_ms(wall.candidate_median)}"
        f"   {BASELINE}: {fmt_ms(wall.baseline_median)}"
        f"   ratio {wall.ratio:.2f}x   (python -c pass: {fmt_ms(startup_wall)})"
    )
    for label, figures in clicks.items():
        print(
            f"  click {label}: {fmt_ms(figures.candidate_median / 1e6)}"
            f"   ratio {figures.ratio:.2f}x (goal <= {GOAL}x)"
        )

    if args.write:
        command = "python benchmarks/importtime.py"
        if args.repeat != 7:
            command += f" --repeat {args.repeat}"
        if args.keep_license_env:
            command += " --keep-license-env"
        command = ".venv/bin/" + command + " --write"
        text = section(
            imports, wall, startup_wall, args.repeat, info, command, args.keep_license_env, clicks
        )
        write_section(args.docs, "importtime", text)
        print(f"wrote the importtime section of {args.docs}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
