"""A private dovecot IMAP server on loopback for the IMAP polling tests.

Runs ``dovecot -F`` with its own configuration, state, log and Maildirs in a temporary
directory. Optionally with TLS (a certificate made by the test: STARTTLS on the plain port,
implicit TLS on ``tls_port``) and with an OAuth2 passdb that checks XOAUTH2 tokens against a
token-introspection URL (``introspection_mode = post``). Written for dovecot 2.3 (Debian
12's ``dovecot-imapd``). As root the mail processes run as the ``dovecot`` user (dovecot
refuses uid 0); otherwise as the current user.
"""

from __future__ import annotations

import getpass
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

USER = "help"
PASSWORD = "imap-secret"
TOKEN = "xoauth2-access-token"  # dovecot checks an XOAUTH2 token as the passdb password
OAUTH_USER = "oauth"

CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
default_login_user = {login_user}
default_internal_user = {internal_user}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
{passwd_mechanisms}}}
{oauth2_passdb}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
"""


OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""

OAUTH2_CONF = """\
introspection_mode = post
introspection_url = {url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen[bytes]
    tls_port: int = 0

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fail(message: str) -> None:
    raise RuntimeError(
        message + " — the IMAP tests need Debian's dovecot-imapd (scripts/test.sh installs it "
        "as root: apt-get install dovecot-imapd)."
    )


def start_dovecot(
    root: Path, *, tls_cert: Path | None = None, tls_key: Path | None = None,
    introspection_url: str = "",
) -> Dovecot:
    """Start dovecot; with ``tls_cert``/``tls_key`` it speaks TLS, with
    ``introspection_url`` XOAUTH2 tokens are checked there (passwords stay in the file)."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path(
        "/usr/sbin/dovecot").exists() else None)
    if binary is None:
        _fail("dovecot is not installed")
    assert binary is not None
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    if not version.startswith("2.3"):
        _fail(f"these tests configure dovecot 2.3, found {version.strip() or 'unknown'}")
    if os.getuid() == 0:
        account = pwd.getpwnam("dovecot")
        uid, gid = account.pw_uid, account.pw_gid
        login_user, internal_user = "dovenull", "dovecot"
    else:
        uid, gid = os.getuid(), os.getgid()
        login_user = internal_user = getpass.getuser()
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("mail", "home"):
        os.chown(root / sub, uid, gid)
    (root / "passwd").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}\n{OAUTH_USER}:{{PLAIN}}{TOKEN}\n"
    )
    port = _free_port()
    tls_port = _free_port() if tls_cert else 0
    ssl_files = (f"ssl_cert = <{tls_cert}\nssl_key = <{tls_key}\n"
                 "ssl_min_protocol = TLSv1.2" if tls_cert else "")
    if introspection_url:
        (root / "oauth2.conf.ext").write_text(OAUTH2_CONF.format(url=introspection_url))
    conf = root / "dovecot.conf"
    conf.write_text(CONF.format(
        root=root, port=port, uid=uid, gid=gid, login_user=login_user,
        internal_user=internal_user, ssl="yes" if tls_cert else "no", ssl_files=ssl_files,
        tls_port=tls_port,
        passwd_mechanisms="  mechanisms = plain login\n" if introspection_url else "",
        oauth2_passdb=OAUTH2_PASSDB.format(root=root) if introspection_url else "",
    ))
    process = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    server = Dovecot(root=root, port=port, process=process, tls_port=tls_port)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            _fail(f"dovecot exited with {process.returncode}: {output} {server.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    _fail(f"dovecot did not answer on 127.0.0.1:{port} within 20 s: {server.log()}")
    raise AssertionError("unreachable")
