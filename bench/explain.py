"""Where a scenario's time goes: its queries (EXPLAIN ANALYZE) and its Python CPU time.

    LATIDO_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/latido_bench \\
        .venv/bin/python bench/explain.py --scenario ticket --info bench/results/info.json

Runs the scenario's request in-process through Django's test client (no HTTP server),
captures every SQL statement, and runs each one `--repeat` times under EXPLAIN (ANALYZE) in
one connection, keeping the fastest planning and execution times, so a busy machine skews
the figures less. `--plans` prints the plan of the slowest statements. The create scenario
is not replayed (its statements write).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LATIDO_DB_POOL", "0")  # a pooled connection resets the query log
    import django

    django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from latido.accounts.models import User  # noqa: E402

_TIME = re.compile(r"(Planning|Execution) Time: ([\d.]+) ms")


def _paths(info: dict[str, Any], list_query: str) -> dict[str, tuple[str, dict[str, str]]]:
    api = {"Authorization": f"Bearer {info['token']}"}
    return {
        "list": (f"/api/v1/tickets?{list_query}", api),
        "queue": (f"/agent/queues/{info['queue_id']}/", {}),
        "queue-api": (f"/api/v1/queues/{info['queue_id']}/tickets", api),
        "ticket": (f"/agent/tickets/{info['ticket_id']}/", {}),
    }


def explain(sql: str, repeat: int) -> tuple[float, float, str]:
    """Fastest planning and execution milliseconds over `repeat` runs, and the plan."""
    best_plan, best_exec, plan = float("inf"), float("inf"), ""
    with connection.cursor() as cursor:
        for _ in range(repeat):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, SUMMARY) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            times = dict(_TIME.findall("\n".join(lines)))
            best_plan = min(best_plan, float(times.get("Planning", 0)))
            best_exec = min(best_exec, float(times.get("Execution", 0)))
            plan = "\n".join(lines)
    return best_plan, best_exec, plan


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", choices=("list", "queue", "queue-api", "ticket"), required=True)
    p.add_argument("--info", type=Path, required=True)
    p.add_argument("--list-query", default="limit=25")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--requests", type=int, default=30, help="for the Python CPU figure")
    p.add_argument("--plans", type=int, default=1, help="print plans of the N slowest")
    args = p.parse_args(argv)
    info = json.loads(args.info.read_text(encoding="utf-8"))
    path, headers = _paths(info, args.list_query)[args.scenario]
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(email=info["email"]))
    for _ in range(3):
        client.get(path, headers=headers)  # warm caches and the connection
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    queries = list(captured.captured_queries)  # a view of the connection's log: copy it now
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.requests):
        client.get(path, headers=headers)
    cpu_ms = (time.process_time() - cpu) * 1000 / args.requests
    wall_ms = (time.perf_counter() - wall) * 1000 / args.requests
    rows = []
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            rows.append((0.0, 0.0, sql, "(not a SELECT: not replayed)"))
            continue
        plan_ms, exec_ms, _plan = explain(sql, args.repeat)
        rows.append((plan_ms, exec_ms, sql, ""))
    total_plan = sum(r[0] for r in rows)
    total_exec = sum(r[1] for r in rows)
    print(f"{args.scenario} {path}: HTTP {response.status_code}, {len(response.content)} bytes, "
          f"{len(rows)} queries; Django in-process: {cpu_ms:.1f} ms CPU per request "
          f"({wall_ms:.1f} ms wall, queries included)")
    print(f"database, fastest of {args.repeat}: planning {total_plan:.2f} ms + execution "
          f"{total_exec:.2f} ms per request")
    print(f"{'plan ms':>8} {'exec ms':>8}  statement")
    for plan_ms, exec_ms, sql, note in rows:
        short = re.sub(r'SELECT .*? FROM', "SELECT … FROM", sql, count=1, flags=re.S)
        print(f"{plan_ms:8.2f} {exec_ms:8.2f}  {note or short[:160]}")
    for plan_ms, exec_ms, sql, _note in sorted(rows, key=lambda r: -(r[0] + r[1]))[:args.plans]:
        print(f"\n--- slowest: planning {plan_ms:.2f} ms, execution {exec_ms:.2f} ms\n{sql}\n")
        print(explain(sql, 1)[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
