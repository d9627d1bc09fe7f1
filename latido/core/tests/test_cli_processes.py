"""The CLI as operators run it: real processes on a real SQLite file."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATIDO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings", LATIDO_DATA_DIR=str(data_dir),
        LATIDO_DATABASE_URL=f"sqlite:///{data_dir / 'latido.sqlite3'}",
        LATIDO_TASK_BACKEND="database", LATIDO_FAST_PASSWORD_HASHER="1",
    )
    return env


def _latido(*args: str) -> list[str]:
    return [sys.executable, "-m", "latido.cli", *args]


def _query(data_dir: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "latido.sqlite3") as conn:
        return conn.execute(sql).fetchall()


def _wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("migrated")
    subprocess.run(_latido("migrate", "-v0"), env=_env(data_dir), cwd=ROOT, check=True)
    return data_dir


@pytest.fixture
def data_dir(migrated, tmp_path) -> Path:
    shutil.copy(migrated / "latido.sqlite3", tmp_path / "latido.sqlite3")
    return tmp_path


def _collect(stream, lines: list[str]) -> threading.Thread:
    thread = threading.Thread(target=lambda: lines.extend(stream), daemon=True)
    thread.start()
    return thread


def test_two_scheduler_processes_enqueue_each_job_once(data_dir):
    procs = [
        subprocess.Popen(_latido("scheduler", "--interval", "0.2"), env=_env(data_dir),
                         cwd=ROOT, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs: list[list[str]] = [[], []]
    readers = [_collect(proc.stderr, out) for proc, out in zip(procs, outputs, strict=True)]
    _wait_for(lambda: all(any("started" in line for line in out) for out in outputs))
    time.sleep(2)  # both loops tick about ten times
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc, reader in zip(procs, readers, strict=True):
        proc.wait(timeout=15)
        reader.join(timeout=5)
    logs = ["".join(out) for out in outputs]

    assert [proc.returncode for proc in procs] == [0, 0]
    assert sum(log.count("scheduler enqueued") for log in logs) == 8
    assert sorted(_query(data_dir, "select task_path from django_tasks_database_dbtaskresult")) == [
        ("latido.channels.chat.tasks.sweep_stale_chats",),
        ("latido.channels.email.tasks.poll_imap_mailboxes",),
        ("latido.channels.email.tasks.requeue_stale_emails",),
        ("latido.channels.email.tasks.retry_outbound_emails",),
        ("latido.channels.social.tasks.retry_social_replies",),
        ("latido.core.housekeeping.clear_expired_sessions",),
        ("latido.core.housekeeping.prune_task_results",),
        ("latido.core.task_recovery.recover_lost_tasks",),
    ]
    assert _query(data_dir, "select holder from core_lease") == [("",)]  # released on stop


def test_scheduler_once_reports_what_it_enqueued(data_dir):
    first = subprocess.run(_latido("scheduler", "--once", "-v0"), env=_env(data_dir), cwd=ROOT,
                           capture_output=True, text=True, check=True)
    second = subprocess.run(_latido("scheduler", "--once", "-v0"), env=_env(data_dir), cwd=ROOT,
                            capture_output=True, text=True, check=True)

    assert first.stdout == ("Enqueued: prune-task-results, clear-expired-sessions, "
                            "requeue-stale-emails, retry-outbound-emails, "
                            "poll-imap-mailboxes, retry-social-replies, "
                            "recover-lost-tasks, sweep-stale-chats\n")
    assert second.stdout == "No job is due.\n"


def test_createadmin_exits_non_zero_on_bad_input(data_dir):
    env = {**_env(data_dir), "LATIDO_ADMIN_PASSWORD": ""}
    result = subprocess.run(_latido("createadmin", "--email", "root@example.org"), env=env,
                            cwd=ROOT, capture_output=True, text=True)

    assert result.returncode == 1
    assert result.stderr == (
        "CommandError: Give a password with --password or LATIDO_ADMIN_PASSWORD.\n")
    assert _query(data_dir, "select count(*) from accounts_user") == [(0,)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    raw = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(p) for p in raw.split()]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except OSError:
        return 0, b""


def test_serve_runs_web_worker_and_scheduler_and_stops_them(tmp_path):
    port = _free_port()
    static = next(p for p in sorted((ROOT / "latido" / "static").rglob("*")) if p.is_file())
    static_url = f"http://127.0.0.1:{port}/static/" + static.relative_to(
        ROOT / "latido" / "static").as_posix()
    proc = subprocess.Popen(_latido("serve", "--port", str(port)), env=_env(tmp_path),
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: _get(static_url)[0] == 200, timeout=60)
        assert _get(static_url)[1] == static.read_bytes()  # no collectstatic needed
        # the scheduler enqueued the housekeeping jobs and the worker ran them
        _wait_for(lambda: _query(
            tmp_path, "select status, count(*) from django_tasks_database_dbtaskresult "
                      "group by status") == [("SUCCESSFUL", 8)])
        children = _children(proc.pid)
        assert len(children) == 2
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)

    assert proc.returncode == 0, err
    assert out.endswith("Latido stopped.\n")
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []
    assert _query(tmp_path, "select holder from core_lease") == [("",)]
