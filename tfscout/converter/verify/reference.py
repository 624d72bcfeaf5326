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
from tfscout.converter.verify.examples import ParsedInputs
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


def tf_session(graph: Any, tables_path: str | None = None) -> Any:
    """A session with the latency's threads and the vocabulary tables filled."""
    import tensorflow as tf

    from tfscout.converter.lookups import fill_tables

    config = tf.compat.v1.ConfigProto(intra_op_parallelism_threads=THREADS, inter_op_parallelism_threads=1)
    sess = tf.compat.v1.Session(graph=graph, config=config)
    fill_tables(sess, graph, tables_path)
    return sess


def _shapes(result: FrozenGraph, values: list[Any]) -> str:
    import numpy as np

    return ", ".join(f"{i.name}{list(np.shape(v))}" for i, v in zip(result.inputs, values, strict=True))


_STRINGS, _LENGTHS = "__strings", "__lengths"


def save_arrays(path: Path, arrays: dict[str, Any]) -> None:
    """An .npz that loads without pickle: a string array is kept as its bytes and their lengths."""
    import numpy as np

    out: dict[str, Any] = {}
    for key, value in arrays.items():
        array = np.asarray(value)
        if array.dtype.kind not in ("O", "S", "U"):
            out[key] = array
            continue
        items = [v if isinstance(v, bytes) else str(v).encode() for v in array.reshape(-1)]
        out[key + _STRINGS] = np.frombuffer(b"".join(items), dtype=np.uint8)
        out[key + _LENGTHS] = np.array([len(v) for v in items], dtype=np.int64).reshape(array.shape)
    np.savez(path, **out)


def load_arrays(path: str) -> dict[str, Any]:
    """What :func:`save_arrays` wrote; strings come back as object arrays of bytes."""
    import numpy as np

    data = np.load(path, allow_pickle=False)
    out: dict[str, Any] = {}
    for key in data.keys():
        if key.endswith(_STRINGS):
            continue
        if key.endswith(_LENGTHS):
            name = key[: -len(_LENGTHS)]
            lengths, blob = data[key], data[name + _STRINGS].tobytes()
            ends = np.cumsum(lengths.reshape(-1))
            items = [blob[end - n:end] for end, n in zip(ends, lengths.reshape(-1), strict=True)]
            out[name] = np.array(items + [b""], dtype=object)[:-1].reshape(lengths.shape)
        else:
            out[key] = data[key]
    return out


def _save(work: Path, k: int, label: str, values: list[Any], outputs: list[Any]) -> Sample:
    feeds_path, ref_path = work / f"feeds_{k}.npz", work / f"reference_{k}.npz"
    save_arrays(feeds_path, {f"in_{j}": v for j, v in enumerate(values)})
    save_arrays(ref_path, {f"out_{j}": v for j, v in enumerate(outputs)})
    return Sample(label, str(feeds_path), str(ref_path))


class Runner:
    """Runs the frozen graph in one session and keeps what the errors said."""

    def __init__(self, sess: Any, result: FrozenGraph, feeds: list[Any], fetches: list[Any], seed: int,
                 first_line: Any, parsed: ParsedInputs | None) -> None:
        self.sess, self.result, self.feeds, self.fetches = sess, result, feeds, fetches
        self.seed, self.first_line, self.parsed = seed, first_line, parsed

    def run(self, values: list[Any]) -> tuple[list[Any] | None, str]:
        try:
            return self.sess.run(self.fetches, feed_dict=dict(zip(self.feeds, values, strict=True))), ""
        except Exception as exc:  # noqa: BLE001 - any TF runtime error: try another draw, then report
            return None, self.first_line(exc)

    def draw(self, draw: Draw, k: int) -> tuple[list[Any], list[Any] | None, str]:
        values = seeded_feeds(self.result.inputs, self.feeds, self.seed + k, draw)
        if self.parsed:
            import numpy as np

            try:
                parsed = self.parsed.values(draw.batch, np.random.default_rng(self.seed + k), draw)
            except Exception as exc:  # noqa: BLE001 - TF raises many types: this draw failed
                return values, None, f"parsing tf.Examples of the feature spec: {self.first_line(exc)}"
            for index, value in parsed.items():
                values[index] = value
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
                  sample: str | None, seed: int, first_line: Any, parsed: ParsedInputs | None = None) -> None:
    """Fill ``result.samples`` (and its steps, problems and TensorFlow latency) from TensorFlow's runs.
    Inputs cut at ParseExample take what the op parses from valid tf.Examples (``parsed``)."""
    with tf_session(graph, result.tables_path) as sess:
        runner = Runner(sess, result, feeds, fetches, seed, first_line, parsed)
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
