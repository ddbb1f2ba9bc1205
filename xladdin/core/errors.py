"""One error hierarchy for the whole toolkit.

Every error a user can cause derives from :class:`TheoDoiError`; each subclass
also inherits the matching built-in so library callers can catch what they know.
The CLI turns these into a Vietnamese message and an exit code, the ribbon into
a message box and the scheduled job into a log line.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: file, sheet, row (as Excel shows it) and column header."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(f"tệp {self.file}")
        if self.sheet:
            parts.append(f"trang tính “{self.sheet}”")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột “{self.column}”")
        return ", ".join(parts)


class TheoDoiError(Exception):
    """Base of every error meant for a user; ``message`` is Vietnamese."""

    exit_code = 2

    def __init__(self, message: str, location: Location | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(self.user_message())

    def user_message(self) -> str:
        if self.location is not None and self.location.describe():
            return f"{self.message} ({self.location.describe()})"
        return self.message


class UsageError(TheoDoiError, ValueError):
    """The command was called wrongly (bad option value, missing argument)."""


class InputFileError(TheoDoiError, ValueError):
    """An input file cannot be used: not found, wrong kind, damaged."""


class AppendixNotFoundError(InputFileError):
    """The plan document has no table that looks like a task appendix."""


class WorkbookFormatError(TheoDoiError, ValueError):
    """The tracker workbook lacks a sheet or header the product relies on."""


class WorkbookBusyError(TheoDoiError, PermissionError):
    """The tracker is open in Excel (owner file ``~$…`` exists) or locked by another run."""


class WorkspaceError(TheoDoiError, FileNotFoundError):
    """No workspace here, or the workspace is incomplete."""


class FindingsError(TheoDoiError, ValueError):
    """Work finished but found problems in the data (exit code 1)."""

    exit_code = 1


class TemplateError(TheoDoiError, ValueError):
    """A letter template cannot be used: missing, damaged, bad jinja tag or unknown variable."""


class ToolMissingError(TheoDoiError, FileNotFoundError):
    """An outside program the command needs (LibreOffice for PDF) is not installed."""


class OutputError(TheoDoiError, OSError):
    """An output file cannot be written or converted (open in Word, disk full, LibreOffice failed)."""


class DiskFullError(OutputError):
    """No room for a file the tool writes: the drive is full or the user's quota is used up.
    Checked before writing, and a write that runs out of room halfway leaves no partial file
    (no half backup, no temp file); the message names the folder and what was not written.
    ``errno`` is ENOSPC or EDQUOT, as for the built-in error it replaces."""


class MailboxError(TheoDoiError, ConnectionError):
    """The office mailbox cannot be reached or used (server, TLS, login, folder); never
    carries the password."""
