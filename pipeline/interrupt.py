"""Stopping a run cleanly on Ctrl-C (SIGINT) or SIGTERM.

The main process decides: its signals become one `Interrupted` exception, held back while
a batch commits (so a batch is either saved and counted or neither), and raised once only.
Workers ignore SIGINT (a terminal sends it to the whole process group) and die quietly on
SIGTERM; the main process stops them.
"""
from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A run stopped by a signal; `stats` holds what it had saved (set by the runner).

    A KeyboardInterrupt, so callers that stop cleanly on Ctrl-C (click) do so on SIGTERM too."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.stats: dict = {}

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class Guard:
    """Within `with Guard() as g:` SIGINT and SIGTERM raise Interrupted, except inside `g.held()`."""

    def __init__(self):
        self.signum: int | None = None
        self._raised = False
        self._depth = 0
        self._previous: dict = {}
        self._active = threading.current_thread() is threading.main_thread()

    def _handler(self, signum, frame):
        if self.signum is not None:
            return  # already stopping
        self.signum = signum
        if self._depth == 0:
            self._raise()

    def _raise(self):
        if not self._raised:
            self._raised = True
            raise Interrupted(self.signum)

    def __enter__(self) -> "Guard":
        if self._active:
            for sig in SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        self._previous.clear()

    def ignore(self) -> None:
        """From now on signals are ignored (the work is done; only its record is left to write)."""
        self._raised = True
        if self.signum is None:
            self.signum = 0

    @contextlib.contextmanager
    def held(self):
        """A signal arriving inside this block is raised when the block ends."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if self._depth == 0 and self.signum is not None:
            self._raise()

    @contextlib.contextmanager
    def forking(self):
        """Block the signals while worker processes are forked; they unblock them in `worker_init`."""
        if not self._active:
            yield
            return
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def worker_init(parent: int) -> None:
    """In each worker: the main process decides about SIGINT; SIGTERM ends the worker quietly,
    and so does the death of the main process (Linux), instead of a broken pipe on its next result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass
    if os.getppid() != parent:  # the main process died before the line above
        os._exit(1)
    sys.stderr = _QuietOrphan(sys.stderr, parent)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


class _QuietOrphan:
    """A worker's stderr that drops what is written once the main process is gone (a broken
    pipe noticed in the instant before the kernel's SIGKILL arrives)."""

    def __init__(self, stream, parent: int):
        self._stream, self._parent = stream, parent

    def write(self, text: str) -> int:
        if text.startswith("Process ") and os.getppid() == self._parent:
            time.sleep(0.05)  # a worker's failure header: let a dying parent's SIGKILL land first
        if os.getppid() != self._parent:
            return len(text)
        return self._stream.write(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def stop_pool(pool, timeout: float = 2.0) -> None:
    """Terminate a multiprocessing pool, killing its workers if terminate() does not return in time
    (it can block forever on a queue lock held by a worker that was killed from outside)."""
    stopper = threading.Thread(target=pool.terminate, daemon=True)
    stopper.start()
    stopper.join(timeout)
    if stopper.is_alive():
        for proc in getattr(pool, "_pool", []):
            if proc.exitcode is None:
                proc.kill()
        stopper.join(1.0)
