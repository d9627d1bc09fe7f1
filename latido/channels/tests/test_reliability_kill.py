"""`kill -9` of the worker in the middle of a batch and a restart lose none and duplicate none.

Everything runs as operators run it: real `latido smtpd`, `latido worker` and `latido
scheduler` processes on one SQLite file (WAL), which the test reads with sqlite3. 300 messages
are accepted over SMTP (each "250" means stored with its job) or taken from a private dovecot
by `latido imap_poll` (stored 50 at a time with one batch job), a worker starts on them and is
SIGKILLed twice while it works (most of a job's time is spent inside the processing
transaction, so a kill usually lands mid-transaction); the job it held stays "RUNNING" in
the task table forever. A restarted worker finishes the queue, and the scheduler's
requeue-stale-emails job picks up what the killed jobs left unprocessed, exactly as in
production (its 5-minute staleness is reached by moving the stored arrival times back).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import smtplib
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from latido.channels.tests.dovecot import PASSWORD, USER, Dovecot
from latido.channels.tests.helpers import make_mail
from latido.channels.tests.mailgen import (
    MAILBOX_ADDRESS,
    GeneratedMail,
    generate,
    imap_append,
)
from latido.core.tests.test_cli_processes import ROOT, _env, _free_port, _latido, _query

N = 300
STEP = 25  # more messages processed between two SIGKILLs
MAX_KILLS = 8
RAW = "latido_channels_rawemail"
TASKS = "django_tasks_database_dbtaskresult"
PROCESS_TASK = "latido.channels.email.tasks.process_raw_email"
BATCH_TASK = "latido.channels.email.tasks.process_raw_emails"
IMAP_ENV = "LATIDO_TEST_IMAP_PASSWORD"
OUTBOUND = "latido_channels_outboundemail"

pytestmark = pytest.mark.django_db  # only for the settings; the processes use their own DB


def _count(data_dir: Path, sql: str) -> int:
    return int(_query(data_dir, sql)[0][0])


def _processed(data_dir: Path) -> int:
    return _count(data_dir, f"select count(*) from {RAW} where state = 'processed'")


def _consistent(data_dir: Path) -> None:
    """Nothing half-written: each processed mail has its ticket message, nothing else exists."""
    processed = _processed(data_dir)
    checks = {
        "messages": _count(data_dir, "select count(*) from tickets_message"),
        "linked messages": _count(
            data_dir, f"select count(distinct ticket_message_id) from {RAW} "
                      "where state = 'processed'"),
        "messages without their mail": _count(
            data_dir, f"select count(*) from tickets_message m where not exists (select 1 "
                      f"from {RAW} r where r.ticket_message_id = m.id "
                      "and r.state = 'processed')"),
        "tickets without a mail": _count(
            data_dir, f"select count(*) from tickets_ticket t where not exists (select 1 "
                      f"from {RAW} r where r.ticket_id = t.id)"),
        "tickets without a created event": _count(
            data_dir, "select count(*) from tickets_ticket t where not exists (select 1 from "
                      "tickets_ticketevent e where e.ticket_id = t.id and e.type = 'created')"),
        "thread refs": _count(data_dir, "select count(*) from latido_channels_emailthreadref"),
    }
    assert checks == {"messages": processed, "linked messages": processed,
                      "messages without their mail": 0, "tickets without a mail": 0,
                      "tickets without a created event": 0, "thread refs": processed}


def _run(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(_latido(*args), env=env or _env(data_dir), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _writing(data_dir: Path) -> bool:
    """True while another connection holds SQLite's write lock (is inside a transaction)."""
    conn = sqlite3.connect(data_dir / "latido.sqlite3", timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def _kill_mid_transaction(data_dir: Path, at_least: int) -> None:
    """Start a worker, let it process ``at_least`` messages, SIGKILL it inside a transaction."""
    worker = subprocess.Popen(_latido("worker", "--interval", "0.1", "-v0"),
                              env=_env(data_dir), cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not (_processed(data_dir) >= at_least and _writing(data_dir)):
            assert worker.poll() is None, "the worker exited on its own"
            assert time.monotonic() < deadline, f"{at_least} messages not processed in 120 s"
            time.sleep(0.005)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL


def _job_ids(args_kwargs: str) -> list[int]:
    """The mail ids of a processing job: one (process_raw_email) or a batch (the IMAP one)."""
    first = json.loads(args_kwargs)["args"][0]
    return list(first) if isinstance(first, list) else [first]


def _cut_short(data_dir: Path) -> set[int]:
    """Mail whose processing job a killed worker held while the mail is still unprocessed."""
    running = _query(data_dir, f"select args_kwargs from {TASKS} where status = 'RUNNING' "
                               f"and task_path in ('{PROCESS_TASK}', '{BATCH_TASK}')")
    ids = {pk for row in running for pk in _job_ids(row[0])}
    received = {row[0] for row in _query(data_dir, f"select id from {RAW} "
                                                   "where state = 'received'")}
    return ids & received


def _scheduled(data_dir: Path) -> list[int]:
    ready = _query(data_dir, f"select args_kwargs from {TASKS} where status = 'READY' "
                             f"and task_path in ('{PROCESS_TASK}', '{BATCH_TASK}')")
    return sorted(pk for row in ready for pk in _job_ids(row[0]))


def _deliver_over_smtp(data_dir: Path, mails: list[GeneratedMail]) -> None:
    """Through a `latido smtpd` process: one job per message."""
    _run(data_dir, "shell", "-c", (
        "from latido.channels.models import Mailbox; "
        f"Mailbox.objects.create(name='Help', address='{MAILBOX_ADDRESS}')"))
    port = _free_port()
    smtpd = subprocess.Popen(_latido("smtpd", "--port", str(port)), env=_env(data_dir),
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert smtpd.stdout is not None
        assert b"listening" in smtpd.stdout.readline()
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            for mail in mails:
                assert client.sendmail(mail.sender, [MAILBOX_ADDRESS], mail.raw) == {}
    finally:
        smtpd.send_signal(signal.SIGTERM)
        smtpd.wait(timeout=30)


def _deliver_over_imap(data_dir: Path, mails: list[GeneratedMail], server: Dovecot) -> None:
    """Appended to dovecot, taken by `latido imap_poll --once` runs: one job per batch."""
    settings = {"host": "127.0.0.1", "port": server.port, "security": "none",
                "username": USER, "password_env": IMAP_ENV}
    _run(data_dir, "shell", "-c", (
        "from latido.channels.models import Mailbox; "
        f"Mailbox.objects.create(name='Help', address='{MAILBOX_ADDRESS}', kind='imap', "
        f"settings={settings!r})"))
    imap_append(server.port, (m.raw for m in mails), user=USER, password=PASSWORD)
    env = {**_env(data_dir), IMAP_ENV: PASSWORD}
    for _ in range(2):  # at most 200 messages per poll
        _run(data_dir, "imap_poll", "--mailbox", MAILBOX_ADDRESS, "--once", env=env)


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("migrated")
    _run(data_dir, "migrate", "-v0")
    return data_dir


@pytest.fixture
def data_dir(migrated: Path, tmp_path: Path) -> Path:
    shutil.copy(migrated / "latido.sqlite3", tmp_path / "latido.sqlite3")
    return tmp_path


@pytest.mark.parametrize("transport", ["smtp", "imap"])
def test_kill_9_of_the_worker_mid_batch_loses_and_duplicates_nothing(data_dir, transport,
                                                                     request):
    mails = generate(N, tag="kill", seed=11)
    if transport == "smtp":
        _deliver_over_smtp(data_dir, mails)
    else:
        _deliver_over_imap(data_dir, mails, request.getfixturevalue("imap_server"))
    assert _query(data_dir, f"select state, count(*) from {RAW} group by state") == [
        ("received", N)]
    # Every stored message has its job (SMTP: one each; IMAP: one per fetched batch of 50).
    assert _scheduled(data_dir) == [row[0] for row in _query(
        data_dir, f"select id from {RAW} order by id")]

    # Kill until a kill has cut a processing transaction short (usually the first one).
    kills: list[int] = []
    while len(kills) < 2 or (not _cut_short(data_dir) and len(kills) < MAX_KILLS):
        _kill_mid_transaction(data_dir, at_least=(kills[-1] if kills else 0) + STEP)
        kills.append(_processed(data_dir))
        _consistent(data_dir)  # the transaction the kill cut short left nothing behind
    interrupted = _cut_short(data_dir)
    assert interrupted, f"no kill landed inside processing ({kills})"
    assert kills[-1] < N, "the worker finished before it could be killed mid-batch"

    # A restarted worker drains the queue; the jobs the killed workers held stay RUNNING in
    # the task table (it never retries them), so their mail is still unprocessed — except
    # the mail that later mail answers: a batch takes the unprocessed parents of its replies
    # in and processes them first, so the replies thread onto their tickets.
    _run(data_dir, "worker", "--burst", "-v0")
    _consistent(data_dir)
    left = {row[0] for row in _query(data_dir, f"select id from {RAW} "
                                               "where state = 'received'")}
    assert left <= interrupted
    ids = dict(_query(data_dir, f"select message_id, id from {RAW}"))
    answered = {ids[mails[m.parent].message_id] for m in mails if m.parent is not None}
    assert interrupted - left <= answered  # only parents were taken in early

    # Five minutes later the scheduler's sweep schedules them again; a worker runs it.
    with sqlite3.connect(data_dir / "latido.sqlite3") as conn:
        conn.execute(f"update {RAW} set received_at = datetime(received_at, '-10 minutes')")
    assert "requeue-stale-emails" in _run(data_dir, "scheduler", "--once", "-v0")
    _run(data_dir, "worker", "--burst", "-v0")

    assert _query(data_dir, f"select state, count(*) from {RAW} group by state") == [
        ("processed", N)]
    _consistent(data_dir)
    stored = [row[0] for row in _query(data_dir, f"select message_id from {RAW}")]
    assert sorted(stored) == sorted(m.message_id for m in mails)
    # Each email became exactly one ticket message: replies joined their ticket, the rest
    # opened one ticket each.
    per_mail = Counter(row[0] for row in _query(
        data_dir, f"select ticket_message_id from {RAW}"))
    assert len(per_mail) == N
    assert set(per_mail.values()) == {1}
    # No reply was processed before the message it answers (its parent was taken into its
    # batch), so none opened a ticket of its own: one ticket per thread.
    delayed = {m.index for m in mails if ids[m.message_id] in left}
    assert not [m for m in mails if m.parent in delayed and m.index not in delayed]
    roots = sum(1 for m in mails if m.parent is None)
    assert _count(data_dir, "select count(*) from tickets_ticket") == roots
    assert _count(data_dir, f"select count(*) from {TASKS} where status = 'FAILED'") == 0


class _SlowSmtp:
    """An SMTP server that receives the message, then holds its answer until released."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.in_data = threading.Event()
        self.port = _free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: object, session: object, envelope: Any
    ) -> str:
        self.received.append(bytes(envelope.original_content or envelope.content))
        self.in_data.set()
        await asyncio.sleep(20)  # the worker is killed while it waits for this answer
        return "250 OK"


SETUP_REPLY = """
from latido.accounts.services import user_create
from latido.channels.email.ingest import email_process, email_receive
from latido.channels.models import Mailbox
from latido.tickets.services import ticket_reply
mailbox = Mailbox.objects.create(name='Help', address='help@latido.test')
raw = open({path!r}, 'rb').read()
ticket = email_process(raw_email_id=email_receive(mailbox=mailbox, raw=raw).pk).ticket
agent = user_create(email='agent@latido.test', password=None, role='admin')
ticket_reply(ticket=ticket, actor=agent, body='Your refund was issued today.')
"""


def test_an_email_being_sent_when_the_worker_is_killed_is_not_sent_again(data_dir):
    """At most once: a lost sending attempt is marked failed (outcome unknown) and noted."""
    smtp = _SlowSmtp()
    smtp.controller.start()
    env = {**_env(data_dir), "LATIDO_EMAIL_HOST": "127.0.0.1",
           "LATIDO_EMAIL_PORT": str(smtp.port),
           "LATIDO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
    try:
        mail = data_dir / "mail.eml"
        mail.write_bytes(make_mail(subject="Charged twice", message_id="<kill1@customer.test>"))
        _run(data_dir, "shell", "-c", SETUP_REPLY.format(path=str(mail)), env=env)
        worker = subprocess.Popen(_latido("worker", "--interval", "0.1", "-v0"), env=env,
                                  cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert smtp.in_data.wait(timeout=120), "the worker never sent the reply"
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        assert _query(data_dir, f"select state, attempts from {OUTBOUND}") == [("sending", 0)]

        # Before its deadline the retry job leaves the row alone (the worker may be slow).
        assert "retry-outbound-emails" in _run(data_dir, "scheduler", "--once", "-v0", env=env)
        _run(data_dir, "worker", "--burst", "-v0", env=env)
        assert _query(data_dir, f"select state from {OUTBOUND}") == [("sending",)]

        # Past the deadline (15 minutes later) the attempt counts as lost: not sent again.
        with sqlite3.connect(data_dir / "latido.sqlite3") as conn:
            conn.execute(f"update {OUTBOUND} set next_attempt_at = "
                         "datetime(next_attempt_at, '-16 minutes')")
            conn.execute("update core_periodicjobstate set next_run_at = '2000-01-01 00:00:00'")
        assert "retry-outbound-emails" in _run(data_dir, "scheduler", "--once", "-v0", env=env)
        _run(data_dir, "worker", "--burst", "-v0", env=env)
    finally:
        smtp.controller.stop()

    [(state, attempts, error, next_at)] = _query(
        data_dir, f"select state, attempts, last_error, next_attempt_at from {OUTBOUND}")
    assert (state, attempts, next_at) == ("failed", 1, None)
    assert error.startswith("Delivery unknown: the worker stopped while handing this email")
    notes = _query(data_dir, "select body_text from tickets_message where is_public = 0")
    assert len(notes) == 1
    assert "may not have been delivered" in notes[0][0]
    assert len(smtp.received) == 1  # handed to the server once, never again
