"""Who sent a return that came by e-mail: the headers of an .eml or Outlook .msg file.

The acknowledgement replies to that message (In-Reply-To, References) and the merge checks
the sender against the agency's addresses in "Cơ quan"
(:func:`xladdin.core.mail_compose.screen_senders`).
"""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import getaddresses
from pathlib import Path

MAIL_SUFFIXES = (".eml", ".msg")
_HEAD = 256 * 1024  # the headers are at the top; a return's attachment can be megabytes


@dataclass(frozen=True)
class MailOrigin:
    sender: str  # the address alone, lower case
    message_id: str
    subject: str
    references: str = ""


def origin_of(path: Path) -> MailOrigin | None:
    """The sender of the mail file ``path``; None when it is no mail or cannot be read."""
    suffix = Path(path).suffix.lower()
    try:
        if suffix == ".eml":
            return _from_eml(Path(path))
        if suffix == ".msg":
            return _from_msg(Path(path))
    except (OSError, ValueError, UnicodeError, LookupError):
        return None
    return None


def _address(text: str) -> str:
    found = [addr for _, addr in getaddresses([text]) if "@" in addr]
    return found[0].strip().lower() if found else ""


def _from_eml(path: Path) -> MailOrigin | None:
    with path.open("rb") as f:
        head = f.read(_HEAD)
    # Only the header block: parsing the body would decode every attachment again.
    end = head.find(b"\r\n\r\n")
    end = head.find(b"\n\n") if end < 0 else end
    msg = email.message_from_bytes(head[: end if end >= 0 else None], policy=email.policy.default)
    sender = _address(str(msg.get("From") or ""))
    if not sender:
        return None
    return MailOrigin(
        sender,
        str(msg.get("Message-ID") or "").strip(),
        str(msg.get("Subject") or "").strip(),
        str(msg.get("References") or "").strip(),
    )


def _from_msg(path: Path) -> MailOrigin | None:
    import extract_msg

    try:
        msg = extract_msg.openMsg(io.BytesIO(path.read_bytes()))
    except Exception:  # extract_msg raises many kinds on a damaged file
        return None
    try:
        sender = _address(str(getattr(msg, "sender", "") or ""))
        if not sender:
            return None
        return MailOrigin(
            sender,
            str(getattr(msg, "messageId", "") or "").strip(),
            str(getattr(msg, "subject", "") or "").strip(),
        )
    except Exception:
        return None
    finally:
        msg.close()


def origins_of(paths: Iterable[Path]) -> dict[Path, MailOrigin]:
    """The sender of each mail file among ``paths`` (each read once)."""
    out: dict[Path, MailOrigin] = {}
    for path in set(paths):
        if Path(path).suffix.lower() in MAIL_SUFFIXES:
            found = origin_of(path)
            if found is not None:
                out[path] = found
    return out
