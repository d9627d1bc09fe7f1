"""bench/email_ingest.py end to end with 30 messages on a SQLite file, so it cannot rot.

The bench runs as a separate process (it starts dovecot and real `latido worker` processes,
which must share its database), on a fresh data directory with its own migrations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
N = 30


def test_the_email_bench_ingests_every_message_and_reports_json(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATIDO_")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", LATIDO_DATA_DIR=str(tmp_path),
               LATIDO_DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
               LATIDO_FAST_PASSWORD_HASHER="1")
    done = subprocess.run(
        [sys.executable, "bench/email_ingest.py", "--migrate", "--messages", str(N),
         "--workers", "1", "--timeout", "240"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=400,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1])

    assert result["database"] == "sqlite"
    assert result["messages"] == result["taken_from_imap"] == N
    assert result["states"] == {"received": 0, "processed": N, "quarantined": 0, "ignored": 0}
    assert result["ticket_messages"] == N
    assert 0 < result["tickets"] <= N
    # Routing ran: every new ticket was auto-assigned by the pipeline before "drained".
    assert result["tickets_auto_assigned"] == result["tickets"]
    assert result["messages_per_second_end_to_end"] > 0
    assert result["messages_per_second"] > 0
    assert 0 < result["latency_p50_ms"] <= result["latency_p95_ms"] <= result["latency_p99_ms"]
    assert result["latency_p99_ms"] <= result["latency_max_ms"]
    assert result["pipeline_drained_seconds"] >= result["seconds"]
    assert result["peak_rss_mb"]["workers"][0] > 10
    assert result["cpu_ms_per_message"]["workers"] > 0
    assert any(line.strip().startswith("all processed after") for line in lines)
