"""The mail the office sends: forms, reminders, acknowledgements of returns. Pure.

Subject and body come from an editable jinja2 template (``templates/thu_*.txt.j2``: a first
line "Tiêu đề: …", a blank line, the body). :func:`build_message` makes the
:class:`email.message.EmailMessage` with the standard library's default policy, which
encodes Vietnamese headers (RFC 2047) and attachment names (RFC 2231). Everything in a
message but its Date follows from its key, so the preview (``--dry-run``) is what is sent:
the Message-ID and the MIME boundaries are derived from the key.
"""

from __future__ import annotations

import email.policy
import hashlib
import mimetypes
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from pathlib import Path
from typing import Any

from .agencies import Agency, AgencyCatalogue
from .errors import TemplateError, UsageError
from .letterhead import office_in_place
from .merge import ReturnResult
from .model import nfc, yes_no
from .returns import FormFile

KIND_FORMS = "phieu"  # forms and their cover letters
KIND_REMINDER = "don-doc"
KIND_ACK = "xac-nhan"
KIND_LABELS = {
    KIND_FORMS: "thư gửi phiếu báo cáo",
    KIND_REMINDER: "thư gửi công văn đôn đốc",
    KIND_ACK: "thư xác nhận phiếu",
}
TEMPLATES = {KIND_FORMS: "thu_phieu", KIND_REMINDER: "thu_don_doc", KIND_ACK: "thu_xac_nhan"}
SUBJECT_PREFIX = "Tiêu đề:"
KEY_HEADER = "X-TheoDoi-Key"
# Headers are written unfolded: Python 3.11's folding of RFC 2047 encoded words drops the space
# between two words that land on either side of a fold ("báo cáo" arrived as "báocáo"). The
# bodies and attachments are already encoded (quoted-printable, base64) when this applies.
WIRE_POLICY = email.policy.default.clone(max_line_length=0)


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes

    @property
    def mime(self) -> tuple[str, str]:
        guessed = mimetypes.guess_type(self.name)[0] or "application/octet-stream"
        main, _, sub = guessed.partition("/")
        return main, sub


@dataclass
class OutgoingMail:
    """One message to send; ``key`` names it in the ledger (never sent twice)."""

    key: str
    kind: str
    period: str
    agency_code: str
    agency_name: str
    to: list[str]
    subject: str
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    in_reply_to: str = ""
    references: str = ""

    def file_stem(self) -> str:
        """The preview file's name: kind, agency, and the key's hash when it is an ack."""
        tail = "" if self.kind != KIND_ACK else "_" + _digest(self.key)[:8]
        code = re.sub(r"[^A-Za-z0-9]", "", self.agency_code) or "KhongRo"
        return f"{self.kind}_{code}_{self.period}{tail}"


@dataclass(frozen=True)
class Unaddressed:
    """A mail that cannot go: the agency and why (no address in "Cơ quan")."""

    agency_code: str
    agency_name: str
    reason: str


def addresses(text: str) -> list[str]:
    """The addresses in a "Cơ quan" Email cell: several, separated by ; or , (lower case)."""
    parts = re.split(r"[;,\s]+", nfc(text))
    found = [a for _, a in getaddresses(parts) if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", a)]
    return list(dict.fromkeys(a.lower() for a in found))


def render(template: str, context: Mapping[str, Any], name: str) -> tuple[str, str]:
    """(subject, body) from a mail template's text."""
    import jinja2

    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False
    )
    try:
        text = env.from_string(template).render(**context)
    except jinja2.TemplateError as exc:
        raise TemplateError(
            f"Mẫu thư {name} có lỗi ({exc.message or type(exc).__name__}); hãy sửa lại mẫu."
        ) from None
    # NFC only: nfc() would also fold the lines of the body into one.
    text = unicodedata.normalize("NFC", text.lstrip("\n"))
    first, _, rest = text.partition("\n")
    if not first.startswith(SUBJECT_PREFIX):
        raise TemplateError(
            f"Mẫu thư {name} phải bắt đầu bằng dòng “{SUBJECT_PREFIX} …” (tiêu đề thư)."
        )
    subject = " ".join(first[len(SUBJECT_PREFIX) :].split())
    body = re.sub(r"\n{3,}", "\n\n", rest.strip("\n")) + "\n"
    return subject, body


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def message_id(key: str, sender: str) -> str:
    domain = sender.rpartition("@")[2] or "theodoi.invalid"
    return f"<{_digest(key)[:32]}.theodoi@{domain}>"


def build_message(
    mail: OutgoingMail, sender: str, sender_name: str, when: datetime
) -> EmailMessage:
    """The message as it is previewed and sent; only Date depends on ``when``."""
    msg = EmailMessage()
    msg["From"] = f"{sender_name} <{sender}>" if sender_name else sender
    msg["To"] = ", ".join(mail.to)
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(when.astimezone())
    msg["Message-ID"] = message_id(mail.key, sender)
    msg[KEY_HEADER] = mail.key  # a previewed reply is sent from its file (mail_send.queued)
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
        msg["References"] = " ".join(p for p in (mail.references, mail.in_reply_to) if p)
    # Quoted-printable: 8-bit text would need the server's 8BITMIME, and stays readable in a
    # preview file.
    msg.set_content(mail.body, cte="quoted-printable")
    for att in mail.attachments:
        main, sub = att.mime
        msg.add_attachment(att.data, maintype=main, subtype=sub, filename=att.name)
    # Fixed boundaries: a random one would make the preview differ from what is sent.
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_theodoi_{_digest(mail.key)[:24]}_{n}")
    msg.policy = WIRE_POLICY
    return msg


# -- acknowledgements -----------------------------------------------------------------------
def unknown_sender_allowed(config: Mapping[str, str]) -> bool:
    value = yes_no(config.get("mail_unknown_sender") or "không")
    if value is None:
        raise UsageError(
            "Ô “Tổng hợp phiếu gửi từ địa chỉ thư lạ” ở trang “Cấu hình” phải là “có” hoặc "
            f"“không” (đang là “{nfc(config.get('mail_unknown_sender'))}”)."
        )
    return value


def sender_known(agency: Agency | None, sender: str) -> bool:
    """Whether ``sender`` is one of the agency's addresses in "Cơ quan"."""
    return agency is not None and sender.lower() in addresses(agency.email)


def unknown_sender_reason(sender: str, agency: Agency) -> str:
    return (
        f"Phiếu gửi từ địa chỉ thư {sender}, không phải địa chỉ đã đăng ký của {agency.name} "
        "ở trang “Cơ quan”. Hãy gửi phiếu từ địa chỉ đã đăng ký, hoặc đề nghị Văn phòng bổ sung "
        "địa chỉ này."
    )


def ack_mail(
    result: ReturnResult,
    sender: str,
    message_id_: str,
    subject: str,
    references: str,
    catalogue: AgencyCatalogue,
    config: Mapping[str, str],
    template: str,
    merge_period: str,
) -> OutgoingMail | Unaddressed:
    """The reply to one return that came by mail, to the agency's registered address; filed
    (preview, ledger) under the merge's period ``merge_period``.

    The reply goes to the sender only when the sender is one of the agency's addresses; to
    the agency's registered addresses otherwise; nowhere when neither is known (a file that
    names no agency sent from an address no agency has)."""
    agency = catalogue.get(result.agency_code) if result.agency_code else None
    if agency is None:  # an unreadable return: whose sender is it?
        agency = next((a for a in catalogue if sender in addresses(a.email)), None)
    if agency is None:
        return Unaddressed(
            "",
            sender,
            f"phiếu {result.name} không ghi cơ quan nào và địa chỉ {sender} chưa "
            "đăng ký ở trang “Cơ quan”, nên không gửi thư xác nhận",
        )
    registered = addresses(agency.email)
    if not registered:
        return Unaddressed(
            agency.code, agency.name, "chưa có địa chỉ thư ở trang “Cơ quan”, cột Email"
        )
    known = sender in registered
    to = [sender] if known else registered
    context = {
        "office": office_in_place(config),
        "agency_name": agency.name,
        "agency_addressee": agency.addressee_line,
        "file_name": result.name.rsplit(" › ", 1)[-1],
        "period_label": _period_label(result.period),
        "received_subject": subject,
        "sender_note": "" if known else f"gửi từ địa chỉ {sender}, chưa đăng ký",
        "status": result.status,
        "tasks": list(dict.fromkeys(result.updated_keys)),
        "changes": [
            {"key": c.key, "header": c.header, "new": _shown(c.new)} for c in result.changes
        ],
        "reasons": list(result.reasons),
        "warnings": list(result.warnings),
    }
    subject_line, body = render(template, context, TEMPLATES[KIND_ACK])
    return OutgoingMail(
        # ASCII (it travels in a header); the name tells apart two members of one mail.
        key=f"{KIND_ACK}|{agency.code}|{result.sha256}|{_digest(result.name)[:12]}",
        kind=KIND_ACK,
        period=merge_period,
        agency_code=agency.code,
        agency_name=agency.name,
        to=to,
        subject=subject_line,
        body=body,
        in_reply_to=message_id_,
        references=references,
    )


def _period_label(code: str) -> str:
    from .period import parse_period

    try:
        return parse_period(code).label if code else ""
    except UsageError:
        return code


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(để trống)"
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def agency_mail(
    kind: str,
    agency: Agency,
    period_code: str,
    period_label: str,
    attachments: Sequence[Attachment],
    config: Mapping[str, str],
    template: str,
    *,
    deadline: str = "",
    has_letter: bool = False,
    dated: str = "",
) -> OutgoingMail | Unaddressed:
    """A form (with its cover letter) or a reminder to one agency's addresses; ``dated``
    (a reminder's date) makes each day's letter a message of its own."""
    to = addresses(agency.email)
    if not to:
        return Unaddressed(
            agency.code, agency.name, "chưa có địa chỉ thư ở trang “Cơ quan”, cột Email"
        )
    context = {
        "office": office_in_place(config),
        "plan_name": nfc(config.get("plan_name")),
        "agency_name": agency.name,
        "agency_addressee": agency.addressee_line,
        "period_label": period_label,
        "deadline": deadline,
        "has_letter": has_letter,
        "attachments": [a.name for a in attachments],
    }
    subject, body = render(template, context, TEMPLATES[kind])
    return OutgoingMail(
        # A reminder is a dated letter: each day's is its own message, sent once.
        key="|".join(p for p in (kind, period_code, agency.code, dated) if p),
        kind=kind,
        period=period_code,
        agency_code=agency.code,
        agency_name=agency.name,
        to=to,
        subject=subject,
        body=body,
        attachments=list(attachments),
    )


def from_preview(msg: EmailMessage) -> OutgoingMail | None:
    """The mail a preview file holds (an acknowledgement: no attachments), or None."""
    key = str(msg.get(KEY_HEADER) or "")
    kind, _, rest = key.partition("|")
    if kind != KIND_ACK or not rest:
        return None
    body = msg.get_body(("plain",))
    in_reply_to = str(msg.get("In-Reply-To") or "")
    references = str(msg.get("References") or "").split()
    if references and references[-1] == in_reply_to:
        references = references[:-1]
    return OutgoingMail(
        key=key,
        kind=kind,
        period="",
        agency_code=rest.split("|", 1)[0],
        agency_name="",
        to=[a for _, a in getaddresses([str(msg.get("To") or "")]) if a],
        subject=str(msg.get("Subject") or ""),
        body=body.get_content() if body is not None else "",
        in_reply_to=in_reply_to,
        references=" ".join(references),
    )


def screen_senders(
    forms: Sequence[FormFile], catalogue: AgencyCatalogue, senders: Mapping[Path, str]
) -> tuple[list[FormFile], list[ReturnResult]]:
    """The returns to merge, and the refusals of those mailed (``senders``: the sender of
    each mail file) from an address that is not one of their agency's in "Cơ quan". An agency
    with no address registered cannot be checked: its returns pass. Called only when "Tổng
    hợp phiếu gửi từ địa chỉ thư lạ" is "không"."""
    kept: list[FormFile] = []
    refused: list[ReturnResult] = []
    for form in forms:
        sender = senders.get(form.source.path, "")
        agency = catalogue.get(str(form.meta.get("agency_code") or ""))
        registered = addresses(agency.email) if agency is not None else []
        if agency is None or not sender or not registered or sender in registered:
            kept.append(form)
            continue
        src = form.source
        refused.append(
            ReturnResult(
                src.name,
                src.sha256,
                src.path,
                "refused",
                agency_code=agency.code,
                agency_name=agency.name,
                period=str(form.meta.get("period") or ""),
                reasons=[unknown_sender_reason(sender, agency)],
            )
        )
    return kept, refused
