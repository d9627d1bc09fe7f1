"""Child processes of `latido serve`: start, watch, restart and stop them cleanly."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time

logger = logging.getLogger(__name__)

PARENT_ENV = "LATIDO_SERVE_PARENT_PID"
STOP_GRACE_SECONDS = 10.0
RESTART_DELAY_SECONDS = 2.0


def watch_parent() -> None:
    """In a child of `latido serve`: stop this process (SIGTERM) when the parent is gone.

    Covers a parent killed with SIGKILL, which cannot stop its children itself.
    """
    raw = os.environ.get(PARENT_ENV)
    if not raw:
        return
    parent = int(raw)

    def _watch() -> None:
        while True:
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGTERM)
                return
            time.sleep(1.0)

    threading.Thread(target=_watch, name="latido-parent-watch", daemon=True).start()


class Child:
    """One `latido <command>` subprocess, restarted if it dies while we are running."""

    def __init__(self, name: str, args: list[str]) -> None:
        self.name = name
        self.args = args
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        # A session of its own: a Ctrl-C in the terminal reaches only the parent, which then
        # stops each child exactly once (a second signal would abort a running task).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "latido.cli", *self.args], env=env, start_new_session=True
        )
        logger.info("started %s (pid %s)", self.name, self.process.pid)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            logger.warning("%s did not stop in %.0f s; killing it", self.name, timeout)
            self.process.kill()
            self.process.wait()


class Supervisor:
    """Keeps the children running until `stop_all`."""

    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="latido-supervisor",
                                        daemon=True)

    def start_all(self) -> None:
        for child in self.children:
            child.start()
        self._thread.start()

    def _watch(self) -> None:
        while not self.stopping.wait(RESTART_DELAY_SECONDS):
            for child in self.children:
                if not child.alive() and not self.stopping.is_set():
                    code = child.process.returncode if child.process else None
                    logger.warning("%s exited with %s; restarting it", child.name, code)
                    child.start()

    def stop_all(self, grace: float = STOP_GRACE_SECONDS) -> None:
        self.stopping.set()
        if self._thread.is_alive():
            self._thread.join()  # no restart can race the stop below
        for child in self.children:
            child.stop()
        deadline = time.monotonic() + grace
        for child in self.children:
            child.wait(max(0.1, deadline - time.monotonic()))
