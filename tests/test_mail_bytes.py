"""What a mailbox provider reads: the raw bytes of a sent message, and capture on a full disk."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import update

from feedback.extensions import db
from feedback.outbox.delivery import deliver_due
from feedback.outbox.models import OutboxMessage, OutboxStatus
from feedback.outbox.services import queue_email
from feedback.timeutil import utcnow

#: longer than one 78-column line, as every real unsubscribe link is
LONG_URL = "https://feedback.example.com/s/" + "x" * 43 + "/unsubscribe"
MAILTO = "mailto:unsubscribe@example.com?subject=unsubscribe"


def _queue(headers: dict) -> OutboxMessage:
    row = queue_email("ann@example.com", "Hello", "Text", "<p>HTML</p>", headers=headers)
    db.session.commit()
    return row


def _header_lines(raw: bytes, name: bytes) -> bytes:
    """The header's lines exactly as written, continuation lines included."""
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n", b"\n")
    lines = head.split(b"\n")
    start = next(i for i, line in enumerate(lines) if line.lower().startswith(name.lower()))
    end = start + 1
    while end < len(lines) and lines[end][:1] in (b" ", b"\t"):
        end += 1
    return b"\n".join(lines[start:end])


def test_list_unsubscribe_reaches_the_smtp_server_unencoded(app, smtp_server):
    _queue(
        {"List-Unsubscribe": f"<{LONG_URL}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    )
    assert deliver_due("test").sent == 1
    (raw,) = smtp_server.handler_obj.raw
    assert _header_lines(raw, b"List-Unsubscribe:") == f"List-Unsubscribe: <{LONG_URL}>".encode()
    assert b"=?utf-8?" not in _header_lines(raw, b"List-Unsubscribe:")
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_two_unsubscribe_links_are_folded_between_entries_never_inside(app):
    _queue({"List-Unsubscribe": f"<{MAILTO}>, <{LONG_URL}>"})
    assert deliver_due("test").sent == 1
    (eml,) = Path(app.config["MAIL_CAPTURE_DIR"]).glob("*.eml")
    lines = _header_lines(eml.read_bytes(), b"List-Unsubscribe:")
    assert lines == f"List-Unsubscribe: <{MAILTO}>,\n <{LONG_URL}>".encode()


def test_a_survey_invitation_carries_its_unsubscribe_link_raw(app, surveys, api):
    from feedback.surveys import invitations
    from tests.surveys_helpers import event

    api("/api/v1/touchpoints", event())
    invitations.send_due_invitations()
    deliver_due("test")
    (eml,) = Path(app.config["MAIL_CAPTURE_DIR"]).glob("*.eml")
    line = _header_lines(eml.read_bytes(), b"List-Unsubscribe:").decode()
    assert line.startswith("List-Unsubscribe: <http")
    assert line.endswith("/unsubscribe>")
    assert "\n" not in line and "=?" not in line


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB tmpfs, filled to the last byte: the mail capture directory on a full disk."""
    mount = tmp_path / "full"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    filler = mount / "filler"
    try:
        with filler.open("wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass
    yield mount, filler
    subprocess.run(["umount", str(mount)], check=True)


def test_capture_on_a_full_disk_leaves_no_partial_file_and_retries(app, full_disk):
    mount, filler = full_disk
    app.config["MAIL_CAPTURE_DIR"] = str(mount / "mail")
    (mount / "mail").mkdir()
    row = _queue({})
    report = deliver_due("test")
    assert report.sent == 0
    assert list((mount / "mail").iterdir()) == []
    db.session.refresh(row)
    assert row.status is OutboxStatus.PENDING
    assert "No space left" in row.last_error

    filler.unlink()
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row.id).values(next_attempt_at=utcnow())
    )
    db.session.commit()
    assert deliver_due("test").sent == 1
    assert [p.suffix for p in (mount / "mail").iterdir()] == [".eml"]
