"""Email ingestion end to end: IMAP fetch → raw bytes stored → processed into tickets.

Starts a private dovecot on loopback (the one the IMAP tests use), appends N realistic
messages (``latido.channels.tests.mailgen``: replies threading onto earlier mail, HTML
alternatives, attachments), starts W ``latido worker`` processes on the configured database
(the database task backend, as production runs it) and lets them idle, then measures:

    t0 → one IMAP poller (what ``latido imap_poll`` / the scheduler's poll job run) takes
         every message with ``imap_poll_mailbox`` (store + enqueue per message, then \\Seen)
       → the workers process the jobs into tickets and replies
    t1 = the last of the N messages is processed.

Prints messages/s over t1 − t0, per-message latency (stored → processed: ``received_at`` →
``processed_at``) p50/p95/p99, peak RSS of the poller and of each worker, and as its last
line the results as JSON. The event-pipeline jobs the new tickets and replies publish run on
the same workers; the time until they are drained too is reported separately, with the
end-to-end rate over it. Routing is real: the mailbox's tickets go to a team of the run whose
tier-1 queue auto-assigns to ten tier-1 agents, so every new ticket is assigned by the
pipeline (an assignment, with its own event) before the run counts as drained.

    createdb -h 127.0.0.1 -U postgres latido_bench_email
    export LATIDO_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/latido_bench_email
    .venv/bin/python bench/email_ingest.py --migrate --messages 1000 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.procinfo import cpu_seconds, cpu_used, pids_with_cmdline  # noqa: E402

PASSWORD_ENV = "LATIDO_BENCH_IMAP_PASSWORD"
PROCESS_TASK = "latido.channels.email.tasks.process_raw_email"
BATCH_TASK = "latido.channels.email.tasks.process_raw_emails"
PIPELINE_TASK = "latido.core.tasks.run_event_pipeline"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (the same definition as bench/load.py)."""
    from bench.load import percentile as nearest_rank

    return nearest_rank(values, p)


def _peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _workers(count: int, interval: float, log: Path) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, "LATIDO_TASK_BACKEND": "database"}
    with log.open("ab") as out:  # the children keep their own copies of the descriptor
        return [
            subprocess.Popen([sys.executable, "-m", "latido.cli", "worker", "--interval",
                              str(interval), "-v0"], env=env, cwd=ROOT, stdout=out,
                             stderr=subprocess.STDOUT)
            for _ in range(count)
        ]


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for proc in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in workers:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def run(*, messages: int, workers: int, interval: float, timeout: float,
        migrate: bool) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["LATIDO_TASK_BACKEND"] = "database"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from latido.channels.email.imap import imap_poll_mailbox
    from latido.channels.models import Mailbox, RawEmail
    from latido.channels.tests.dovecot import PASSWORD, USER, start_dovecot
    from latido.channels.tests.mailgen import generate, imap_append
    from latido.tickets.models import Message, Ticket

    if migrate:
        call_command("migrate", verbosity=0)
    tag = "bench" + secrets.token_hex(4)
    address = f"{tag}@latido.test"
    # Senders unique to the run: the per-sender loop limit (20 in 10 minutes) counts mail of
    # earlier runs too.
    mails = generate(messages, tag=tag, mailbox=address, customers=max(60, messages // 8),
                     sender_prefix=f"{tag}.customer")
    root = Path(tempfile.mkdtemp(prefix="latido-bench-dovecot-"))
    root.chmod(0o755)
    dovecot = start_dovecot(root)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        os.environ[PASSWORD_ENV] = PASSWORD
        team = _routing(tag)
        mailbox = Mailbox.objects.create(
            name="Bench", address=address, kind=Mailbox.Kind.IMAP, team=team,
            settings={"host": "127.0.0.1", "port": dovecot.port, "security": "none",
                      "username": USER, "password_env": PASSWORD_ENV},
        )
        imap_append(dovecot.port, [m.raw for m in mails], user=USER, password=PASSWORD)
        procs = _workers(workers, interval, root.parent / f"{tag}-workers.log")
        time.sleep(3.0)  # let the workers start (Django setup) before the clock runs
        rows = RawEmail.objects.filter(mailbox=mailbox)
        pending = rows.exclude(state=RawEmail.State.RECEIVED)
        db_name = str(settings.DATABASES["default"]["NAME"])
        db_pids = pids_with_cmdline(f" {db_name} ") if connection.vendor == "postgresql" else []
        cpu_before = (cpu_seconds([p.pid for p in procs]), cpu_seconds(db_pids),
                      time.process_time())

        started = time.perf_counter()
        started_at = timezone.now()
        taken = 0
        while (batch := imap_poll_mailbox(mailbox=mailbox, limit=messages)) > 0:
            taken += batch
        polled = time.perf_counter() - started
        deadline = started + timeout
        while pending.count() < messages:
            if time.perf_counter() > deadline:
                raise SystemExit(f"timed out: {pending.count()} of {messages} processed")
            if any(p.poll() is not None for p in procs):
                raise SystemExit("a worker exited")
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        drained = _wait_drained(deadline, since=started_at)
        total = time.perf_counter() - started if drained else None
        worker_rss = [_peak_rss_mb(p.pid) for p in procs]
        if db_pids:  # PostgreSQL backends opened during the run count too
            db_pids = sorted(set(db_pids) | set(pids_with_cmdline(f" {db_name} ")))
        cpu = {"workers": cpu_used(cpu_before[0], cpu_seconds([p.pid for p in procs])),
               "poller": time.process_time() - cpu_before[2],
               "database": cpu_used(cpu_before[1], cpu_seconds(db_pids))}
    finally:
        _stop(procs)
        dovecot.stop()
        shutil.rmtree(root, ignore_errors=True)

    latencies = [
        (done - got).total_seconds() * 1000
        for got, done in rows.values_list("received_at", "processed_at")
    ]
    latencies.sort()
    states = dict.fromkeys(RawEmail.State.values, 0)
    for state in rows.values_list("state", flat=True):
        states[state] += 1
    ticket_ids = set(rows.values_list("ticket_id", flat=True)) - {None}
    assigned = Ticket.objects.filter(pk__in=ticket_ids, assignee__isnull=False).count()
    return {
        "benchmark": "email_ingest",
        "database": connection.vendor,
        "database_name": str(settings.DATABASES["default"]["NAME"]).rsplit("/", 1)[-1],
        "task_backend": "database",
        "workers": workers,
        "poller": "1 process (imap_poll_mailbox, as latido imap_poll)",
        "messages": messages,
        "taken_from_imap": taken,
        "states": states,
        "tickets": len(ticket_ids),
        "tickets_auto_assigned": assigned,
        "ticket_messages": Message.objects.filter(raw_emails__mailbox=mailbox).count(),
        "poll_seconds": round(polled, 3),
        "seconds": round(elapsed, 3),
        "messages_per_second": round(messages / elapsed, 1),
        "pipeline_drained_seconds": round(total, 3) if total is not None else None,
        # End to end: stored, processed into tickets AND routed (pipeline drained).
        "messages_per_second_end_to_end": round(messages / total, 1) if total else None,
        # CPU until the pipeline was drained, per message: what the figures mean on a
        # machine shared with other work (the load average says how shared it was).
        "cpu_ms_per_message": {k: round(v * 1000 / messages, 1) for k, v in cpu.items()},
        "cpu_ms_per_message_total": round(sum(cpu.values()) * 1000 / messages, 1),
        "latency_p50_ms": round(percentile(latencies, 50), 1),
        "latency_p95_ms": round(percentile(latencies, 95), 1),
        "latency_p99_ms": round(percentile(latencies, 99), 1),
        "latency_max_ms": round(latencies[-1], 1) if latencies else 0.0,
        "peak_rss_mb": {"poller": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                        / 1024, 1),
                        "workers": worker_rss},
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "cpus": os.cpu_count(),
    }


def _routing(tag: str) -> Any:
    """A team of the run with a tier-1 queue auto-assigning to ten tier-1 agents."""
    from latido.accounts.models import Queue, Team, User
    from latido.accounts.roles import Role, Tier

    team = Team.objects.create(name=f"Bench {tag}", slug=tag)
    Queue.objects.create(team=team, tier=Tier.TIER1, auto_assign=True)
    for i in range(10):
        agent = User(username=f"{tag}-agent{i}", email=f"{tag}.agent{i}@latido.test",
                     role=Role.TIER1, ticket_capacity=10_000)
        agent.set_unusable_password()
        agent.save()
        team.members.add(agent)
    return team


def _wait_drained(deadline: float, since: Any) -> bool:
    """Wait until no email or pipeline job of this run is ready or running; False on timeout.

    Jobs enqueued before the run (say, left RUNNING by a killed earlier run) do not count.
    """
    from django_tasks_db.models import DBTaskResult

    busy = DBTaskResult.objects.filter(
        task_path__in=[PROCESS_TASK, BATCH_TASK, PIPELINE_TASK],
        status__in=["READY", "RUNNING"], enqueued_at__gte=since)
    while busy.exists():
        if time.perf_counter() > deadline:
            return False
        time.sleep(0.05)
    return True


def report(result: dict[str, Any]) -> str:
    lines = [
        f"email ingestion: {result['messages']} messages from IMAP on {result['database']} "
        f"({result['database_name']}), {result['workers']} worker process(es), database task "
        f"backend, poller: {result['poller']}",
        f"  states: {result['states']}; tickets {result['tickets']}, ticket messages "
        f"{result['ticket_messages']}",
        f"  IMAP poll (fetch + store + enqueue + \\Seen): {result['poll_seconds']} s",
        f"  all processed after {result['seconds']} s: "
        f"{result['messages_per_second']} messages/s",
        f"  pipeline jobs drained (tickets routed: {result['tickets_auto_assigned']} "
        f"auto-assigned) after {result['pipeline_drained_seconds']} s: "
        f"{result['messages_per_second_end_to_end']} messages/s end to end",
        f"  latency stored→processed: p50 {result['latency_p50_ms']} ms, "
        f"p95 {result['latency_p95_ms']} ms, p99 {result['latency_p99_ms']} ms, "
        f"max {result['latency_max_ms']} ms",
        f"  CPU per message (poller, workers, PostgreSQL): {result['cpu_ms_per_message']} "
        f"= {result['cpu_ms_per_message_total']} ms",
        f"  peak RSS: poller {result['peak_rss_mb']['poller']} MB, workers "
        f"{result['peak_rss_mb']['workers']} MB",
        f"  load average at the end: {result['load_average']} ({result['cpus']} CPUs)",
        json.dumps(result, sort_keys=True),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.05,
                        help="worker poll interval when idle (seconds)")
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--migrate", action="store_true", help="run migrations first")
    args = parser.parse_args(argv)
    result = run(messages=args.messages, workers=args.workers, interval=args.interval,
                 timeout=args.timeout, migrate=args.migrate)
    print(report(result), flush=True)
    expected = args.messages
    return 0 if result["states"]["processed"] == expected else 1


if __name__ == "__main__":
    sys.exit(main())
