"""One writer per warehouse: an advisory lock that a second night waits for, then refuses."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_held: set[Path] = set()


class WarehouseBusy(RuntimeError):
    """Another process is writing this warehouse."""


@contextmanager
def writer_lock(warehouse: Path, wait_seconds: float = 600) -> Iterator[None]:
    """Hold the warehouse's writer lock; re-entrant within one process."""
    path = (warehouse / ".writer.lock").resolve()
    if path in _held:
        yield
        return
    warehouse.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"仓库 {warehouse} 正由另一进程写入，等待{wait_seconds:.0f}秒后仍未释放，本次运行已放弃"
                    ) from None
                time.sleep(0.5)
        _held.add(path)
        try:
            yield
        finally:
            _held.discard(path)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
