"""Latency of one run on the same batch, for TensorFlow and onnxruntime alike: the median of up to
:data:`RUNS` timed runs after :data:`WARMUP` untimed ones, with :data:`THREADS` intra-op threads and one
inter-op thread on both sides. Reported, never judged."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from tfscout.converter.report import Latency

WARMUP = 2
RUNS = 10
MIN_RUNS = 3
BUDGET_S = 3.0
THREADS = max(1, min(os.cpu_count() or 1, 4))


def time_runs(run: Callable[[], Any]) -> tuple[float, int]:
    """Call ``run`` WARMUP times, then time it until RUNS runs or BUDGET_S seconds (at least MIN_RUNS):
    (the median in milliseconds, the number of timed runs)."""
    for _ in range(WARMUP):
        run()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < RUNS and (len(times) < MIN_RUNS or time.perf_counter() - start < BUDGET_S):
        begin = time.perf_counter()
        run()
        times.append(time.perf_counter() - begin)
    return statistics.median(times) * 1000.0, len(times)


def tensorflow_latency(run: Callable[[], Any], batch: str) -> Latency:
    ms, runs = time_runs(run)
    return Latency(tensorflow_ms=ms, runs=runs, warmup=WARMUP, threads=THREADS, batch=batch)
