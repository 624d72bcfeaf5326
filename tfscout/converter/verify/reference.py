"""TensorFlow's answers on the samples verification compares with, in the freeze child.

The first sample is drawn at batch 1 with signed values, at the first size of free dimensions the
graph accepts (:mod:`.sizes`; tried in order), falling back to non-negative values when TensorFlow
rejects signed ones. The second adds large magnitudes at a batch of :data:`~.feeds.BATCH` wherever the
batch dimension is free; when TensorFlow rejects it, verification rests on the first, and the report
says so. With ``--sample`` the user's inputs are the one sample. TensorFlow's latency is timed on the
last sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfscout.converter.report import FrozenGraph, Problem, Sample, Step
from tfscout.converter.verify.feeds import (
    BATCH,
    UNKNOWN_DIM,
    Draw,
    has_free_batch,
    has_free_size,
    load_sample,
    seeded_feeds,
)
from tfscout.converter.verify.latency import THREADS, tensorflow_latency
from tfscout.converter.verify.sizes import SizeRule, size_rule

MAX_SIZE_TRIES = 6


@dataclass
class Attempts:
    """The draws TensorFlow rejected, with its error."""

    failed: list[tuple[Draw, str]] = field(default_factory=list)

    def text(self, limit: int = 3) -> str:
        return "; ".join(f"size {d.size}, {d.describe()}: {e[:160]}" for d, e in self.failed[:limit])


def tf_session(graph: Any) -> Any:
    import tensorflow as tf

    config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=THREADS, inter_op_parallelism_threads=1)
    return tf.compat.v1.Session(graph=graph, config=config)


def _shapes(result: FrozenGraph, values: list[Any]) -> str:
    import numpy as np

    return ", ".join(f"{i.name}{list(np.shape(v))}" for i, v in zip(result.inputs, values, strict=True))


def _save(work: Path, k: int, label: str, values: list[Any], outputs: list[Any]) -> Sample:
    import numpy as np

    feeds_path, ref_path = work / f"feeds_{k}.npz", work / f"reference_{k}.npz"
    feed_arrays: dict[str, Any] = {f"in_{j}": v for j, v in enumerate(values)}
    out_arrays: dict[str, Any] = {f"out_{j}": np.asarray(v) for j, v in enumerate(outputs)}
    np.savez(feeds_path, **feed_arrays)
    np.savez(ref_path, **out_arrays)
    return Sample(label, str(feeds_path), str(ref_path))


class Runner:
    """Runs the frozen graph in one session and keeps what the errors said."""

    def __init__(self, sess: Any, result: FrozenGraph, feeds: list[Any], fetches: list[Any], seed: int,
                 first_line: Any) -> None:
        self.sess, self.result, self.feeds, self.fetches = sess, result, feeds, fetches
        self.seed, self.first_line = seed, first_line

    def run(self, values: list[Any]) -> tuple[list[Any] | None, str]:
        try:
            return self.sess.run(self.fetches, feed_dict=dict(zip(self.feeds, values, strict=True))), ""
        except Exception as exc:  # noqa: BLE001 - any TF runtime error: try another draw, then report
            return None, self.first_line(exc)

    def draw(self, draw: Draw, k: int) -> tuple[list[Any], list[Any] | None, str]:
        values = seeded_feeds(self.result.inputs, self.feeds, self.seed + k, draw)
        outputs, error = self.run(values)
        return values, outputs, error


def _first_sample(runner: Runner, rule: SizeRule | None, attempts: Attempts
                  ) -> tuple[Draw, list[Any], list[Any]] | None:
    sizes = rule.candidates()[:MAX_SIZE_TRIES] if rule is not None else [UNKNOWN_DIM]
    for kind in ("signed", "non_negative"):
        for size in sizes:
            draw = Draw(1, size, kind)
            values, outputs, error = runner.draw(draw, 0)
            if outputs is not None:
                return draw, values, outputs
            attempts.failed.append((draw, error))
    return None


def _size_step(rule: SizeRule, first: Draw, attempts: Attempts) -> Step:
    rejected = [d.size for d, _e in attempts.failed if d.values == first.values]
    probed = f"; rejected first: {attempts.text()}" if rejected else ""
    asks = rule.describe()
    status = "done" if rejected or first.size != UNKNOWN_DIM else "skipped"
    return Step("reference", "sizes the graph accepts", status,
                f"free dimensions other than the batch run at {first.size}"
                + (f" (the graph asks for {asks})" if asks else "") + probed)


def run_reference(graph: Any, result: FrozenGraph, feeds: list[Any], fetches: list[Any], work: Path,
                  sample: str | None, seed: int, first_line: Any) -> None:
    """Fill ``result.samples`` (and its steps, problems and TensorFlow latency) from TensorFlow's runs."""
    with tf_session(graph) as sess:
        runner = Runner(sess, result, feeds, fetches, seed, first_line)
        if sample is not None:
            values = load_sample(sample, result.inputs)
            outputs, error = runner.run(values)
            if outputs is None:
                _failed(result, error, True)
                return
            result.samples.append(_save(work, 0, "the sample", values, outputs))
            result.steps.append(Step("reference", "run TensorFlow", "done",
                                     f"the sample {sample}: {_shapes(result, values)}"))
            _latency(runner, result, values)
            return
        free_size = any(has_free_size(i) for i in result.inputs)
        rule = size_rule(graph, feeds) if free_size else None
        attempts = Attempts()
        found = _first_sample(runner, rule, attempts)
        if found is None:
            _failed(result, attempts.failed[0][1] if attempts.failed else "no input could be drawn", False)
            return
        first, values, outputs = found
        labels = [f"batch 1, {first.describe()}"]
        result.samples.append(_save(work, 0, labels[0], values, outputs))
        if rule is not None:
            result.steps.append(_size_step(rule, first, attempts))
        if first.values != "signed":
            signed = next((e for d, e in attempts.failed if d.values == "signed"), "")
            result.steps.append(Step("reference", "signed inputs", "warning",
                                     f"TensorFlow rejects negative inputs ({signed[:200]}): non-negative values "
                                     "are compared, so sign rules are not checked"))
        last_values = values
        batch = BATCH if any(has_free_batch(i) for i in result.inputs) else 1
        second_error = ""
        for kind in dict.fromkeys(("wide" if first.values == "signed" else first.values, first.values)):
            draw = Draw(batch, first.size, kind)
            more, outputs, second_error = runner.draw(draw, 1)
            if outputs is not None:
                label = f"batch {batch}, {draw.describe()}"
                result.samples.append(_save(work, 1, label, more, outputs))
                labels.append(label)
                last_values = more
                break
        result.steps.append(Step("reference", "run TensorFlow", "done",
                                 f"seeded random inputs (seed {seed}): " + "; ".join(labels) + " ("
                                 + _shapes(result, last_values) + ")"))
        if len(result.samples) < 2:
            result.steps.append(Step("reference", "a second sample", "warning",
                                     f"TensorFlow rejects a second sample at batch {batch} ({second_error[:200]}): "
                                     "verified on the first alone"))
        _latency(runner, result, last_values)


def _latency(runner: Runner, result: FrozenGraph, values: list[Any]) -> None:
    result.tf_latency = tensorflow_latency(lambda: runner.run(values), _shapes(result, values))


def _failed(result: FrozenGraph, error: str, sample: bool) -> None:
    result.steps.append(Step("reference", "run TensorFlow", "failed", error))
    result.problems.append(Problem("tf_run", f"TensorFlow could not run the frozen graph on "
                                   f"{'the sample' if sample else 'seeded inputs'}: {error}",
                                   "pass real inputs with --sample file.npz, or give input shapes as "
                                   "--inputs 'x:0[1,28,28,1]'"))
