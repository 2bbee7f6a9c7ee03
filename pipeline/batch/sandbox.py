"""Parse one source at a time in a worker process with a time and memory bound.

One worker (multiprocessing "spawn" context) serves many files, so start-up costs are paid
once; it is replaced after a timeout, a crash or running out of memory. In the worker:
- the address space is capped with RLIMIT_AS at its start-up size plus `memory_mb`, so a
  runaway parse raises MemoryError (outcome TOO_LARGE) instead of taking the machine down;
- SIGINT is ignored (the parent handles Ctrl-C) and the worker dies with its parent (Linux);
- stderr goes to a log file (or /dev/null), so library noise never reaches the terminal.
A worker that does not answer within `timeout_s` is killed (TIMEOUT); one that dies is CORRUPT.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from pipeline.ingest.api import Outcome
from pipeline.ingest.base import ReadOptions, Status

STARTUP_TIMEOUT_S = 120.0


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource

        import psutil

        cap = psutil.Process().memory_info().vms + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    except (ImportError, ValueError, OSError):
        pass


def _redirect_stderr(log_path: str | None) -> None:
    target = os.open(log_path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(target, 2)
    os.close(target)
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115


def _worker(conn: Connection, memory_mb: int, log_path: str | None, env: dict[str, str]) -> None:
    """The worker loop: receive (path, sha256, label, options), send back an Outcome."""
    os.environ.update(env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _redirect_stderr(log_path)
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.basicConfig(level=logging.ERROR, stream=sys.stderr)

    import pipeline.ingest.readers  # noqa: F401  (fills the registry)
    from pipeline.ingest.api import read_source

    _limit_memory(memory_mb)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        path, sha256, label, options = job
        print(f"--- {label}", file=sys.stderr, flush=True)
        try:
            outcome = read_source(Path(path), options, sha256=sha256, label=label)
            conn.send(outcome)
        except MemoryError:
            reason = f"ran out of memory (limit {memory_mb} MB)"
            conn.send(Outcome(source=label, sha256=sha256, status=Status.TOO_LARGE, reason=reason))
        except (BrokenPipeError, EOFError):
            return


class Sandbox:
    """A reusable worker process that reads one source per call within time and memory bounds."""

    def __init__(
        self, options: ReadOptions, log_path: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.options = options
        self.log_path = str(log_path) if log_path else None
        self.env = dict(env or {})  # extra environment for the worker, e.g. OMP_THREAD_LIMIT
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: Any = None
        self._conn: Connection | None = None
        self.restarts = 0

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> Connection:
        parent, child = self._ctx.Pipe()
        self._proc = self._ctx.Process(
            target=_worker,
            args=(child, self.options.memory_mb, self.log_path, self.env),
            daemon=True,
            name="vawg-reader",
        )
        self._proc.start()
        child.close()
        if not parent.poll(STARTUP_TIMEOUT_S) or parent.recv() != "ready":
            self._kill()
            raise RuntimeError("the reader process did not start")
        self._conn = parent
        return parent

    def _kill(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
        if self._proc is not None:
            self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc, self._conn = None, None

    def close(self) -> None:
        """Ask the worker to finish, killing it if it does not."""
        if self._conn is not None:
            try:
                self._conn.send(None)
            except OSError:
                pass
        if self._proc is not None:
            self._proc.join(2)
        self._kill()

    def read(self, path: Path, sha256: str, label: str | None = None) -> Outcome:
        """Read one source in the worker; a hang, crash or memory blow-up becomes the outcome."""
        label = label or str(path)
        conn = self._conn or self._start()
        conn.send((str(path), sha256, label, self.options))
        outcome = Outcome(source=label, sha256=sha256, status=Status.CORRUPT)
        if not conn.poll(self.options.timeout_s):
            self._restart()
            outcome.status = Status.TIMEOUT
            outcome.reason = f"no result within {self.options.timeout_s:g} s"
            outcome.seconds = self.options.timeout_s
            return outcome
        try:
            result = conn.recv()
        except (EOFError, OSError):
            code = self._exit_code()
            self._restart()
            outcome.reason = f"the reader process crashed ({code})"
            return outcome
        if not isinstance(result, Outcome):
            self._restart()
            outcome.reason = "the reader process sent no outcome"
            return outcome
        if result.status is Status.TOO_LARGE and "memory" in result.reason:
            self._restart()  # a worker that hit its memory cap may be in a poor state
        return result

    def _exit_code(self) -> str:
        if self._proc is None:
            return "gone"
        self._proc.join(5)
        code = self._proc.exitcode
        if code is None:
            return "not responding"
        if code < 0:
            try:
                return signal.Signals(-code).name
            except ValueError:
                return f"signal {-code}"
        return f"exit code {code}"

    def _restart(self) -> None:
        self.restarts += 1
        self._kill()
