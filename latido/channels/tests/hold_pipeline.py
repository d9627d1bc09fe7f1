"""A test-only pipeline handler that holds a reply's pipeline job, for the kill -9 test.

`settings_hold_pipeline` puts it first in LATIDO_EVENT_PIPELINE of the test's processes.
While the file named by LATIDO_TEST_HOLD_FILE exists, a run for events that include an
agent's reply writes `<file>.entered` and waits, so the test can SIGKILL the worker at a
known point: inside the pipeline job, before any handler after it (the email reply) ran.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from latido.tickets.enums import EventType
from latido.tickets.models import TicketEvent

HOLD_ENV = "LATIDO_TEST_HOLD_FILE"


def hold_replies(event_ids: list[int]) -> None:
    hold = Path(os.environ.get(HOLD_ENV, "/nonexistent"))
    if not TicketEvent.objects.filter(pk__in=event_ids, type=EventType.REPLY).exists():
        return
    if hold.exists():
        Path(f"{hold}.entered").write_text(",".join(map(str, event_ids)))
    while hold.exists():
        time.sleep(0.05)
