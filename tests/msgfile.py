"""A small Outlook .msg writer for tests: a mail with a subject, a plain body and attachments.

The layout follows MS-OXMSG on top of a compound file (MS-CFB) built by
:func:`xladdin.workbook_build.vba.cfb.write_cfb`:

* the root storage holds the message's property stream ``__properties_version1.0`` (a 32-byte
  header: 8 reserved bytes, next recipient id, next attachment id, recipient count, attachment
  count, 8 reserved bytes; then one 16-byte entry per property) and one stream
  ``__substg1.0_XXXXYYYY`` per string or binary property (XXXX the property id, YYYY its
  type: 001F a UTF-16LE string without terminator, 0102 binary);
* one storage ``__recip_version1.0_#0000000N`` per recipient and one storage
  ``__attach_version1.0_#0000000N`` per attachment, each with its own property stream (an
  8-byte reserved header, then the entries) and its own ``__substg1.0_`` streams; an
  attachment is "by value" (PidTagAttachMethod 1) with its bytes in ``__substg1.0_37010102``;
* the named-property mapping storage ``__nameid_version1.0`` with its GUID, entry and string
  streams, empty here since no named property is used.

Fixed-size properties keep their value in the entry; the entry of a variable-length one
carries the size of its stream (plus 2 for a UTF-16 string, MS-OXMSG 2.4.2.2). No timestamps
come from the clock and the compound file writer leaves times and CLSIDs zero, so the same
arguments always give the same bytes.
"""

from __future__ import annotations

import mimetypes
import re
import struct
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from pathlib import PurePath

from cfbfile import write_cfb

__all__ = ["SENDER", "make_msg", "short_name"]

SENDER = "Ủy ban Kiểm tra Tỉnh ủy <ubkt@dienbien.dcs.vn>"
RECIPIENT = "Văn phòng Tỉnh ủy <vptu@dienbien.dcs.vn>"
SENT = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)

PT_LONG, PT_BOOLEAN, PT_SYSTIME = 0x0003, 0x000B, 0x0040
PT_UNICODE, PT_BINARY = 0x001F, 0x0102
READABLE_WRITABLE = 0x00000006  # PROPATTR_READABLE | PROPATTR_WRITABLE
STORE_UNICODE_OK = 0x00040000  # PidTagStoreSupportMask: the strings are UTF-16
MSGFLAG_READ, MSGFLAG_HASATTACH = 0x01, 0x10
ATTACH_BY_VALUE = 1
MAPI_TO = 1
PROPS = "__properties_version1.0"
NAMEID = "__nameid_version1.0"
_EPOCH_1601 = datetime(1601, 1, 1, tzinfo=UTC)


class _Properties:
    """The properties of one object (message, recipient or attachment): entries + streams."""

    def __init__(self) -> None:
        self.entries: dict[int, bytes] = {}  # property tag -> 8-byte value field
        self.streams: dict[str, bytes] = {}

    def _variable(self, pid: int, ptype: int, data: bytes, size: int) -> None:
        tag = (pid << 16) | ptype
        self.streams[f"__substg1.0_{tag:08X}"] = data
        self.entries[tag] = struct.pack("<II", size, 0)

    def string(self, pid: int, value: str) -> None:
        data = value.encode("utf-16-le")
        self._variable(pid, PT_UNICODE, data, len(data) + 2)

    def binary(self, pid: int, value: bytes) -> None:
        self._variable(pid, PT_BINARY, value, len(value))

    def long(self, pid: int, value: int) -> None:
        self.entries[(pid << 16) | PT_LONG] = struct.pack("<Ii", value & 0xFFFFFFFF, 0)

    def boolean(self, pid: int, value: bool) -> None:
        self.entries[(pid << 16) | PT_BOOLEAN] = struct.pack("<HHI", int(value), 0, 0)

    def time(self, pid: int, value: datetime) -> None:
        ticks = (value - _EPOCH_1601) // timedelta(microseconds=1) * 10  # 100 ns units
        self.entries[(pid << 16) | PT_SYSTIME] = struct.pack("<Q", ticks)

    def files(self, storage: str, header: bytes) -> dict[str, bytes]:
        prefix = f"{storage}/" if storage else ""
        table = b"".join(
            struct.pack("<II", tag, READABLE_WRITABLE) + value
            for tag, value in sorted(self.entries.items())
        )
        out = {f"{prefix}{PROPS}": header + table}
        out.update({f"{prefix}{name}": data for name, data in self.streams.items()})
        return out


def short_name(long_name: str, number: int = 1) -> str:
    """An 8.3 name as Windows derives it: ASCII letters, upper case, ``~N`` when shortened."""
    path = PurePath(long_name)
    stem, ext = path.stem, path.suffix.lstrip(".")

    def ascii_only(text: str) -> str:
        text = text.replace("đ", "d").replace("Đ", "D")
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9_~-]", "", folded).upper()

    stem, ext = ascii_only(stem), ascii_only(ext)[:3]
    if len(stem) > 8:
        stem = f"{stem[:6]}~{number}"
    return f"{stem}.{ext}" if ext else stem


def _subject_prefix(subject: str) -> str:
    """``"RE: "`` of ``"RE: Báo cáo"``: MS-OXCMSG's prefix (at most 3 letters, colon, space)."""
    match = re.match(r"[^\W\d_]{1,3}: ", subject)
    return match.group(0) if match else ""


def make_msg(
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes]],
    sender: str = SENDER,
    *,
    to: str = RECIPIENT,
    sent: datetime = SENT,
    message_class: str = "IPM.Note",
    long_names: bool = True,
) -> bytes:
    """The bytes of an Outlook .msg holding one received mail and its attachments by value.

    ``sender`` and ``to`` are ``"Display Name <address>"``; ``attachments`` are
    ``(long file name, bytes)`` pairs, in the order Outlook lists them. With
    ``long_names=False`` an attachment has only its 8.3 name (PidTagAttachFilename), as some
    older mail programs write it; ``message_class`` is PidTagMessageClass (for an S/MIME
    clear-signed mail: ``"IPM.Note.SMIME.MultipartSigned"``).
    """
    streams: dict[str, bytes] = {}
    sender_name, sender_addr = parseaddr(sender)
    to_name, to_addr = parseaddr(to)

    message = _Properties()
    prefix = _subject_prefix(subject)
    message.string(0x001A, message_class)  # PidTagMessageClass
    message.string(0x0037, subject)  # PidTagSubject
    message.string(0x003D, prefix)  # PidTagSubjectPrefix
    message.string(0x0E1D, subject[len(prefix) :])  # PidTagNormalizedSubject
    message.string(0x0070, subject[len(prefix) :])  # PidTagConversationTopic
    message.string(0x1000, body)  # PidTagBody
    for pid, value in (
        (0x0C1A, sender_name or sender_addr),  # PidTagSenderName
        (0x0C1E, "SMTP"),  # PidTagSenderAddressType
        (0x0C1F, sender_addr),  # PidTagSenderEmailAddress
        (0x5D01, sender_addr),  # PidTagSenderSmtpAddress
        (0x0042, sender_name or sender_addr),  # PidTagSentRepresentingName
        (0x0064, "SMTP"),  # PidTagSentRepresentingAddressType
        (0x0065, sender_addr),  # PidTagSentRepresentingEmailAddress
        (0x0E04, to_name or to_addr),  # PidTagDisplayTo
        (0x0E03, ""),  # PidTagDisplayCc
        (0x0E02, ""),  # PidTagDisplayBcc
    ):
        message.string(pid, value)
    message.time(0x0039, sent)  # PidTagClientSubmitTime
    message.time(0x0E06, sent)  # PidTagMessageDeliveryTime
    flags = MSGFLAG_READ | (MSGFLAG_HASATTACH if attachments else 0)
    message.long(0x0E07, flags)  # PidTagMessageFlags
    message.boolean(0x0E1B, bool(attachments))  # PidTagHasAttachments
    message.long(0x340D, STORE_UNICODE_OK)  # PidTagStoreSupportMask
    message.long(0x3FDE, 65001)  # PidTagInternetCodepage (UTF-8)

    recipients = [(to_name or to_addr, to_addr)]
    header = struct.pack(
        "<8sIIII8s", b"", len(recipients), len(attachments), len(recipients), len(attachments), b""
    )
    streams.update(message.files("", header))

    for i, (name, addr) in enumerate(recipients):
        recip = _Properties()
        recip.long(0x3000, i)  # PidTagRowid
        recip.long(0x0C15, MAPI_TO)  # PidTagRecipientType
        recip.string(0x3001, name)  # PidTagDisplayName
        recip.string(0x3002, "SMTP")  # PidTagAddressType
        recip.string(0x3003, addr)  # PidTagEmailAddress
        recip.string(0x39FE, addr)  # PidTagSmtpAddress
        streams.update(recip.files(f"__recip_version1.0_#{i:08X}", b"\0" * 8))

    for i, (filename, data) in enumerate(attachments):
        att = _Properties()
        suffix = PurePath(filename).suffix
        mime = mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"
        att.long(0x0E21, i)  # PidTagAttachNumber
        att.long(0x3705, ATTACH_BY_VALUE)  # PidTagAttachMethod
        att.long(0x370B, -1)  # PidTagRenderingPosition: not rendered in the body
        att.long(0x0E20, len(data))  # PidTagAttachSize
        att.long(0x3714, 0)  # PidTagAttachFlags
        att.boolean(0x7FFE, False)  # PidTagAttachmentHidden
        short = short_name(filename, i + 1)
        att.string(0x3001, filename if long_names else short)  # PidTagDisplayName
        att.string(0x3703, suffix)  # PidTagAttachExtension
        att.string(0x3704, short)  # PidTagAttachFilename (8.3)
        if long_names:
            att.string(0x3707, filename)  # PidTagAttachLongFilename
        att.string(0x370E, mime)  # PidTagAttachMimeTag
        att.binary(0x3701, data)  # PidTagAttachDataBinary
        streams.update(att.files(f"__attach_version1.0_#{i:08X}", b"\0" * 8))

    # Named-property mapping: GUID, entry and string streams (none used, so empty).
    for stream in ("__substg1.0_00020102", "__substg1.0_00030102", "__substg1.0_00040102"):
        streams[f"{NAMEID}/{stream}"] = b""
    return write_cfb(streams)
