"""Returned forms found in files, folders, .zip, .eml and Outlook .msg, read as untrusted input.

Each file is one return, or a container of returns: every member of a container is an item
of its own (a return, or why that member is none: a zip in a zip, a member that cannot be
read), so one bad member never refuses its siblings, and a container that cannot be read at
all is one problem and gives no return. Every read is capped (:data:`MAX_FILE` a file or a
member, :data:`MAX_CONTAINER` all the members of one zip). :mod:`xladdin.io.return_io` opens
each return.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from ..core.returns import ReturnSource, SourceProblem
from .return_io import (
    CONTAINER_SUFFIXES,
    MAX_FILE,
    MAX_MEMBERS,
    MAX_UNPACKED,
    NOT_A_RETURN,
    WORKBOOK_SUFFIXES,
    ReturnRefused,
)


def _read_capped(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_FILE:
        raise ReturnRefused(f"Tệp {path.name} quá lớn ({size / 1e6:.1f} MB); không xử lý.")
    return path.read_bytes()


MAX_CONTAINER = 4 * MAX_UNPACKED  # all the members read out of one .zip together
MEMBER_SEP = " › "  # a member's report name: "thu.eml › Phieu_VPTU.xlsx"
# What a parser of an untrusted file may raise: a refusal of that file, never a crash.
_DAMAGED = (UnicodeError, ValueError, OSError, EOFError, LookupError)


@dataclass(frozen=True)
class _Member:
    """One return read out of a file: its report name, its bytes (None: they could not be
    read) and, when it cannot be merged whatever it holds, why."""

    name: str
    data: bytes | None
    problem: str = ""

    def item(self, path: Path) -> ReturnSource | SourceProblem:
        if not self.problem and self.data is not None:
            return ReturnSource.of(self.name, self.data, path)
        digest = "" if self.data is None else hashlib.sha256(self.data).hexdigest()
        return SourceProblem(self.name, path, self.problem, digest)


def returns_in(paths: Sequence[Path]) -> Iterator[ReturnSource | SourceProblem]:
    """Every returned workbook under ``paths`` (files or folders), in name order, or why a
    file (or one member of a container) is none. One file is read at a time, so a caller
    that keeps only what it needs of each return keeps memory flat."""
    for path in map(Path, paths):
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            if f.name.startswith(("~$", ".")):
                continue  # Excel's owner files and hidden files are not returns
            yield from _read_file(f)


def _read_file(f: Path) -> list[ReturnSource | SourceProblem]:
    """The file as one return, or one item per member of a container (.zip, .eml, .msg)."""
    missing = f"Không tìm thấy tệp {f}; hãy kiểm tra lại đường dẫn."
    suffix = f.suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES + CONTAINER_SUFFIXES:
        message = NOT_A_RETURN.format(name=f.name) if f.exists() else missing
        return [SourceProblem(f.name, f, message)]
    try:
        members = _expand(f.name, _read_capped(f), suffix)
    except ReturnRefused as exc:
        return [SourceProblem(f.name, f, str(exc))]
    except FileNotFoundError:  # an OSError too: caught before the others
        return [SourceProblem(f.name, f, missing)]
    except _DAMAGED as exc:
        # Untrusted containers: anything a parser trips on is a refusal, not a crash.
        return [
            SourceProblem(
                f.name, f, f"Tệp {f.name} bị hỏng; không đọc được ({type(exc).__name__})."
            )
        ]
    return [m.item(f) for m in members]


def _expand(name: str, data: bytes, suffix: str) -> list[_Member]:
    """The file itself, or every member of a container, all read before any is used: a
    container that cannot be read gives none (ReturnRefused), and one member that cannot
    be read is that member's problem alone."""
    if suffix == ".zip":
        members = list(_from_zip(name, data))
        empty = f"Tệp nén {name} không có phiếu báo cáo (.xlsx hoặc .ods) nào."
    elif suffix == ".eml":
        members = list(_attachments(name, _from_eml(name, data)))
        empty = f"Thư {name} không có tệp đính kèm phiếu báo cáo (.xlsx hoặc .ods) nào."
    elif suffix == ".msg":
        members = list(_attachments(name, _from_msg(name, data)))
        empty = f"Thư Outlook {name} không có tệp đính kèm Excel (.xlsx) nào."
    else:
        return [_Member(name, data)]
    if not members:
        raise ReturnRefused(empty)
    return members


def container_members(path: Path) -> Iterator[tuple[str, bytes]]:
    """The members of the container ``path`` (.zip, .eml, .msg) read out again, by report
    name, with their bytes: the returns and the members refused for what they are (a zip in
    a zip), not the ones that could not be read. Nothing when the container cannot be read.

    The merge keeps each return's name and hash, not its bytes (thousands of returns stay
    small in memory); filing a member on its own reads it out of its container again."""
    suffix = path.suffix.lower()
    if suffix not in CONTAINER_SUFFIXES:
        return
    try:
        members = _expand(path.name, _read_capped(path), suffix)
    except (ReturnRefused, *_DAMAGED):
        return
    for m in members:
        if m.data is not None:
            yield m.name, m.data


def _wanted(filename: str) -> bool:
    return filename.lower().endswith((*WORKBOOK_SUFFIXES, ".zip"))


def _base_name(filename: str) -> str:
    """The file name without its folders, whichever slash the sender's system wrote."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def _from_zip(name: str, data: bytes) -> Iterator[_Member]:
    """The returns in a zip. A zip that cannot be read raises; a member that cannot be read,
    a zip inside it, or a member past :data:`MAX_CONTAINER` is that member's problem."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ReturnRefused(f"Tệp nén {name} bị hỏng; không đọc được.") from exc
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise ReturnRefused(f"Tệp nén {name} có quá nhiều tệp; không xử lý.")
        total = 0
        for info in infos:
            member = _base_name(info.filename)
            if not _wanted(member) or member.startswith(("~$", ".")):
                continue
            inner = f"{name}{MEMBER_SEP}{member}"
            if total > MAX_CONTAINER:
                yield _Member(
                    inner,
                    None,
                    f"Tệp nén {name} giải nén ra hơn {MAX_CONTAINER // 2**20} MB nên {member} "
                    "không được giải nén; không xử lý. Hãy gửi ít phiếu hơn trong một tệp nén.",
                )
                continue
            try:
                content = _zip_member(zf, info, name)
            except ReturnRefused as exc:
                yield _Member(inner, None, str(exc))
                continue
            total += len(content)
            if member.lower().endswith(".zip"):
                yield _Member(
                    inner,
                    content,
                    f"Tệp nén {name} chứa tệp nén lồng nhau {member}; không xử lý. Hãy gửi "
                    "các phiếu trong đó trực tiếp hoặc trong một tệp nén không lồng nhau.",
                )
            else:
                yield _Member(inner, content)


def _zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """A member's bytes, never more than MAX_FILE whatever its header claims."""
    try:
        with zf.open(info) as f:
            content = f.read(MAX_FILE + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError) as exc:
        raise ReturnRefused(f"Tệp nén {name}: không giải nén được {info.filename}.") from exc
    if len(content) > MAX_FILE:
        raise ReturnRefused(f"Tệp nén {name}: {info.filename} quá lớn khi giải nén; không xử lý.")
    return content


def _attachments(name: str, found: Sequence[tuple[str, bytes]]) -> Iterator[_Member]:
    """The returns among a mail's attachments. A .zip of returns is opened too: one that
    cannot be read is that attachment's problem; one without a return is passed over, as
    a pdf is."""
    for filename, payload in found:
        inner = f"{name}{MEMBER_SEP}{_base_name(filename)}"
        if not filename.lower().endswith(".zip"):
            yield _Member(inner, payload)
            continue
        try:
            members = list(_from_zip(inner, payload))
        except ReturnRefused as exc:
            members = [_Member(inner, payload, str(exc))]
        yield from members


def _from_eml(name: str, data: bytes) -> list[tuple[str, bytes]]:
    msg = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    found: list[tuple[str, bytes]] = []
    for part in msg.iter_attachments():
        filename = part.get_filename() or ""
        payload = part.get_payload(decode=True)
        if _wanted(filename) and isinstance(payload, bytes):
            found.append((filename, payload))
    return found


def _from_msg(name: str, data: bytes) -> list[tuple[str, bytes]]:
    import extract_msg

    try:
        msg = extract_msg.openMsg(io.BytesIO(data))
    except Exception as exc:  # extract_msg raises many kinds on a damaged file
        raise ReturnRefused(f"Thư Outlook {name} bị hỏng; không đọc được.") from exc
    found: list[tuple[str, bytes]] = []
    try:
        for att in msg.attachments:
            # Names are decoded lazily; a damaged name stream raises here, not at openMsg.
            filename = str(
                getattr(att, "longFilename", None) or getattr(att, "shortFilename", "") or ""
            )
            payload = getattr(att, "data", None)
            if _wanted(filename) and isinstance(payload, bytes):
                found.append((filename, payload))
    except Exception as exc:  # extract_msg raises many kinds on a damaged file
        raise ReturnRefused(f"Thư Outlook {name} bị hỏng; không đọc được.") from exc
    finally:
        msg.close()
    return found
