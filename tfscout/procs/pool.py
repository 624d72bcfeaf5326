"""A pool of worker processes that inspect one model each, surviving crashes and hangs.

Each worker is ``python -m tfscout.procs.worker TARGET`` in its own session: it reads one job per
line (JSON) on stdin and answers one JSON line on stdout. A worker that dies (a segfault, an abort,
the kernel's OOM killer) or runs past the time limit is killed with its whole process group; its
model gets an error row and a fresh worker takes the next job. The scan never dies with a model.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tfscout.procs.children import kill_group, signal_name

Job = dict[str, Any]
Answer = dict[str, Any]
_POLL_SECONDS = 0.2
WORKER_MODULE = "tfscout.procs.worker"


@dataclass
class _Worker:
    proc: subprocess.Popen[bytes]
    job: Job | None = None
    started: float = 0.0
    buffer: bytearray = field(default_factory=bytearray)


class WorkerPool:
    """Run ``target(job) -> answer`` jobs in ``size`` worker processes with a time limit per job.

    ``failed(job, message)`` builds the answer of a job whose worker crashed or hung.
    """

    def __init__(self, target: str, size: int, timeout: float, failed: Callable[[Job, str, str], Answer]) -> None:
        self.target = target
        self.size = max(1, size)
        self.timeout = timeout
        self.failed = failed
        self.workers: list[_Worker] = []
        self.selector = selectors.DefaultSelector()

    # -- workers ------------------------------------------------------------------------------
    def _start(self) -> _Worker:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen([sys.executable, "-m", WORKER_MODULE, self.target],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        worker = _Worker(proc)
        assert proc.stdout is not None
        os.set_blocking(proc.stdout.fileno(), False)
        self.selector.register(proc.stdout, selectors.EVENT_READ, worker)
        self.workers.append(worker)
        return worker

    def _stop(self, worker: _Worker) -> None:
        try:
            self.selector.unregister(worker.proc.stdout)  # type: ignore[arg-type]
        except (KeyError, ValueError):
            pass
        kill_group(worker.proc)
        for stream in (worker.proc.stdin, worker.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if worker in self.workers:
            self.workers.remove(worker)

    def close(self) -> None:
        for worker in list(self.workers):
            self._stop(worker)
        self.selector.close()

    def _give(self, worker: _Worker, job: Job) -> bool:
        worker.job, worker.started = job, time.monotonic()
        try:
            assert worker.proc.stdin is not None
            worker.proc.stdin.write(json.dumps(job).encode() + b"\n")
            worker.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    # -- the loop -----------------------------------------------------------------------------
    def run(self, jobs: list[Job], on_answer: Callable[[Job, Answer], None],
            on_start: Callable[[Job], None] | None = None) -> None:
        """Run every job; ``on_answer`` is called in the calling thread as each one finishes."""
        queue = deque(jobs)
        try:
            while queue or any(w.job is not None for w in self.workers):
                while queue and (len(self.workers) < self.size or any(w.job is None for w in self.workers)):
                    worker = next((w for w in self.workers if w.job is None), None) or self._start()
                    job = queue.popleft()
                    if on_start is not None:
                        on_start(job)
                    if not self._give(worker, job):
                        self._finish(worker, self._crashed(worker), on_answer)
                self._wait(on_answer)
        finally:
            self.close()

    def _wait(self, on_answer: Callable[[Job, Answer], None]) -> None:
        busy = [w for w in self.workers if w.job is not None]
        if not busy:
            return
        deadline = min(w.started for w in busy) + self.timeout
        wait = max(0.0, min(_POLL_SECONDS, deadline - time.monotonic()))
        for key, _events in self.selector.select(wait):
            worker: _Worker = key.data
            self._read(worker, on_answer)
        now = time.monotonic()
        for worker in [w for w in self.workers if w.job is not None and now - w.started > self.timeout]:
            job = worker.job
            assert job is not None
            self._stop(worker)
            on_answer(job, self.failed(job, "timeout", f"took longer than {self.timeout:g} s and was stopped "
                                                        "(raise the limit with --timeout)"))

    def _read(self, worker: _Worker, on_answer: Callable[[Job, Answer], None]) -> None:
        try:
            chunk = os.read(worker.proc.stdout.fileno(), 1 << 16)  # type: ignore[union-attr]
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            if worker.job is not None:
                self._finish(worker, self._crashed(worker), on_answer)
            else:
                self._stop(worker)
            return
        worker.buffer += chunk
        while b"\n" in worker.buffer and worker.job is not None:
            line, _, rest = bytes(worker.buffer).partition(b"\n")
            worker.buffer = bytearray(rest)
            job = worker.job
            worker.job = None
            try:
                answer = json.loads(line)
            except ValueError:
                answer = self.failed(job, "crash", "the worker answered garbage")
            on_answer(job, answer)

    def _crashed(self, worker: _Worker) -> str:
        try:
            worker.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        return signal_name(worker.proc.returncode)

    def _finish(self, worker: _Worker, how: str, on_answer: Callable[[Job, Answer], None]) -> None:
        job = worker.job
        self._stop(worker)
        if job is not None:
            on_answer(job, self.failed(job, "crash", f"the worker inspecting it died ({how}) "
                                                      "(the file may be hostile or hit a bug; inspect it alone "
                                                      "with `tfscout inspect --debug`)"))
