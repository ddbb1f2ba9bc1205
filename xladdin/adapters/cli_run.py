"""How a ``theodoi`` command runs and ends: every outcome is Vietnamese text and an exit code.

:class:`TheoDoiGroup` is the class of the ``theodoi`` group. Its ``main`` runs the command and
turns whatever happens into one exit code, 0 ok, 1 findings, 2 usage or fatal error, the same
way from the console script, ``python -m xladdin`` and click's ``CliRunner``. A traceback is
printed only with ``--debug``, which every command accepts before or after its name
(``theodoi --debug merge`` and ``theodoi merge --debug``). A bare ``theodoi`` prints the help,
as ``theodoi --help`` does, and exits 0: asking what the program does is not a mistake.
"""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.text import Text

from ..core.errors import TheoDoiError
from .cli_text import DEBUG_HELP, install, os_error_message

install()  # before any command or option is declared

# soft_wrap: messages are whole sentences; a terminal wraps them itself, and a log, Task
# Scheduler or a pipe gets each message on one line (never split at column 80).
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def say_error(label: str, message: str) -> None:
    """``label`` in red, then the message as it is (a path with [brackets] is not markup)."""
    err_console.print(Text.assemble((label, "red"), " ", message))


def is_debug(args: Sequence[str]) -> bool:
    """``--debug`` anywhere before a ``--``: read before parsing, so a usage error or an error
    while parsing cannot hide it."""
    args = list(args)
    return "--debug" in (args[: args.index("--")] if "--" in args else args)


def debug_option() -> click.Option:
    """The ``--debug`` every command accepts after its name; :func:`is_debug` reads it."""
    return click.Option(["--debug"], is_flag=True, expose_value=False, help=DEBUG_HELP)


def _utf8_streams() -> None:
    """UTF-8 on stdout and stderr whatever the console's code page (Windows cmd.exe)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8")


class TheoDoiGroup(click.Group):
    """The ``theodoi`` group: :meth:`main` never lets English or a traceback reach a user."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        argv = list(sys.argv[1:] if args is None else args)
        code = self._run(argv, prog_name or "theodoi", complete_var, extra)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(
        self, argv: list[str], prog_name: str, complete_var: str | None, extra: dict[str, Any]
    ) -> int:
        debug = is_debug(argv)
        _utf8_streams()
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except TheoDoiError as exc:
            say_error("Lỗi:", exc.user_message())
            if debug:
                traceback.print_exc()
            return exc.exit_code
        except click.exceptions.NoArgsIsHelpError as exc:  # bare `theodoi`: the help, exit 0
            click.echo(exc.format_message())
            return 0
        except click.UsageError as exc:
            if exc.ctx is not None:
                err_console.print(exc.ctx.get_usage(), markup=False)
            say_error("Lỗi cách dùng:", exc.format_message())
            command = exc.ctx.command_path if exc.ctx is not None else prog_name
            if exc.ctx is None:  # click's option parser gives none: the command is in argv
                named = next((a for a in argv if a in self.commands), None)
                command = f"{prog_name} {named}" if named else prog_name
            err_console.print(f"Gõ “{command} --help” để xem hướng dẫn.", markup=False)
            return 2
        except click.exceptions.Abort:
            err_console.print("Đã dừng.")
            return 2
        except click.ClickException as exc:
            say_error("Lỗi:", exc.format_message())
            return 2
        except KeyboardInterrupt:
            err_console.print("Đã dừng theo yêu cầu.")
            return 2
        except Exception as exc:  # the last line of defence: no traceback for users
            return _unexpected(exc, debug)
        return rv if isinstance(rv, int) else 0


def _unexpected(exc: Exception, debug: bool) -> int:
    # An OS error on a path (a folder that cannot be made, a file that cannot be written) is
    # said in Vietnamese with the path; anything else is a fault to report.
    message = os_error_message(exc) if isinstance(exc, OSError) else None
    if message is not None:
        say_error("Lỗi:", message)
    else:
        say_error("Lỗi không mong đợi:", f"{type(exc).__name__}: {exc}")
    if debug:
        traceback.print_exc()
    elif message is None:
        err_console.print(
            "Chạy lại với --debug để xem chi tiết kỹ thuật và báo cho bộ phận kỹ thuật."
        )
    return 2
