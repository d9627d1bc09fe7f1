"""`kill -9` of the worker while it runs a reply's pipeline job: the reply is still mailed, once.

Real processes on one SQLite file, as operators run them: `latido shell` stores an email
ticket and an agent's reply (whose pipeline job is written with it), `latido worker` takes
that job and is SIGKILLed inside it, `latido scheduler` and a new worker recover it, and an
aiosmtpd server on loopback receives what is mailed.

Which case this exercises is fixed, not left to timing: the test-only first handler
(`hold_pipeline.hold_replies`) holds the job, so the kill lands after the worker claimed the
job (RUNNING) and before the email handler created the outgoing mail. (A kill mid-send is
the at-most-once case of outbound_stuck.py, tested in test_outbound_stuck.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from rq import Queue as RQQueue
from rq.job import Job as RQJob

from latido.channels.tests.hold_pipeline import HOLD_ENV
from latido.channels.tests.smtp_server import Smtp
from latido.channels.tests.test_reliability_kill import (  # noqa: F401 (fixtures)
    TASKS,
    _run,
    data_dir,
    migrated,
)
from latido.core.tests.test_background_work import RQ_TEST_URL, rq_redis  # noqa: F401
from latido.core.tests.test_cli_processes import ROOT, _env, _latido, _query, _wait_for

pytestmark = pytest.mark.django_db  # only for the settings; the processes use their own DB

PIPELINE_TASK = "latido.core.tasks.run_event_pipeline"
RECOVER_TASK = "latido.core.task_recovery.recover_lost_tasks"
OUTBOUND = "latido_channels_outboundemail"
STALE_SECONDS = 3

SETUP = """
from latido.accounts.roles import Role
from latido.accounts.services import team_add_member, team_create, user_create
from latido.channels.email.ingest import email_process, email_receive
from latido.channels.models import Mailbox
from latido.channels.tests.helpers import make_mail
from latido.tickets.services import ticket_reply

team = team_create(name="Payments", is_default=True)
agent = user_create(email="tier1@latido.test", password="x-Secret-1234", role=Role.TIER1,
                    name="Tomas")
team_add_member(team=team, user=agent)
mailbox = Mailbox.objects.create(name="Help", address="help@latido.test", team=team)
raw = email_receive(mailbox=mailbox, raw=make_mail(subject="Card charged twice"))
ticket = email_process(raw_email_id=raw.pk).ticket
ticket_reply(ticket=ticket, actor=agent, body="Refund issued.")
"""


def _env_for(directory: Path, smtp: Smtp, hold: Path) -> dict[str, str]:
    return {**_env(directory), "DJANGO_SETTINGS_MODULE":
            "latido.channels.tests.settings_hold_pipeline", HOLD_ENV: str(hold),
            "LATIDO_TASK_STALE_SECONDS": str(STALE_SECONDS),
            "LATIDO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "LATIDO_EMAIL_HOST": "127.0.0.1", "LATIDO_EMAIL_PORT": str(smtp.port)}


def _reply_job(directory: Path) -> tuple[str, list[str]]:
    """Status and worker ids of the pipeline job that carries the reply event."""
    [reply] = _query(directory, "select id from tickets_ticketevent where type = 'reply'")
    rows = [(status, json.loads(args)["args"][0], json.loads(workers))
            for status, args, workers in _query(
                directory, f"select status, args_kwargs, worker_ids from {TASKS} "
                          f"where task_path = '{PIPELINE_TASK}'")]
    [(status, _, workers)] = [row for row in rows if reply[0] in row[1]]
    return status, workers


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(_latido(*args), env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


def test_a_reply_whose_pipeline_job_lost_its_worker_is_mailed_once(data_dir, tmp_path):  # noqa: F811
    smtp = Smtp()
    smtp.start()
    hold = tmp_path / "hold"
    env = _env_for(data_dir, smtp, hold)
    try:
        _run(data_dir, "shell", "-c", SETUP, env=env)
        assert _reply_job(data_dir) == ("READY", [])

        hold.write_text("")
        worker = _start(["worker", "--interval", "0.1", "-v0"], env)
        try:
            _wait_for(lambda: Path(f"{hold}.entered").exists(), timeout=60)
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
        hold.unlink()
        status, dead_workers = _reply_job(data_dir)
        assert (status, len(dead_workers)) == ("RUNNING", 1)
        assert _query(data_dir, f"select count(*) from {OUTBOUND}") == [(0,)]

        # A new worker alone never touches a RUNNING job: without the sweep it is lost.
        worker = _start(["worker", "--interval", "0.1", "-v0"], env)
        try:
            time.sleep(STALE_SECONDS + 1)  # meanwhile the job's age passes the stale limit
            assert _reply_job(data_dir) == ("RUNNING", dead_workers)
            scheduler = _start(["scheduler", "--interval", "0.2"], env)
            try:
                _wait_for(lambda: len(smtp.collector.messages) >= 1, timeout=60)
                time.sleep(2)  # room for a duplicate, were there one
            finally:
                _stop(scheduler)
        finally:
            _stop(worker)

        assert smtp.collector.rcpt == [["ana@customer.test"]]
        assert smtp.collector.messages[0]["Subject"].startswith("Re: Card charged twice")
        assert _query(data_dir, f"select state, attempts from {OUTBOUND}") == [("sent", 1)]
        status, workers = _reply_job(data_dir)
        assert status == "SUCCESSFUL"
        assert workers[0] == dead_workers[0]
        assert len(workers) == 2
        recovered = [json.loads(value)["rerun"] for (value,) in _query(
            data_dir, f"select return_value from {TASKS} where task_path = '{RECOVER_TASK}' "
                      "and status = 'SUCCESSFUL'")]
        assert sum(len(ids) for ids in recovered) == 1
    finally:
        smtp.stop()


def test_on_rq_an_abandoned_reply_pipeline_job_is_requeued_and_mailed_once(
    data_dir, tmp_path, rq_redis  # noqa: F811
):
    """The same with LATIDO_TASK_BACKEND=rq: RQ fails the abandoned job, the sweep requeues it.

    The only shortcut: instead of waiting the 90 s until the dead worker's heartbeat entry
    expires, the test moves that entry's expiry into the past (it is a score in Redis).
    """
    smtp = Smtp()
    smtp.start()
    hold = tmp_path / "hold"
    env = {**_env_for(data_dir, smtp, hold), "LATIDO_TASK_BACKEND": "rq",
           "LATIDO_REDIS_URL": RQ_TEST_URL}
    queue = RQQueue("default", connection=rq_redis)
    try:
        _run(data_dir, "shell", "-c", SETUP, env=env)
        hold.write_text("")
        worker = _start(["worker", "--no-fork", "-v0"], env)  # a SIGKILL ends the job too
        try:
            _wait_for(lambda: Path(f"{hold}.entered").exists(), timeout=60)
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        hold.unlink()
        [entry] = rq_redis.zrange(queue.started_job_registry.key, 0, -1)
        job = RQJob.fetch(entry.decode().split(":")[0], connection=rq_redis)
        assert (job.func_name, job.get_status()) == (PIPELINE_TASK, "started")
        rq_redis.zadd(queue.started_job_registry.key, {entry: time.time() - 1}, xx=True)

        _run(data_dir, "scheduler", "--once", "-v0", env=env)
        _run(data_dir, "worker", "--burst", "--no-fork", "-v0", env=env)
        _wait_for(lambda: len(smtp.collector.messages) >= 1, timeout=30)

        assert smtp.collector.rcpt == [["ana@customer.test"]]
        assert _query(data_dir, f"select state, attempts from {OUTBOUND}") == [("sent", 1)]
        job = RQJob.fetch(job.id, connection=rq_redis)
        assert (job.get_status(), job.meta["latido_lost_runs"]) == ("finished", 2)
        assert queue.failed_job_registry.get_job_ids() == []
        # a later sweep finds nothing more to requeue
        assert "{'rerun': [], 'failed': []}" in _run(data_dir, "shell", "-c", (
            "from latido.core.task_recovery import recover_lost_tasks; "
            "print(recover_lost_tasks.call())"), env=env)
        assert len(smtp.collector.messages) == 1
    finally:
        smtp.stop()
