"""The batches of mail: forms with their cover letters, reminders, acknowledgements.

Each function turns what a command made (forms, letters, a merge's results) into
:class:`~xladdin.core.mail_compose.OutgoingMail` and hands them to
:func:`xladdin.commands.mail_send.deliver`. Agencies without an address in "Cơ quan" are
listed in the outcome, never skipped silently; the issuing office is not mailed its own form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from ..book.base import Book
from ..core.agencies import AgencyCatalogue
from ..core.deadlines import configured_deadline
from ..core.letter_kinds import LetterKind, file_name
from ..core.letterhead import Letterhead
from ..core.letters import issuing_agency
from ..core.mail_compose import (
    KIND_ACK,
    KIND_FORMS,
    KIND_REMINDER,
    TEMPLATES,
    Attachment,
    OutgoingMail,
    Unaddressed,
    ack_mail,
    agency_mail,
)
from ..core.tracker import TrackerData
from ..io.mail_origin import MailOrigin
from ..io.workspace import Workspace
from .forms import FormsOutcome
from .letters import LettersOutcome
from .mail_send import SendOutcome, deliver, queued, template_text, would_send
from .merge import MergeOutcome


def _file(
    made: OutgoingMail | Unaddressed, mails: list[OutgoingMail], unaddressed: list[Unaddressed]
) -> None:
    """A mail to send, or an agency it could not be addressed to."""
    if isinstance(made, OutgoingMail):
        mails.append(made)
    else:
        unaddressed.append(made)


def _letter_attachment(docx: Path) -> Attachment:
    """The PDF when LibreOffice made one (what an agency can open anywhere), else the .docx."""
    pdf = docx.with_suffix(".pdf")
    chosen = pdf if pdf.is_file() else docx
    return Attachment(chosen.name, chosen.read_bytes())


def send_forms(
    data: TrackerData,
    ws: Workspace,
    outcome: FormsOutcome,
    letters: Sequence[Path],
    *,
    dry_run: bool | None = None,
    resend_unconfirmed: bool = False,
    now: datetime | None = None,
) -> SendOutcome:
    """Each agency's form and cover letter to its addresses (``theodoi forms --send``)."""
    mails, unaddressed = forms_batch(data, ws, outcome, letters)
    return deliver(
        ws,
        data.config,
        KIND_FORMS,
        mails,
        unaddressed,
        dry_run=dry_run,
        resend_unconfirmed=resend_unconfirmed,
        now=now,
    )


def forms_batch(
    data: TrackerData, ws: Workspace, outcome: FormsOutcome, letters: Sequence[Path]
) -> tuple[list[OutgoingMail], list[Unaddressed]]:
    """The forms' mail, one per agency with an address, and the agencies without one."""
    catalogue = data.catalogue()
    template = template_text(TEMPLATES[KIND_FORMS], ws.root)
    by_name = {p.name: p for p in letters}
    period = outcome.period
    mails: list[OutgoingMail] = []
    unaddressed: list[Unaddressed] = []
    due = configured_deadline(outcome.issued_at.date(), data.config).text
    # The issuing office fills its own form at its desk: no mail to itself, and not "no
    # address" either (a warning every run otherwise).
    head = Letterhead.from_config(data.config, outcome.issued_at.date(), period)
    issuer = issuing_agency(head, catalogue)
    for form in outcome.forms:
        agency = catalogue.get(form.code)
        if agency is None or (issuer is not None and agency.code == issuer.code):
            continue
        attachments = [Attachment(form.path.name, form.path.read_bytes())]
        letter = by_name.get(file_name(LetterKind.REQUEST, period.code, form.code))
        if letter is not None:
            attachments.append(_letter_attachment(letter))
        made = agency_mail(
            KIND_FORMS,
            agency,
            period.code,
            period.label,
            attachments,
            data.config,
            template,
            deadline=due,
            has_letter=letter is not None,
        )
        _file(made, mails, unaddressed)
    return mails, unaddressed


def send_reminders(
    data: TrackerData,
    ws: Workspace,
    letters: LettersOutcome,
    *,
    today: date | None = None,
    dry_run: bool | None = None,
    resend_unconfirmed: bool = False,
    now: datetime | None = None,
) -> SendOutcome:
    """Each reminder letter to its agency (``theodoi letters --kind don-doc --send``)."""
    catalogue = data.catalogue()
    template = template_text(TEMPLATES[KIND_REMINDER], ws.root)
    dated = (now or datetime.now()).date().isoformat() if today is None else today.isoformat()
    mails: list[OutgoingMail] = []
    unaddressed: list[Unaddressed] = []
    for f in letters.files:
        if f.kind != LetterKind.REMINDER:
            continue
        agency = catalogue.get(f.agency_code)
        if agency is None:
            continue
        attachment = (
            Attachment(f.pdf.name, f.pdf.read_bytes()) if f.pdf else _letter_attachment(f.docx)
        )
        made = agency_mail(
            KIND_REMINDER,
            agency,
            letters.period.code,
            letters.period.label,
            [attachment],
            data.config,
            template,
            dated=dated,
        )
        _file(made, mails, unaddressed)
    return deliver(
        ws,
        data.config,
        KIND_REMINDER,
        mails,
        unaddressed,
        dry_run=dry_run,
        resend_unconfirmed=resend_unconfirmed,
        now=now,
    )


def ack_batch(
    outcome: MergeOutcome, catalogue: AgencyCatalogue, config: dict[str, str], root: Path
) -> tuple[list[OutgoingMail], list[Unaddressed]]:
    """One reply per return of the merge that came by mail (see :attr:`MergeOutcome.origins`)."""
    template = template_text(TEMPLATES[KIND_ACK], root)
    mails: list[OutgoingMail] = []
    unaddressed: list[Unaddressed] = []
    for r in outcome.results:
        origin: MailOrigin | None = outcome.origins.get(r.path)
        if origin is None:
            continue
        made = ack_mail(
            r,
            origin.sender,
            origin.message_id,
            origin.subject,
            origin.references,
            catalogue,
            config,
            template,
            outcome.period.code,
        )
        _file(made, mails, unaddressed)
    # Replies previewed by an earlier merge: their returns are archived now, so the preview
    # files are what is left of them; they go with this run's.
    fresh = {m.key for m in mails}
    for m in queued(outcome.workspace.folder(config, "outbox_dir"), outcome.period.code):
        if m.key not in fresh:
            agency = catalogue.get(m.agency_code)
            m.agency_name = agency.name if agency is not None else m.agency_code
            m.period = outcome.period.code
            mails.append(m)
    return mails, unaddressed


def send_acks(
    data: TrackerData,
    ws: Workspace,
    outcome: MergeOutcome,
    *,
    dry_run: bool | None = None,
    resend_unconfirmed: bool = False,
    now: datetime | None = None,
) -> SendOutcome:
    """The acknowledgements of a merge (``theodoi merge --send-acks``, the scheduled job)."""
    mails, unaddressed = ack_batch(outcome, data.catalogue(), data.config, ws.root)
    return deliver(
        ws,
        data.config,
        KIND_ACK,
        mails,
        unaddressed,
        dry_run=dry_run,
        resend_unconfirmed=resend_unconfirmed,
        now=now,
    )


# -- the calls of the CLI and the scheduled job: read the tracker once, make, mail -----------
def issue_and_send_forms(
    period: str | None,
    *,
    workbook: Path | None = None,
    pdf: bool = False,
    dry_run: bool | None = None,
    resend_unconfirmed: bool = False,
) -> tuple[FormsOutcome, list[Path], SendOutcome]:
    """``theodoi forms --send``: the forms and cover letters, then the mail."""
    from ..book.base import read_data
    from ..book.file import open_tracker
    from .forms import write_forms_and_letters

    book = open_tracker(workbook)
    data = read_data(book)
    outcome, letters = write_forms_and_letters(data, book.workspace, period, pdf=pdf)
    sent = send_forms(
        data, book.workspace, outcome, letters,
        dry_run=dry_run, resend_unconfirmed=resend_unconfirmed,
    )  # fmt: skip
    return outcome, letters, sent


def make_and_send_reminders(
    *,
    workbook: Path | None = None,
    agency: str | None = None,
    pdf: bool = False,
    today: date | None = None,
    dry_run: bool | None = None,
    resend_unconfirmed: bool = False,
) -> tuple[LettersOutcome, SendOutcome]:
    """``theodoi letters --kind don-doc --send``: the reminders, then the mail."""
    from ..book.base import read_data
    from ..book.file import open_tracker
    from ..io import letters_io
    from .letters import write_letters

    soffice = letters_io.require_soffice() if pdf else None
    book = open_tracker(workbook)
    data = read_data(book)
    letters = write_letters(
        data, book.workspace, [LetterKind.REMINDER], agency=agency, soffice=soffice, today=today
    )
    sent = send_reminders(
        data,
        book.workspace,
        letters,
        today=today,
        dry_run=dry_run,
        resend_unconfirmed=resend_unconfirmed,
    )
    return letters, sent


def merge_and_acknowledge(
    paths: Sequence[Path] = (),
    *,
    workbook: Path | None = None,
    today: date | None = None,
    dry_run: bool | None = None,
    resend_unconfirmed: bool = False,
) -> tuple[MergeOutcome, SendOutcome]:
    """``theodoi merge --send-acks``: the merge, then a reply to each return that came by mail."""
    from ..book.base import read_data
    from ..book.file import open_tracker
    from .merge import merge_returns

    outcome = merge_returns(list(paths), workbook=workbook, today=today)
    data = read_data(open_tracker(workbook))
    sent = send_acks(
        data, outcome.workspace, outcome, dry_run=dry_run, resend_unconfirmed=resend_unconfirmed
    )
    return outcome, sent


def send_forms_confirmed(
    book: Book, confirm: Callable[[str], bool], *, now: datetime | None = None
) -> str:
    """The "Gửi phiếu qua thư" button: the forms and cover letters, then a confirmation box
    saying how many mails go to whom, then the mail (the first send of a period: a preview)."""
    from ..book.base import read_data
    from . import forms

    data = read_data(book)
    ws = book.workspace
    outcome, letters = forms.write_forms_and_letters(data, ws, None, now=now)
    mails, unaddressed = forms_batch(data, ws, outcome, letters)
    pending, preview = would_send(ws, data.config, KIND_FORMS, mails)
    made = forms.message(outcome, letters)
    if not pending:
        return made + "\nKhông có thư nào cần gửi: mọi cơ quan có địa chỉ đã nhận thư của kỳ này."
    if not confirm(confirmation(pending, unaddressed, preview, outcome.period.label)):
        return made + "\nChưa gửi thư nào (đã chọn không gửi)."
    sent = deliver(ws, data.config, KIND_FORMS, mails, unaddressed, dry_run=None, now=now)
    return made + "\n" + sent.message()


def confirmation(
    pending: Sequence[OutgoingMail], unaddressed: Sequence[Unaddressed], preview: bool, label: str
) -> str:
    """The question of the confirmation box, in Vietnamese."""
    verb = "ghi thư xem trước (chưa gửi đi, lần đầu của kỳ)" if preview else "gửi"
    lines = [f"Sẽ {verb} {len(pending)} thư phiếu báo cáo kỳ {label} cho:"]
    lines += [f"• {m.agency_name}: {', '.join(m.to)}" for m in pending[:15]]
    if len(pending) > 15:
        lines.append(f"… và {len(pending) - 15} cơ quan khác.")
    if unaddressed:
        names = ", ".join(u.agency_name or u.agency_code for u in unaddressed)
        lines.append(f"Chưa có địa chỉ thư, không gửi: {names}.")
    lines.append("Tiếp tục?")
    return "\n".join(lines)
