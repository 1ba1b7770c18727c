"""Fault injection for the crash-safety tests: `PYRAMID_WATCH_FAILPOINT=<name>[:<seconds>]` kills the process
with SIGKILL when it reaches the named point (after the given delay, in a background thread, for `dbt`); a
worker process of the night takes the night's main process with it. Unset, as in every real run, each call is
a no-op."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

VARIABLE = "PYRAMID_WATCH_FAILPOINT"


def reach(name: str) -> None:
    """Die here if this point was asked for: at once, or after its delay while the caller goes on."""
    wanted, _, delay = os.environ.get(VARIABLE, "").partition(":")
    if wanted != name:
        return
    if not delay:
        _kill()

    def kill_later() -> None:
        time.sleep(float(delay))
        _kill()

    threading.Thread(target=kill_later, daemon=True).start()


def _kill() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        os.kill(parent.pid, signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
