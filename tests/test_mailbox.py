"""Returns by e-mail, against a real IMAP server (dovecot on loopback, TLS, see imapserver.py).

Each run is what the scheduled job does once: ``collect_mail`` → ``merge_returns`` →
``finish_mail``. Messages carry corpus returns (tests/data/returns) whose expected outcome is
known: a good one (accepted), a bad one (refused), the good one again in a second message
(duplicate), a forwarded mail (.eml attached) with another good return, and a message without
attachment, which is left unread where it is.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_generator
from imapclient import IMAPClient
from imapserver import ImapServer, dovecot_binary, running_dovecot

from xladdin.commands.config import set_config
from xladdin.commands.export import export_tasks
from xladdin.commands.mailbox import MailDisposition, MailOutcome, collect_mail, finish_mail
from xladdin.commands.merge import MergeOutcome, merge_returns
from xladdin.core.layout import LOG_COLUMNS, SHEET_LOG
from xladdin.core.merge import ACTION_RECEIVED
from xladdin.io.mail_state import STATE_NAME
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "returns"
EXPECTED = json.loads((CORPUS / "expected.json").read_text("utf-8"))["cases"]
NOW = datetime(2026, 11, 27, 9, 0)
TODAY = date(2026, 11, 27)
PROCESSED, REJECTED = "Đã xử lý", "Bị từ chối"
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
TRACKED = ("status", "progress", "result", "difficulties", "proposals", "updated_at")

pytestmark = pytest.mark.skipif(
    dovecot_binary() is None,
    reason="dovecot is not installed (Debian: apt-get install dovecot-imapd; .ci/run does)",
)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws: Workspace = corpus_generator().build_workspace(tmp_path_factory.mktemp("mail") / "ws")
    return ws


@pytest.fixture
def server() -> Iterator[ImapServer]:
    with running_dovecot() as srv:
        yield srv


@pytest.fixture
def ws(corpus_ws: Workspace, tmp_path: Path, server: ImapServer, monkeypatch: Any) -> Workspace:
    """A copy of the corpus tracker whose "Cấu hình" points at the test server."""
    root = tmp_path / "ws"
    shutil.copytree(corpus_ws.root, root)
    ws = Workspace(root, root / corpus_ws.workbook.name)
    set_config({"imap_host": server.host, "imap_port": str(server.port)}, workbook=ws.workbook)
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    return ws


# -- messages ------------------------------------------------------------------------------
def message(
    subject: str,
    attachments: tuple[tuple[str, bytes], ...] = (),
    *,
    sender: str = "Văn phòng Tỉnh ủy <vptu@dienbien.dcs.vn>",
    forward: bytes | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Phòng Tổng hợp <tonghop@dienbien.dcs.vn>"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 25, 8, 30).astimezone())
    msg["Message-ID"] = make_msgid(domain="dienbien.dcs.vn")
    msg.set_content("Kính gửi Văn phòng Tỉnh ủy,\nCơ quan chúng tôi gửi phiếu báo cáo kèm theo.\n")
    for name, data in attachments:
        msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)
    if forward is not None:
        msg.add_attachment(BytesParser(policy=policy.default).parsebytes(forward))
    return msg.as_bytes()


GOOD = (CORPUS / "base_vptu.xlsx").read_bytes()
BAD = (CORPUS / "progress_150.xlsx").read_bytes()
MESSAGES = {
    "good": message("Báo cáo tháng 11 – VPTU", (("Phiếu báo cáo VPTU tháng 11.xlsx", GOOD),)),
    "bad": message("Phiếu báo cáo (sửa)", (("PhieuBaoCao_VPTU.xlsx", BAD),)),
    "dup": message("Gửi lại phiếu báo cáo", (("Phiếu báo cáo VPTU tháng 11.xlsx", GOOD),)),
    "fwd": message("Fwd: phiếu báo cáo", forward=(CORPUS / "mail.eml").read_bytes()),
    "plain": message("Mời họp giao ban"),
}


def deliver_all(server: ImapServer) -> None:
    for raw in MESSAGES.values():
        server.deliver(raw)


def folder(server: ImapServer, name: str) -> dict[str, tuple[bytes, ...]]:
    """Subject → flags of the messages in a folder (empty when the folder does not exist)."""
    with server.client() as c:
        if not c.folder_exists(name):
            return {}
        c.select_folder(name, readonly=True)
        data = c.fetch(c.search(["ALL"]), ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]", "FLAGS"])
    out = {}
    for item in data.values():
        header = BytesParser(policy=policy.default).parsebytes(
            item[b"BODY[HEADER.FIELDS (SUBJECT)]"]
        )
        out[str(header["Subject"])] = tuple(f for f in item[b"FLAGS"] if f != b"\\Recent")
    return out


def subject(key: str) -> str:
    return str(BytesParser(policy=policy.default).parsebytes(MESSAGES[key])["Subject"])


# -- one run of the job --------------------------------------------------------------------
def run_once(ws: Workspace) -> tuple[MailOutcome, MergeOutcome, list[MailDisposition]]:
    config = TrackerWorkbook.open(ws.workbook).read_config()
    mail = collect_mail(ws, config, now=NOW)
    merged = merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)
    return mail, merged, finish_mail(ws, config, mail, merged, now=NOW)


def received(ws: Workspace, digest: str) -> int:
    log = TrackerWorkbook.open(ws.workbook).read_table(SHEET_LOG, LOG_COLUMNS)
    return sum(
        1
        for r in log.to_dict("records")
        if r["action"] == ACTION_RECEIVED and r["sha256"] == digest
    )


def tracked(ws: Workspace) -> dict[str, tuple[Any, ...]]:
    return {t["key"]: tuple(t[f] for f in TRACKED) for t in export_tasks(workbook=ws.workbook)}


def reference_state(corpus_ws: Workspace, tmp_path: Path) -> dict[str, tuple[Any, ...]]:
    """The tracker after merging the same returns straight from files."""
    root = tmp_path / "ref"
    shutil.copytree(corpus_ws.root, root)
    ref = Workspace(root, root / corpus_ws.workbook.name)
    files = [CORPUS / n for n in ("base_vptu.xlsx", "progress_150.xlsx", "mail.eml")]
    merge_returns(files, workbook=ref.workbook, now=NOW, today=TODAY, archive=False)
    return tracked(ref)


def test_good_bad_duplicate_and_plain_messages(
    ws: Workspace, corpus_ws: Workspace, server: ImapServer, tmp_path: Path
) -> None:
    deliver_all(server)
    mail, merged, done = run_once(ws)

    assert sorted(i.subject for i in mail.items) == sorted(
        subject(k) for k in ("good", "bad", "dup", "fwd")
    )
    assert [s.subject for s in mail.skipped] == [subject("plain")]
    by_subject = {d.item.subject: d for d in done}
    statuses = {k: by_subject[subject(k)].status for k in ("good", "bad", "dup", "fwd")}
    assert statuses == {
        "good": "processed",
        "bad": "rejected",
        "dup": "processed",
        "fwd": "processed",
    }
    bad = by_subject[subject("bad")]
    assert any(EXPECTED["progress_150.xlsx"]["message"][0] in r for r in bad.reasons)
    assert "PhieuBaoCao_VPTU.xlsx" in bad.describe()
    assert sorted(r.status for r in merged.results) == [
        "accepted",
        "accepted",
        "duplicate",
        "refused",
    ]

    # On the server: moved and read; the message without a return stays unread in INBOX.
    assert folder(server, "INBOX") == {subject("plain"): ()}
    assert folder(server, PROCESSED) == {subject(k): (b"\\Seen",) for k in ("good", "dup", "fwd")}
    assert folder(server, REJECTED) == {subject("bad"): (b"\\Seen",)}

    # In the tracker: the good return once, as if merged from the files directly.
    assert received(ws, sha(CORPUS / "base_vptu.xlsx")) == 1
    assert received(ws, sha(CORPUS / "progress_150.xlsx")) == 0
    assert tracked(ws) == reference_state(corpus_ws, tmp_path)
    assert not list(ws.folder({}, "inbox_dir").iterdir())  # the merge archived them all

    # Second run, from scratch (a restart): nothing new, nothing changes.
    snapshot, state = sha(ws.workbook), (ws.root / STATE_NAME).read_text("utf-8")
    mail2, merged2, done2 = run_once(Workspace(ws.root, ws.workbook))
    assert (mail2.items, mail2.skipped, merged2.results, done2) == ([], [], [], [])
    assert sha(ws.workbook) == snapshot
    assert json.loads((ws.root / STATE_NAME).read_text("utf-8")) == json.loads(state)
    assert folder(server, "INBOX") == {subject("plain"): ()}


def test_messages_marked_unread_again_are_not_merged_twice(
    ws: Workspace, server: ImapServer
) -> None:
    server.deliver(MESSAGES["good"])
    run_once(ws)
    snapshot = sha(ws.workbook)
    # Someone marks the message unread and puts it back into INBOX (a new UID there).
    with server.client() as c:
        c.select_folder(PROCESSED)
        uids = c.search(["ALL"])
        c.remove_flags(uids, [b"\\Seen"])
        c.move(uids, "INBOX")
    server.deliver(MESSAGES["good"])  # and the server delivers an exact copy again
    mail, merged, done = run_once(ws)
    assert mail.items == [] and done == [] and merged.results == []
    assert [s.reason for s in mail.skipped] == ["đã xử lý ở lần thu trước"] * 2
    assert sha(ws.workbook) == snapshot
    assert received(ws, sha(CORPUS / "base_vptu.xlsx")) == 1
    assert len(folder(server, "INBOX")) == 1  # both copies stay where the person put them


def test_crash_after_collect_is_finished_by_the_next_run(ws: Workspace, server: ImapServer) -> None:
    server.deliver(MESSAGES["good"])
    server.deliver(MESSAGES["bad"])
    config = TrackerWorkbook.open(ws.workbook).read_config()
    first = collect_mail(ws, config, now=NOW)  # ... and the process dies here
    assert len(first.items) == 2

    mail, _, done = run_once(ws)
    assert [i.earlier for i in mail.items] == [True, True]
    assert sorted(d.status for d in done) == ["processed", "rejected"]
    assert received(ws, sha(CORPUS / "base_vptu.xlsx")) == 1
    assert set(folder(server, PROCESSED)) == {subject("good")}
    assert set(folder(server, REJECTED)) == {subject("bad")}


def test_crash_between_merge_and_finish(ws: Workspace, server: ImapServer) -> None:
    server.deliver(MESSAGES["good"])
    server.deliver(MESSAGES["bad"])
    config = TrackerWorkbook.open(ws.workbook).read_config()
    collect_mail(ws, config, now=NOW)
    merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)  # ... and the process dies here
    snapshot = sha(ws.workbook)

    _, merged, done = run_once(ws)
    assert merged.results == []  # the files were archived by the first merge
    assert {d.item.subject: d.status for d in done} == {
        subject("good"): "processed",
        subject("bad"): "rejected",
    }
    assert sha(ws.workbook) == snapshot
    assert received(ws, sha(CORPUS / "base_vptu.xlsx")) == 1
    assert set(folder(server, REJECTED)) == {subject("bad")}


def test_merge_not_run_leaves_messages_for_later(ws: Workspace, server: ImapServer) -> None:
    server.deliver(MESSAGES["good"])
    config = TrackerWorkbook.open(ws.workbook).read_config()
    mail = collect_mail(ws, config, now=NOW)
    # The tracker was open in Excel: no merge this time.
    (done,) = finish_mail(ws, config, mail, None, now=NOW)
    assert done.status == "pending"
    assert folder(server, "INBOX") == {subject("good"): ()}
    _, merged, (done,) = run_once(ws)
    assert done.status == "processed" and [r.status for r in merged.results] == ["accepted"]


def test_copy_and_expunge_when_the_server_cannot_move(
    ws: Workspace, server: ImapServer, monkeypatch: Any
) -> None:
    real = IMAPClient.has_capability
    monkeypatch.setattr(
        IMAPClient, "has_capability", lambda self, cap: cap != "MOVE" and real(self, cap)
    )
    server.deliver(MESSAGES["good"])
    server.deliver(MESSAGES["plain"])
    run_once(ws)
    assert folder(server, "INBOX") == {subject("plain"): ()}  # expunged just the one message
    assert folder(server, PROCESSED) == {subject("good"): (b"\\Seen",)}


def test_restart_in_a_new_process(ws: Workspace, server: ImapServer) -> None:
    """The state file, not the process, remembers: a second process merges nothing again."""
    server.deliver(MESSAGES["good"])
    run_once(ws)
    snapshot = sha(ws.workbook)
    server.deliver(MESSAGES["good"])  # the same bytes again, under a new UID
    script = (
        "import sys; sys.path.insert(0, sys.argv[2]); from datetime import datetime, date;"
        "from pathlib import Path; from test_mailbox import run_once;"
        "from xladdin.io.workspace import find_workspace;"
        "mail, merged, done = run_once(find_workspace(Path(sys.argv[1])));"
        "print(len(mail.items), len(mail.skipped), len(merged.results), len(done))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(ws.workbook), str(ROOT / "tests")],
        capture_output=True,
        text=True,
        env={**os.environ, **server.env()},
        check=True,
    )
    assert out.stdout.split() == ["0", "1", "0", "0"]
    assert sha(ws.workbook) == snapshot


def test_theodoi_jobs_once_twice(
    ws: Workspace, corpus_ws: Workspace, server: ImapServer, tmp_path: Path
) -> None:
    """The scheduled job itself (``theodoi jobs --once``, real clock), run twice."""
    pytest.importorskip("xladdin.adapters.jobs")
    from xladdin.adapters.cli import main

    deliver_all(server)
    # Collect every second instead of every 10 minutes, so that the second run collects too.
    argv = ["jobs", "--once", "--workbook", str(ws.workbook), "--interval-seconds", "1"]
    assert main(argv) == 0
    log = (ws.root / "logs" / "theodoi-jobs.log").read_text("utf-8")
    assert f"“{subject('bad')}”" in log and "tiến độ 150% nằm ngoài khoảng 0–100%" in log
    assert log.count("chuyển vào thư mục") == 4  # MailDisposition.describe() of each message
    assert received(ws, sha(CORPUS / "base_vptu.xlsx")) == 1
    assert folder(server, "INBOX") == {subject("plain"): ()}
    assert set(folder(server, PROCESSED)) == {subject(k) for k in ("good", "dup", "fwd")}
    assert folder(server, REJECTED) == {subject("bad"): (b"\\Seen",)}
    assert tracked(ws) == reference_state(corpus_ws, tmp_path)

    snapshot = sha(ws.workbook)
    time.sleep(1.2)
    assert main(argv) == 0
    again = (ws.root / "logs" / "theodoi-jobs.log").read_text("utf-8")[len(log) :]
    assert "thu phiếu" in again and "chuyển vào thư mục" not in again
    assert sha(ws.workbook) == snapshot
    assert received(ws, sha(CORPUS / "base_vptu.xlsx")) == 1
    assert folder(server, "INBOX") == {subject("plain"): ()}


def test_zip_and_outlook_msg_in_one_message(ws: Workspace, server: ImapServer) -> None:
    from msgfile import make_msg

    outlook = make_msg("Phiếu báo cáo", "Kính gửi", [("Phiếu VPTU.xlsx", GOOD)])
    raw = message(
        "Hai phiếu",
        (("phieu.zip", (CORPUS / "in_zip.zip").read_bytes()), ("Thư chuyển tiếp.msg", outlook)),
    )
    server.deliver(raw)
    mail, merged, (done,) = run_once(ws)
    (item,) = mail.items
    assert [p.suffix for p in item.paths] == [".eml", ".msg"]
    assert sorted(r.status for r in merged.results) == ["accepted", "accepted"]
    assert done.status == "processed" and done.moved_to == PROCESSED
    assert received(ws, sha(CORPUS / "base_vptu.xlsx")) == 1


def test_too_large_message_is_rejected_unread(
    ws: Workspace, server: ImapServer, monkeypatch: Any
) -> None:
    import xladdin.commands.mailbox

    monkeypatch.setattr(xladdin.commands.mailbox, "MAX_FILE", 4000)  # instead of 20 MB
    server.deliver(MESSAGES["good"])
    snapshot = sha(ws.workbook)
    mail, merged, (done,) = run_once(ws)
    (item,) = mail.items
    assert (item.eml_path, item.subject, merged.results) == (None, subject("good"), [])
    assert done.status == "rejected" and "thư quá lớn" in done.reasons[0]
    assert folder(server, REJECTED) == {subject("good"): (b"\\Seen",)}
    assert sha(ws.workbook) == snapshot
