"""Fill the configured database with realistic tickets, messages and events.

    LATIDO_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/latido_bench \\
        .venv/bin/python bench/generate.py --tickets 1000000 --info-out bench/results/info.json

PostgreSQL: a producer process plays the ticket lives and formats COPY data while this
process streams it in, all in one transaction with secondary indexes and foreign keys
rebuilt at the end (see bench/pgcopy.py); then sequences are reset and VACUUM ANALYZE runs.
Other databases (SQLite): the same rows through `bulk_create`.
Afterwards a known agent gets an API token, and one fixed ticket with exactly ten messages is
written through the real services for the ticket-page scenario.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

from django.db import connection, transaction  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench import pgcopy  # noqa: E402
from bench.people import BENCH_AGENT_EMAIL, BENCH_PASSWORD, ensure_people, load_cast  # noqa: E402
from bench.simulate import COLUMNS, DAY, Batch, Cast, Simulator  # noqa: E402
from bench.texts import Texts  # noqa: E402
from latido.accounts.models import User  # noqa: E402
from latido.tickets.models import Message, Ticket, TicketEvent  # noqa: E402

MODELS: dict[str, Any] = {
    "ticket": Ticket, "message": Message, "event": TicketEvent,
    "follower": Ticket.followers.through,
}
FAST_PATH_MIN = 100_000  # below this, keeping the indexes is cheaper than rebuilding them


def _next_id(model: Any) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _batches(*, cast: Cast, tickets: int, batch: int, seed: int, days: float, now: float,
             first_ticket: int, first_message: int, first_event: int,
             stamp: Any = None) -> Iterator[Batch]:
    """Batches of rows; ticket ids and creation times rise together over `days`."""
    sim = Simulator(cast=cast, texts=Texts(), seed=seed, now=now, stamp=stamp,
                    next_message_id=first_message, next_event_id=first_event)
    start, slot = now - days * DAY, days * DAY / tickets
    for offset in range(0, tickets, batch):
        b = Batch()
        for i in range(offset, min(offset + batch, tickets)):
            sim.ticket(b, first_ticket + i, start + (i + sim.rng.random() * 0.9) * slot)
        yield b


def _extra_columns(table: str) -> tuple[tuple[str, ...], str]:
    """Model columns the simulator does not fill, with their defaults in COPY text."""
    model, known = MODELS[table], set(COLUMNS[table])
    names: list[str] = []
    values: list[str] = []
    for f in model._meta.concrete_fields:
        if f.attname in known or f.primary_key or getattr(f, "generated", False):
            continue
        default = f.get_default()
        if default is None and not f.null:
            raise SystemExit(f"bench: no value for {model.__name__}.{f.name}; teach "
                             "bench/simulate.py about it.")
        names.append(f.column)
        values.append(pgcopy.cell(json.dumps(default) if f.get_internal_type() == "JSONField"
                                  else f.get_db_prep_save(default, connection)))
    return tuple(names), "".join("\t" + v for v in values)


def _copy_batches(kwargs: dict[str, Any]) -> Iterator[tuple[int, dict[str, bytes]]]:
    """(tickets, {table: COPY text}) per batch."""
    lines = {t: pgcopy.row_formatter(MODELS[t], COLUMNS[t], _extra_columns(t)[1])
             for t in COLUMNS}
    for b in _batches(**kwargs, stamp=pgcopy.Stamp()):
        yield b.tickets, {t: pgcopy.copy_text(rows, lines[t]) for t, rows in b.rows.items()
                          if rows}


def _produce(queue: Any, kwargs: dict[str, Any]) -> None:
    """Producer process: put each batch on the queue, then None."""
    for item in _copy_batches(kwargs):
        queue.put(item)
    queue.put(None)


def _produced(kwargs: dict[str, Any]) -> Iterator[tuple[int, dict[str, bytes]]]:
    """Batches from a forked producer, so formatting overlaps PostgreSQL's work; inline when
    already inside a transaction (tests), where the connection cannot be closed for a fork.
    Call it before opening the load's transaction: the producer starts right away."""
    if connection.in_atomic_block:
        return _copy_batches(kwargs)
    connection.close()  # the producer is forked: it must not share our socket
    queue: Any = mp.get_context("fork").Queue(maxsize=3)
    producer = mp.get_context("fork").Process(target=_produce, args=(queue, kwargs), daemon=True)
    producer.start()

    def drain() -> Iterator[tuple[int, dict[str, bytes]]]:
        while (item := queue.get()) is not None:
            yield item
        producer.join()
        if producer.exitcode:
            raise SystemExit(f"bench: the producer failed (exit {producer.exitcode}).")

    return drain()


def _load_postgres(kwargs: dict[str, Any], fast: bool, bar: Any) -> dict[str, float]:
    """COPY everything in one transaction; return the seconds each phase took."""
    tables = [MODELS[t]._meta.db_table for t in COLUMNS]
    columns = {t: (*(MODELS[t]._meta.get_field(c).column for c in COLUMNS[t]),
                   *_extra_columns(t)[0]) for t in COLUMNS}
    batches = _produced(kwargs)
    phases: dict[str, float] = {}
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")  # index builds sort in memory
        cursor.execute("SET LOCAL work_mem = '256MB'")  # foreign-key checks hash in memory
        drop, create = pgcopy.secondary_ddl(cursor, tables) if fast else ([], [])
        for sql in drop:
            cursor.execute(sql)
        raw = cursor.cursor  # the psycopg cursor, for COPY
        for count, data in batches:
            for table, payload in data.items():
                pgcopy.copy_into(raw, MODELS[table]._meta.db_table, columns[table], payload)
            bar.update(count)
        bar.close()
        phases["copy_seconds"] = time.monotonic() - started
        for sql in tqdm(create, desc="indexes and keys", unit="stmt", file=sys.stderr):
            cursor.execute(sql)
        phases["rebuild_seconds"] = time.monotonic() - started - phases["copy_seconds"]
    return phases


def _load_portable(kwargs: dict[str, Any], bar: Any) -> None:
    for b in _batches(**kwargs):
        with transaction.atomic():
            for table, rows in b.rows.items():
                model, cols = MODELS[table], COLUMNS[table]
                objs = []
                for row in rows:
                    values = dict(zip(cols, row, strict=True))
                    for key in ("fields", "data"):
                        if key in values:
                            values[key] = json.loads(values[key])
                    objs.append(model(**values))
                model.objects.bulk_create(objs, batch_size=500)
        bar.update(b.tickets)
    bar.close()


def _finish_postgres() -> None:
    pgcopy.reset_sequences(connection, list(MODELS.values()))
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # tests: VACUUM cannot run in a transaction
            cursor.execute("ANALYZE")
            return
        for model in MODELS.values():
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
        cursor.execute("ANALYZE")


def _fixed_ticket(agent: User) -> Ticket:
    """A ticket written through the services with exactly ten messages (1 + 9)."""
    from latido.customers.models import Contact
    from latido.tickets.services import ticket_create, ticket_note, ticket_reply

    team = agent.teams.order_by("id").first()
    contact = Contact.objects.filter(user__isnull=True, identities__value__endswith=".bench.test")
    requester = contact.order_by("id").first()
    assert requester is not None
    assert team is not None
    ticket = ticket_create(actor=None, requester=requester, channel="email", team=team,
                           subject="Bench: the ticket with ten messages",
                           body="Hello,\n\nMy invoice shows the wrong amount.\n\nThanks, Ana")
    for k in range(3):
        ticket_reply(ticket=ticket, actor=agent, channel="email",
                     body=f"Hi Ana,\n\nThanks for writing. Step {k + 1}: could you check the "
                     "invoice number for us?\n\nKind regards")
        ticket_reply(ticket=ticket, actor=None, channel="email",
                     body=f"Here it is: INV-{4000 + k}. It still looks wrong to me.")
        ticket_note(ticket=ticket, actor=agent,
                    body=f"Internal: checked ledger entry {k + 1}, discount applied twice.")
    return ticket


def generate(*, tickets: int, batch: int = 10_000, seed: int = 1, days: float = 365.0,
             fast: bool | None = None, progress: bool = True) -> dict[str, Any]:
    """Add `tickets` tickets (the last being the fixed ten-message one); return what load.py
    needs (token, ids) and the timings."""
    if tickets < 1:
        raise ValueError("tickets must be at least 1")
    from latido.accounts.services import api_token_create

    started = time.monotonic()
    ensure_people(contacts=min(40_000, max(20, tickets // 25)))
    cast = load_cast()
    bulk = tickets - 1  # the last one is the fixed ticket, written through the services
    kwargs = {
        "cast": cast, "tickets": bulk, "batch": batch, "seed": seed, "days": days,
        "now": time.time(), "first_ticket": _next_id(Ticket),
        "first_message": _next_id(Message), "first_event": _next_id(TicketEvent),
    }
    people_s = time.monotonic() - started
    bar = tqdm(total=bulk, desc="tickets", unit="t", file=sys.stderr, disable=not progress,
               smoothing=0.1)
    postgres = connection.vendor == "postgresql"
    phases: dict[str, float] = {}
    if bulk and postgres:
        phases = _load_postgres(kwargs, bulk >= FAST_PATH_MIN if fast is None else fast, bar)
    elif bulk:
        _load_portable(kwargs, bar)
    if postgres:
        vacuum_started = time.monotonic()
        _finish_postgres()
        phases["vacuum_analyze_seconds"] = time.monotonic() - vacuum_started
    load_s = time.monotonic() - started - people_s
    agent = User.objects.get(email=BENCH_AGENT_EMAIL)
    fixed = _fixed_ticket(agent)
    _token, raw = api_token_create(user=agent, name=f"bench {time.strftime('%Y-%m-%d %H:%M')}")
    team = agent.teams.order_by("id").first()
    assert team is not None
    return {
        "tickets": tickets, "database": connection.vendor,
        "db_name": connection.settings_dict["NAME"],
        "people_seconds": round(people_s, 1), "load_seconds": round(load_s, 1),
        **{k: round(v, 1) for k, v in phases.items()},
        "total_seconds": round(time.monotonic() - started, 1),
        "token": raw, "email": agent.email, "password": BENCH_PASSWORD,
        "team_id": team.pk, "queue_id": team.queues.get(tier=1).pk, "ticket_id": fixed.pk,
        "requester_ids": [cid for cid, _org in cast.contacts[:: max(1, len(cast.contacts) // 200)]],
        "counts": {name: model.objects.count() for name, model in MODELS.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--batch", type=int, default=10_000, help="tickets per COPY batch")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=float, default=365.0, help="history the tickets span")
    parser.add_argument("--fast", choices=("auto", "on", "off"), default="auto",
                        help="PostgreSQL: drop and rebuild indexes and keys around the load")
    parser.add_argument("--token-out", type=Path, help="write the agent's API token here")
    parser.add_argument("--info-out", type=Path, help="write token, ids and timings as JSON")
    args = parser.parse_args(argv)
    if args.tickets < 1 or args.batch < 1:
        parser.error("--tickets and --batch must be at least 1")
    info = generate(tickets=args.tickets, batch=args.batch, seed=args.seed, days=args.days,
                    fast=None if args.fast == "auto" else args.fast == "on")
    if args.token_out:
        args.token_out.write_text(info["token"] + "\n", encoding="utf-8")
    if args.info_out:
        args.info_out.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print(f"generated {info['tickets']} tickets in {info['total_seconds']} s "
          f"(people {info['people_seconds']} s, tickets {info['load_seconds']} s)",
          file=sys.stderr)
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
