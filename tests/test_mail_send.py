"""Sending forms, reminders and acknowledgements, against a real SMTP server (aiosmtpd on
loopback with TLS and AUTH, see smtpserver.py): what arrives is parsed back with the
``email`` package; the ledger keeps every agency from being mailed twice, across a dropped
connection and re-runs; the preview is what is sent."""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest
import xlremote
from conftest import RETURNS, corpus_generator
from imapserver import dovecot_binary, running_dovecot
from smtpserver import SmtpServer, running_smtp

from xladdin.adapters.cli import main
from xladdin.adapters.job_specs import JobContext
from xladdin.adapters.job_tasks import collect, reminders
from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands import config as settings
from xladdin.commands.config import set_config
from xladdin.commands.mail_batches import (
    issue_and_send_forms,
    make_and_send_reminders,
    merge_and_acknowledge,
)
from xladdin.commands.mail_send import deliver, wire_bytes
from xladdin.commands.mailbox import collect_mail, finish_mail
from xladdin.core.mail_compose import Attachment, OutgoingMail
from xladdin.io.mail_ledger import LEDGER_NAME, SENDING, SENT, read_ledger
from xladdin.io.workspace import Workspace

xw_remote = xlremote.xw_remote  # the fixture of xlwings' remote engine
PERIOD = "2026-11"
TODAY = date(2026, 11, 27)
EMAILS = {
    "STC": "stc@dienbien.test",
    "BTCTU": "btctu@dienbien.test; vanthu.btctu@dienbien.test",
    "UBKTTU": "ubkttu@dienbien.test",
    "BTGVDVTU": "btgvdv@dienbien.test",
    "BNCTU": "bnctu@dienbien.test",
}  # VPTU, the issuing office, has none: it is not mailed its own form
# The implicit-TLS server does not count its TLS as TLS for AUTH (only STARTTLS), and says so.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def parse(data: bytes) -> EmailMessage:
    msg = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(msg, EmailMessage)
    return msg


def attachment_names(msg: EmailMessage) -> list[str]:
    return sorted(str(p.get_filename()) for p in msg.iter_attachments())


@pytest.fixture(scope="module")
def corpus_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws: Workspace = corpus_generator().build_workspace(tmp_path_factory.mktemp("send") / "ws")
    return ws


@pytest.fixture(params=["STARTTLS", "TLS"])
def server(request: pytest.FixtureRequest, monkeypatch: Any) -> Iterator[SmtpServer]:
    with running_smtp(request.param) as srv:
        for k, v in srv.env().items():
            monkeypatch.setenv(k, v)
        yield srv


@pytest.fixture
def ws(corpus_ws: Workspace, tmp_path: Path, server: SmtpServer) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(corpus_ws.root, root)
    ws = Workspace(root, root / corpus_ws.workbook.name)
    set_config(server.config(), workbook=ws.workbook)
    for code, email in EMAILS.items():
        settings.agency_email(code, email, workbook=ws.workbook)
    return ws


BY_ADDRESS = {a.strip(): code for code, text in EMAILS.items() for a in text.split(";")}


def received_by_agency(server: SmtpServer) -> Counter[str]:
    return Counter(BY_ADDRESS[r.recipients[0]] for r in server.accepted)


def test_forms_previewed_first_then_sent_once(ws: Workspace, server: SmtpServer) -> None:
    _, _, first = issue_and_send_forms(PERIOD, workbook=ws.workbook)
    assert first.dry_run and first.first_preview and not server.accepted
    assert len(first.previewed) == len(EMAILS)
    assert all(p.parent == ws.root / "outbox" / PERIOD / "thu" for p in first.previewed)
    # The issuing office (VPTU) fills its own form: not mailed, not "without an address".
    assert first.unaddressed == []

    outcome, _, sent = issue_and_send_forms(PERIOD, workbook=ws.workbook)
    assert not sent.dry_run and len(sent.sent) == len(EMAILS) == len(server.accepted)
    catalogue = read_data(open_tracker(ws.workbook)).catalogue()
    for r in server.accepted:
        msg = parse(r.data)
        agency = catalogue.get(BY_ADDRESS[r.recipients[0]])
        assert agency is not None and str(msg["Subject"]).endswith(agency.name)
        want = sorted(a.strip() for a in EMAILS[agency.code].split(";"))
        assert sorted(r.recipients) == want
        assert sorted(a for _, a in getaddresses([str(msg["To"])])) == want
        assert r.sender == server.config()["smtp_sender"]
        assert attachment_names(msg) == sorted(
            [
                f"PhieuBaoCao_{agency.code}_{PERIOD}.xlsx",
                f"CV_DeNghiBaoCao_{agency.code}_{PERIOD}.docx",
            ]
        )
        form = next(p for p in msg.iter_attachments() if str(p.get_filename()).endswith(".xlsx"))
        assert form.get_content() == (outcome.folder / str(form.get_filename())).read_bytes()
        assert "Kính gửi:" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    rows = read_ledger(ws.root / "outbox")
    assert Counter(r.status for r in rows) == {SENDING: len(EMAILS), SENT: len(EMAILS)}
    assert all(r.reply.startswith("250") for r in rows if r.status == SENT)

    _, _, again = issue_and_send_forms(PERIOD, workbook=ws.workbook)
    assert not again.sent and len(again.already) == len(EMAILS)
    assert len(server.accepted) == len(EMAILS)


def test_dropped_connection_then_rerun_mails_every_agency_once(
    ws: Workspace, server: SmtpServer
) -> None:
    issue_and_send_forms(PERIOD, workbook=ws.workbook, dry_run=True)
    server.drop_at = 3
    _, _, broken = issue_and_send_forms(PERIOD, workbook=ws.workbook)
    assert len(broken.sent) == 2 and len(broken.failed) == 1
    assert len(broken.not_tried) == len(EMAILS) - 3
    assert "ngắt" in broken.failed[0][1]
    _, _, rest = issue_and_send_forms(PERIOD, workbook=ws.workbook)
    assert len(rest.sent) == len(EMAILS) - 2 and len(rest.already) == 2
    counts = received_by_agency(server)
    assert len(counts) == len(EMAILS) and set(counts.values()) == {1}


def test_interrupted_send_is_not_repeated_blindly(ws: Workspace, server: SmtpServer) -> None:
    """An intent without an outcome (a crash while the server had the message) is listed,
    not sent again, until the user asks."""
    issue_and_send_forms(PERIOD, workbook=ws.workbook, dry_run=True)
    server.drop_at = 1
    issue_and_send_forms(PERIOD, workbook=ws.workbook)  # failed at the first, nothing sent
    ledger = ws.root / "outbox" / LEDGER_NAME
    text = ledger.read_text("utf-8-sig")
    # Remove the "lỗi" row: what a crash between intent and reply leaves.
    ledger.write_text(
        "\ufeff" + "".join(line for line in text.splitlines(True) if ",lỗi," not in line),
        encoding="utf-8",
    )
    _, _, after = issue_and_send_forms(PERIOD, workbook=ws.workbook)
    assert len(after.unconfirmed) == 1 and len(after.sent) == len(EMAILS) - 1
    assert "--gui-lai-chua-ro" in after.message()
    _, _, forced = issue_and_send_forms(PERIOD, workbook=ws.workbook, resend_unconfirmed=True)
    assert len(forced.sent) == 1
    assert set(received_by_agency(server).values()) == {1}


def test_preview_is_what_is_sent(ws: Workspace, server: SmtpServer) -> None:
    mail = OutgoingMail(
        key="phieu|2026-11|STC",
        kind="phieu",
        period=PERIOD,
        agency_code="STC",
        agency_name="Sở Tài chính",
        to=["stc@dienbien.test"],
        subject="Văn phòng Tỉnh ủy gửi phiếu báo cáo kỳ Tháng 11/2026: Sở Tài chính",
        body="Kính gửi: Sở Tài chính\n\nNội dung có dấu tiếng Việt.\n" + "x" * 1000 + "\n",
        attachments=[
            Attachment(
                "Phiếu báo cáo Sở Tài chính tháng 11.xlsx", b"PK\x03\x04" + bytes(range(256))
            ),
            Attachment("Công văn đề nghị.docx", b"PK\x05\x06" * 100),
        ],
    )
    config = read_data(open_tracker(ws.workbook)).config
    shown = deliver(ws, config, "phieu", [mail], dry_run=True, now=datetime(2026, 11, 1, 8))
    sent = deliver(ws, config, "phieu", [mail], dry_run=False)
    assert len(sent.sent) == 1 and len(server.accepted) == 1

    def without_date_and_id(data: bytes) -> bytes:
        return re.sub(rb"(?m)^(Date|Message-ID): .*\r\n", b"", data)

    preview = shown.previewed[0].read_bytes()
    assert without_date_and_id(preview) == without_date_and_id(server.accepted[0].data)
    msg = parse(server.accepted[0].data)
    assert str(msg["Subject"]) == mail.subject
    assert attachment_names(msg) == sorted(a.name for a in mail.attachments)
    # Non-ASCII names travel encoded (RFC 2047 subject, RFC 2231 file names), never raw.
    assert server.accepted[0].data.isascii()
    assert wire_bytes(parse(preview)).isascii()


# -- acknowledgements --------------------------------------------------------------------------
def mail_with(path: Path, sender: str, subject: str, msgid: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "vptu@dienbien.test"
    msg["Subject"] = subject
    msg["Message-ID"] = msgid
    msg.set_content("Gửi Văn phòng phiếu báo cáo.")
    msg.add_attachment(
        path.read_bytes(), maintype="application", subtype="octet-stream", filename=path.name
    )
    return bytes(msg)


def test_acknowledgements_reply_to_each_mailed_return(ws: Workspace, server: SmtpServer) -> None:
    settings.agency_email("VPTU", "vanthu@vptu.test", workbook=ws.workbook)
    inbox = ws.root / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "tot.eml").write_bytes(
        mail_with(
            RETURNS / "base_vptu.xlsx",
            "Văn thư <vanthu@vptu.test>",
            "Phiếu tháng 11",
            "<a1@vptu.test>",
        )
    )
    (inbox / "loi.eml").write_bytes(
        mail_with(RETURNS / "five_faults.xlsx", "vanthu@vptu.test", "Phiếu sửa", "<b2@vptu.test>")
    )
    merged, acks = merge_and_acknowledge(workbook=ws.workbook, today=TODAY, dry_run=False)
    assert {r.status for r in merged.results} == {"accepted", "refused"}
    assert len(acks.sent) == 2 == len(server.accepted)
    replies = {str(parse(r.data)["In-Reply-To"]): parse(r.data) for r in server.accepted}
    good, bad = replies["<a1@vptu.test>"], replies["<b2@vptu.test>"]
    assert str(good["To"]) == "vanthu@vptu.test" and "<a1@vptu.test>" in str(good["References"])
    good_body = good.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    accepted = next(r for r in merged.results if r.accepted)
    assert str(len(accepted.changes)) in good_body
    for key in accepted.updated_keys:
        assert key in good_body
    bad_body = bad.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    refused = next(r for r in merged.results if r.status == "refused")
    assert len(refused.reasons) == 5
    for n, reason in enumerate(refused.reasons, 1):
        assert f"{n}. {reason}" in bad_body
    assert "dòng 7, cột “Tiến độ (%)”" in bad_body and "gửi lại phiếu" in bad_body
    # Re-running sends nothing more.
    again = deliver(
        ws, read_data(open_tracker(ws.workbook)).config, "xac-nhan", acks.sent, dry_run=False
    )
    assert not again.sent and len(again.already) == 2


@pytest.mark.parametrize("allowed", ["không", "có"])
def test_unknown_sender(ws: Workspace, server: SmtpServer, allowed: str) -> None:
    settings.agency_email("VPTU", "vanthu@vptu.test", workbook=ws.workbook)
    settings.set_one("mail_unknown_sender", allowed, workbook=ws.workbook)
    inbox = ws.root / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "la.eml").write_bytes(
        mail_with(RETURNS / "base_vptu.xlsx", "ai.do@gmail.test", "Phiếu", "<c3@gmail.test>")
    )
    merged, _ = merge_and_acknowledge(workbook=ws.workbook, today=TODAY, dry_run=False)
    (result,) = merged.results
    if allowed == "không":
        assert result.status == "refused"
        assert "ai.do@gmail.test" in result.reasons[0]
        assert result.changes == []
    else:
        assert result.status == "accepted"
    (reply,) = server.accepted
    assert reply.recipients == ["vanthu@vptu.test"]  # the registered address, never the stranger
    body = parse(reply.data).get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "ai.do@gmail.test" in body


def test_config_command(ws: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "smtp_host", "mail.dienbien.test", "-w", str(ws.workbook)]) == 0
    assert main(["config", "smtp_host", "-w", str(ws.workbook)]) == 0
    assert "mail.dienbien.test" in capsys.readouterr().out
    assert settings.show_config("smtp_host", workbook=ws.workbook)[0][2] == "mail.dienbien.test"
    assert main(["config", "--agency", "stc", "a@b.test; c@d.test", "-w", str(ws.workbook)]) == 0
    assert settings.agency_email("STC", workbook=ws.workbook)[2] == "a@b.test; c@d.test"
    assert main(["config", "smtp_port", "abc", "-w", str(ws.workbook)]) == 2
    assert main(["config", "--agency", "STC", "khong-phai-dia-chi", "-w", str(ws.workbook)]) == 2
    assert main(["config", "khoa_la", "-w", str(ws.workbook)]) == 2
    err = capsys.readouterr().err
    assert "Cổng máy chủ gửi thư" in err and "khoa_la" in err


def test_reminders_sent_to_agencies_to_remind(ws: Workspace, server: SmtpServer) -> None:
    letters, sent = make_and_send_reminders(workbook=ws.workbook, today=TODAY, dry_run=False)
    reminded = {f.agency_code for f in letters.files}
    assert reminded and {m.agency_code for m in sent.sent} == reminded - {"VPTU"}
    for r in server.accepted:
        code = BY_ADDRESS[r.recipients[0]]
        assert attachment_names(parse(r.data)) == [f"CV_DonDoc_{code}_{PERIOD}.docx"]
    assert [u.agency_code for u in sent.unaddressed] == (["VPTU"] if "VPTU" in reminded else [])
    _, again = make_and_send_reminders(workbook=ws.workbook, today=TODAY, dry_run=False)
    assert not again.sent


@pytest.mark.parametrize("on", ["không", "có"])
def test_job_sends_acknowledgements_only_when_turned_on(
    ws: Workspace, server: SmtpServer, on: str
) -> None:
    settings.agency_email("VPTU", "vanthu@vptu.test", workbook=ws.workbook)
    settings.set_one("job_send_acks", on, workbook=ws.workbook)
    inbox = ws.root / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "tot.eml").write_bytes(
        mail_with(RETURNS / "base_vptu.xlsx", "vanthu@vptu.test", "Phiếu", "<d4@vptu.test>")
    )
    os.utime(inbox / "tot.eml", (1e9, 1e9))  # settled: the job leaves files still being written
    config = read_data(open_tracker(ws.workbook)).config
    status = collect(JobContext(ws, datetime(2026, 11, 27, 9, 0), config))
    assert len(server.accepted) == (1 if on == "có" else 0), status
    assert ("đã gửi 1 thư xác nhận" in status) == (on == "có")


@pytest.mark.parametrize("on", ["không", "có"])
def test_job_mails_reminders_only_when_turned_on(
    ws: Workspace, server: SmtpServer, on: str
) -> None:
    settings.set_one("job_send_reminders", on, workbook=ws.workbook)
    config = read_data(open_tracker(ws.workbook)).config
    status = reminders(JobContext(ws, datetime(2026, 11, 27, 9, 0), config))
    made = sorted((ws.root / "outbox" / PERIOD).glob("CV_DonDoc_*.docx"))
    assert made, status  # the letters are made either way
    codes = {p.stem.split("_")[2] for p in made}
    if on == "không":
        assert not server.accepted and f"đã lập {len(made)} công văn đôn đốc" in status
        return
    # Sent at once (no preview run: the job was told to send), each to its agency, once.
    assert received_by_agency(server) == Counter(codes & set(EMAILS))
    assert status == f"đã lập {len(made)} công văn đôn đốc, gửi {len(server.accepted)} thư"
    again = reminders(JobContext(ws, datetime(2026, 11, 27, 10, 0), config))
    assert again.endswith("gửi 0 thư") and len(server.accepted) == len(codes & set(EMAILS))


@pytest.mark.skipif(
    dovecot_binary() is None, reason="dovecot is not installed (.ci/run installs it)"
)
def test_returns_from_the_mailbox_are_acknowledged(
    ws: Workspace, server: SmtpServer, monkeypatch: Any
) -> None:
    """The whole loop: a return arrives in the office mailbox (dovecot), the job's mailbox step
    saves it to the inbox, the merge refuses it with every reason, the reply answers that mail."""
    settings.agency_email("VPTU", "vanthu@vptu.test", workbook=ws.workbook)
    with running_dovecot() as imap:
        for k, v in imap.env().items():
            monkeypatch.setenv(k, v)
        set_config({"imap_host": imap.host, "imap_port": str(imap.port)}, workbook=ws.workbook)
        imap.deliver(
            mail_with(RETURNS / "five_faults.xlsx", "vanthu@vptu.test", "Phiếu", "<e5@vptu.test>")
        )
        config = read_data(open_tracker(ws.workbook)).config
        mail = collect_mail(ws, config, now=datetime(2026, 11, 27, 9, 0))
        assert len(mail.items) == 1
        merged, _ = merge_and_acknowledge(workbook=ws.workbook, today=TODAY, dry_run=False)
        finish_mail(ws, config, mail, merged, now=datetime(2026, 11, 27, 9, 0))
    (result,) = merged.results
    assert result.status == "refused" and len(result.reasons) == 5
    (reply,) = server.accepted
    msg = parse(reply.data)
    assert str(msg["In-Reply-To"]) == "<e5@vptu.test>" and reply.recipients == ["vanthu@vptu.test"]
    body = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert all(reason in body for reason in result.reasons)


def test_acknowledgements_previewed_first_are_sent_by_the_next_run(
    ws: Workspace, server: SmtpServer
) -> None:
    """The first replies of a period are only previewed; their returns are archived by then,
    so the next run (even with an empty inbox) sends them from the preview files, once."""
    settings.agency_email("VPTU", "vanthu@vptu.test", workbook=ws.workbook)
    inbox = ws.root / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "loi.eml").write_bytes(
        mail_with(RETURNS / "five_faults.xlsx", "vanthu@vptu.test", "Phiếu", "<f6@vptu.test>")
    )
    _, first = merge_and_acknowledge(workbook=ws.workbook, today=TODAY)
    assert first.dry_run and len(first.previewed) == 1 and not server.accepted
    preview = first.previewed[0].read_bytes()
    _, second = merge_and_acknowledge(workbook=ws.workbook, today=TODAY)
    assert len(second.sent) == 1 and len(server.accepted) == 1
    (reply,) = server.accepted
    assert reply.recipients == ["vanthu@vptu.test"]
    drop = re.compile(rb"(?m)^Date: .*\r\n")
    assert drop.sub(b"", preview) == drop.sub(b"", reply.data)
    _, third = merge_and_acknowledge(workbook=ws.workbook, today=TODAY)
    assert not third.sent and len(server.accepted) == 1


def test_send_button_asks_first_and_sends_nothing_without_ok(ws: Workspace, xw_remote: Any) -> None:
    """The button shows how many mails go to whom; xlwings' remote engine answers no button,
    so nothing may leave (the sending after "OK" is deliver(), tested above)."""
    from xladdin.adapters import buttons

    settings.agency_email("BNCTU", "", workbook=ws.workbook)  # an agency without an address
    payload = xlremote.payload_from_workbook(ws.workbook)
    payload["book"]["name"] = str(ws.workbook)
    book = xlremote.open_book(payload)
    message = buttons.send_forms(book, now=datetime(2026, 11, 27, 9, 0))
    question, shown = xlremote.alerts(book)
    assert shown == message and "Chưa gửi thư nào" in message
    assert question.startswith(
        f"Sẽ ghi thư xem trước (chưa gửi đi, lần đầu của kỳ) {len(EMAILS) - 1} thư"
    )
    for code, text in EMAILS.items():
        assert (text.replace(";", ",") in question) == (code != "BNCTU"), code
    assert "Ban Nội chính Tỉnh ủy" in question.splitlines()[-2]  # no address: named, not sent
    assert "Văn phòng Tỉnh ủy" not in question  # the issuing office: its own form, no mail
    assert not (ws.root / "outbox" / LEDGER_NAME).exists()
    assert not list((ws.root / "outbox").glob("*/thu/*.eml"))


@pytest.mark.parametrize(
    ("office", "committee", "province", "name"),
    [
        ("VĂN PHÒNG", "TỈNH ỦY ĐIỆN BIÊN", "Điện Biên", "Văn phòng Tỉnh ủy Điện Biên"),
        ("VĂN PHÒNG", "THÀNH ỦY HÀ NỘI", "Hà Nội", "Văn phòng Thành ủy Hà Nội"),
        ("", "TỈNH ỦY LÀO CAI", "Lào Cai", "Tỉnh ủy Lào Cai"),
    ],
)
def test_mails_name_the_office_as_a_sentence_does(
    office: str, committee: str, province: str, name: str
) -> None:
    from xladdin.core.letterhead import office_in_place

    config = {"office": office, "committee": committee, "province": province}
    assert office_in_place(config) == name
