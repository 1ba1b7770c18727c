"""Fault injection for the crash-safety tests: `PYRAMID_WATCH_FAILPOINT=<name>[:<seconds>]` kills the process
with SIGKILL when it reaches the named point (after the given delay, in a background thread, for `dbt`).
Unset, as in every real run, each call is a no-op."""

from __future__ import annotations

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
        os.kill(os.getpid(), signal.SIGKILL)

    def kill_later() -> None:
        time.sleep(float(delay))
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=kill_later, daemon=True).start()
