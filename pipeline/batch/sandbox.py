"""Parse one source at a time in a worker process with a time and memory bound.

One worker (multiprocessing "spawn" context) serves many files, so start-up costs are paid
once; it is replaced after a timeout, a crash or running out of memory. In the worker:
- the address space is capped with RLIMIT_AS at its start-up size plus `memory_mb`, so a
  runaway parse raises MemoryError (outcome TOO_LARGE) instead of taking the machine down;
- SIGINT is blocked from birth and then ignored (the parent handles Ctrl-C and stops the
  workers), and the worker is killed if the thread that started it dies (Linux PDEATHSIG);
- stderr goes to a log file (or /dev/null), so library noise never reaches the terminal.
A worker that does not answer within `timeout_s` is killed (TIMEOUT); one that dies is CORRUPT.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
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


class SandboxClosed(RuntimeError):
    """The sandbox was closed (the batch is stopping) while a source was being read."""


class Sandbox:
    """A reusable worker process that reads one source per call within time and memory bounds.

    `close()` may be called from another thread (to stop a batch); a `read` in progress then
    raises SandboxClosed rather than blaming the source.
    """

    def __init__(
        self, options: ReadOptions, log_path: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.options = options
        self.log_path = str(log_path) if log_path else None
        self.env = dict(env or {})  # extra environment for the worker, e.g. OMP_THREAD_LIMIT
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: Any = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._closed = False
        self.restarts = 0

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> Connection:
        with self._lock:
            if self._closed:
                raise SandboxClosed("the batch is stopping")
            parent, child = self._ctx.Pipe()
            proc = self._ctx.Process(
                target=_worker,
                args=(child, self.options.memory_mb, self.log_path, self.env),
                daemon=True,
                name="vawg-reader",
            )
            # The worker starts with SIGINT blocked, so Ctrl-C reaches only this process.
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                proc.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            child.close()
            self._proc, self._conn = proc, parent
        try:
            ready = parent.poll(STARTUP_TIMEOUT_S) and parent.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self._kill()
            if self._closed:
                raise SandboxClosed("the batch is stopping")
            raise RuntimeError("the reader process did not start")
        return parent

    def _kill(self) -> None:
        with self._lock:
            proc, conn = self._proc, self._conn
            self._proc, self._conn = None, None
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join(5)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """Ask the worker to finish, killing it if it does not; no worker starts after this."""
        with self._lock:
            self._closed = True
            proc, conn = self._proc, self._conn
        if conn is not None:
            try:
                conn.send(None)
            except OSError:
                pass
        if proc is not None:
            proc.join(2)
        self._kill()

    def _send(self, job: tuple[object, ...]) -> Connection:
        """Send a job, replacing a worker that died while idle (so the next source is not blamed)."""
        conn = self._conn or self._start()
        try:
            conn.send(job)
        except OSError:
            self._restart()
            conn = self._start()
            conn.send(job)
        return conn

    def read(self, path: Path, sha256: str, label: str | None = None) -> Outcome:
        """Read one source in the worker; a hang, crash or memory blow-up becomes the outcome."""
        label = label or str(path)
        conn = self._send((str(path), sha256, label, self.options))
        outcome = Outcome(source=label, sha256=sha256, status=Status.CORRUPT)
        try:
            answered = conn.poll(self.options.timeout_s)
        except (EOFError, OSError):
            answered = True  # the connection was closed under us: recv below says how
        if not answered:
            self._restart()
            outcome.status = Status.TIMEOUT
            outcome.reason = f"no result within {self.options.timeout_s:g} s"
            outcome.seconds = self.options.timeout_s
            return outcome
        try:
            result = conn.recv()
        except (EOFError, OSError):
            if self._closed:
                raise SandboxClosed("the batch is stopping") from None
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
        proc = self._proc
        if proc is None:
            return "gone"
        proc.join(5)
        code = proc.exitcode
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
