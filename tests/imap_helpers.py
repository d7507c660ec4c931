"""A real IMAP server for the tests: Debian's Dovecot on 127.0.0.1 (plain, STARTTLS and
imaps with a certificate from a CA made here), with a configuration of its own in a
temporary folder (its own port and state, so that a system Dovecot the
package may have started is neither used nor disturbed).

Skipped where Dovecot is not installed, except under CI, where its absence fails the run
(`.ci/run` installs dovecot-imapd).
"""

from __future__ import annotations

import dataclasses
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from imapclient import IMAPClient

DOVECOT = Path("/usr/sbin/dovecot")
USER = "support"
#: with characters MAIL_INBOX_URL must encode (no colon: passwd-file splits on it)
PASSWORD = "p@ss/w%rd#1 x"


@dataclasses.dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    #: the temporary folder with its configuration, log and mail
    root: Path
    #: imaps (TLS from the first byte); port serves plain IMAP and STARTTLS
    tls_port: int
    #: the CA that signed the server's certificate, for MAIL_INBOX_CA_FILE
    ca_file: Path

    def url(self, folder: str = "INBOX", password: str | None = None, scheme="imap") -> str:
        """MAIL_INBOX_URL for this server (imap, imap+starttls or imaps)."""
        secret = quote(self.password if password is None else password, safe="")
        port = self.tls_port if scheme == "imaps" else self.port
        return f"{scheme}://{quote(self.user, safe='')}:{secret}@{self.host}:{port}/{folder}"

    def without_move(self) -> Dovecot:
        """The same mailbox through an address where the server does not offer MOVE."""
        return dataclasses.replace(self, host="127.0.0.2")

    def settings(self, **overrides) -> dict:
        """App settings that point the app at this server."""
        return {"MAIL_INBOX_URL": self.url(), **overrides}

    def client(self) -> IMAPClient:
        """A signed-in client, to put messages in and look at what is left."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, *messages: bytes, folder: str = "INBOX") -> None:
        """APPEND each message, in order, to the folder."""
        with self.client() as client:
            for message in messages:
                client.append(folder, message)

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """The exact bytes of every message in the folder, oldest first."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search(["UNDELETED"]))
            found = client.fetch(uids, ["BODY.PEEK[]"])
            return [found[uid][b"BODY[]"] for uid in uids]

    def empty(self) -> None:
        """Delete every folder but the INBOX and every message in it."""
        with self.client() as client:
            for _flags, _delimiter, name in client.list_folders():
                if name.upper() != "INBOX":
                    client.delete_folder(name)
            client.select_folder("INBOX")
            uids = client.search()
            if uids:
                client.delete_messages(uids)
                client.expunge()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _users() -> tuple[str, str, str]:
    """(internal user, login user, mail user) for the server's processes.

    Dovecot refuses to run its login processes, or to read mail, as root: under root (CI,
    these machines) it takes the accounts Debian's package creates; otherwise it runs as
    whoever runs the tests."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, me, me
    return "dovecot", "dovenull", "dovecot"


def _make_certificates(root: Path) -> None:
    """A private CA (ca.pem, which the tests trust) and the server's certificate for
    127.0.0.1 signed by it, with the extensions a strict TLS client checks."""

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=root, check=True, capture_output=True)  # noqa: S603, S607

    (root / "ca.ext").write_text(
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\n"
    )
    (root / "server.ext").write_text(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    openssl(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-subj",
        "/CN=feedback test CA",
        "-out",
        "ca.csr",
    )
    openssl(
        "x509",
        "-req",
        "-in",
        "ca.csr",
        "-signkey",
        "ca.key",
        "-days",
        "2",
        "-extfile",
        "ca.ext",
        "-out",
        "ca.pem",
    )
    openssl(
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-subj",
        "/CN=127.0.0.1",
        "-out",
        "server.csr",
    )
    openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.pem",
    )


def _config(root: Path, port: int, tls_port: int) -> str:
    internal, login, mail = _users()
    mail_account = pwd.getpwnam(mail)
    version = subprocess.run(  # noqa: S603 - our own fixed command
        [str(DOVECOT), "--version"], capture_output=True, text=True, check=True
    ).stdout
    # 2.3 calls it disable_plaintext_auth; 2.4 renamed it auth_allow_cleartext.
    cleartext = (
        "disable_plaintext_auth = no" if version.startswith("2.3") else "auth_allow_cleartext = yes"
    )
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1, 127.0.0.2
ssl = yes
ssl_cert = <{root}/server.pem
ssl_key = <{root}/server.key
{cleartext}
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = {mail_account.pw_uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_account.pw_uid} gid={mail_account.pw_gid} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1, 127.0.0.2
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
# The same server without MOVE, as older servers are: 127.0.0.2 is loopback too.
local 127.0.0.2 {{
  protocol imap {{
    imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE UIDPLUS
  }}
}}
"""


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    text = log.read_text() if log.exists() else ""
    raise RuntimeError(f"Dovecot did not start on port {port}:\n{text}")


@pytest.fixture(scope="session")
def dovecot():
    """A Dovecot IMAP server on 127.0.0.1 for the session, with one user."""
    if not DOVECOT.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must have Debian's dovecot at /usr/sbin/dovecot")
        pytest.skip("Debian's dovecot is not installed")
    # Not pytest's tmp_path: it is private to its owner, and under root the mail processes
    # run as Debian's dovecot account, which must reach the mail folder.
    root = Path(tempfile.mkdtemp(prefix="feedback-dovecot-"))
    root.chmod(0o711)
    home = root / "home"
    home.mkdir()
    _internal, _login, mail = _users()
    shutil.chown(home, mail, pwd.getpwnam(mail).pw_gid)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    (root / "users").chmod(0o644)
    _make_certificates(root)
    port, tls_port = _free_port(), _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port, tls_port))
    process = subprocess.Popen(  # noqa: S603 - our own fixed command
        [str(DOVECOT), "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process, root / "dovecot.log")
        _wait_for_port(tls_port, process, root / "dovecot.log")
        yield Dovecot("127.0.0.1", port, USER, PASSWORD, root, tls_port, root / "ca.pem")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot):
    """The server's mailbox, empty at the start of the test."""
    dovecot.empty()
    return dovecot
