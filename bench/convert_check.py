"""The independent check of a converted model, and plain tf2onnx with the documented names.

Both stand apart from tfscout's own freezing, repairs and verification:

- ``independent_check``: the ORIGINAL model is loaded by TensorFlow's own loaders (import_graph_def,
  import_meta_graph + Saver.restore, saved_model.loader.load), fed fresh random inputs (another seed) at
  the ONNX model's input names and the mode switches at their inference values, and compared with
  onnxruntime on the ONNX file;
- ``plain_tf2onnx``: ``python -m tf2onnx.convert`` on the original file with the names the author used
  (inputs, mode switches fed as inputs, outputs; no shapes), at opset 15, judged by its log, then checked
  the same way.

A ``Source`` says how TensorFlow loads the original: ``kind`` is ``frozen_pb``, ``pbtxt``, ``meta_ckpt`` or
``saved_model``; ``model`` the file or folder; ``prefix`` the checkpoint prefix; ``tags`` the tag set.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CHECK_SEED = 7
PLAIN_OPSET = 15
_STEP_RE = re.compile(r"-(\d+)\.meta$")


@dataclass
class Source:
    kind: str
    model: str
    prefix: str | None = None
    tags: list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class PlainResult:
    """What plain tf2onnx did with the documented names, and whether its model matches TensorFlow."""

    converted: bool
    check: str = ""
    max_abs_diff: float | None = None
    why: str = ""
    seconds: float = 0.0
    unsupported: list[str] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return self.converted and self.check == "match"


# ---------------------------------------------------------------------------------------------
# Where the checkpoint and the SavedModel tags of a development-corpus graph are


def checkpoint_meta(path: Path) -> Path | None:
    """The .meta of a checkpoint folder (the ``checkpoint`` file's latest, by base name; else the
    highest step) or the .meta given."""
    if path.is_file():
        return path
    if path.with_name(path.name + ".meta").is_file():  # a checkpoint prefix
        return path.with_name(path.name + ".meta")
    state = path / "checkpoint"
    if state.is_file():
        found = re.search(r'^model_checkpoint_path:\s*"(.*)"', state.read_text(), re.MULTILINE)
        if found:
            meta = path / (Path(found.group(1)).name + ".meta")
            if meta.is_file():
                return meta
    metas = sorted(path.glob("*.meta"), key=lambda p: (int(m.group(1)) if (m := _STEP_RE.search(p.name)) else -1,
                                                       p.name))
    return metas[-1] if metas else None


def saved_model_tags(folder: Path) -> list[str]:
    """``serve`` when a meta graph has exactly that tag set, else the first meta graph's tags."""
    from tfscout.inspector import load_source

    sets = load_source(str(folder)).tag_sets
    for tags in sets:
        if tags == ["serve"]:
            return tags
    return sets[0] if sets else ["serve"]


def devcorpus_source(folder: Path, fmt: str, model: str) -> Source:
    path = (folder / model).resolve()
    if fmt == "graphdef":
        return Source("frozen_pb", str(path))
    if fmt == "graphdef_text":
        return Source("pbtxt", str(path))
    if fmt in ("checkpoint", "metagraph"):
        meta = checkpoint_meta(path)
        prefix = str(meta)[: -len(".meta")] if meta is not None and fmt == "checkpoint" else None
        return Source("meta_ckpt", str(meta or path), prefix)
    directory = path.parent if path.is_file() else path
    return Source("saved_model", str(directory), tags=saved_model_tags(directory))


# ---------------------------------------------------------------------------------------------
# The independent check (the two halves run in child processes through tfscout's runner)


def _feeds(session: Any, seed: int, unknown: int, fixed: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    feeds = {}
    for meta in session.get_inputs():
        if meta.name in fixed:
            value = np.asarray(fixed[meta.name])
            feeds[meta.name] = value.astype(np.float32) if meta.type == "tensor(float)" else value
            continue
        dims = [d if isinstance(d, int) and d >= 0 else (1 if k == 0 else unknown) for k, d in enumerate(meta.shape)]
        kind = meta.type
        if kind == "tensor(bool)":
            feeds[meta.name] = rng.integers(0, 2, size=dims).astype(bool)
        elif kind == "tensor(uint8)":
            feeds[meta.name] = rng.integers(0, 256, size=dims).astype(np.uint8)
        elif kind in ("tensor(int32)", "tensor(int64)"):
            feeds[meta.name] = rng.integers(0, 2, size=dims).astype(np.int32 if "32" in kind else np.int64)
        elif kind == "tensor(string)":
            words = np.array(["a", "b", "x", "7", "0.5", ""], dtype=object)
            feeds[meta.name] = words[rng.integers(0, len(words), size=dims)]
        elif kind == "tensor(double)":
            feeds[meta.name] = rng.uniform(-1, 1, size=dims)
        else:
            feeds[meta.name] = rng.uniform(-1, 1, size=dims).astype(np.float32)
    return feeds


def ort_outputs(onnx_path: str, seed: int, fixed: dict[str, Any] | None = None,
                sizes: tuple[int, ...] = (32, 64, 16, 1)) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fresh inputs (unknown dimensions the first of ``sizes`` the model accepts) and onnxruntime's answers;
    ``fixed`` inputs (mode switches) take the value given."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        from onnxruntime_extensions import get_library_path

        options.register_custom_ops_library(get_library_path())
    except ImportError:
        pass
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    error: Exception | None = None
    for unknown in sizes:
        feeds = _feeds(session, seed, unknown, fixed or {})
        try:
            return feeds, dict(zip(names, session.run(names, feeds), strict=True))
        except Exception as exc:  # noqa: BLE001 - retried with other shapes, then reported
            error = exc
    raise RuntimeError(str(error))


def tf_outputs(source: dict[str, Any], feeds: dict[str, Any], fetches: list[str],
               switches: dict[str, Any]) -> dict[str, Any] | str:
    """The original model in TensorFlow, loaded by TensorFlow's own loaders; a string says why not."""
    import tensorflow as tf
    from google.protobuf import text_format

    v1 = tf.compat.v1
    kind, model = source["kind"], Path(source["model"])
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as sess:
        if kind in ("frozen_pb", "pbtxt"):
            graph_def = v1.GraphDef()
            if kind == "pbtxt":
                text_format.Parse(model.read_text(), graph_def)
            else:
                graph_def.ParseFromString(model.read_bytes())
            v1.import_graph_def(graph_def, name="")
            if any(n.op in ("VariableV2", "Variable", "VarHandleOp") for n in graph_def.node):
                return "variables without a checkpoint: values are not comparable"
        elif kind == "meta_ckpt":
            meta = v1.MetaGraphDef()
            meta.ParseFromString(model.read_bytes())
            meta.meta_info_def.tensorflow_version = ""
            saver = v1.train.import_meta_graph(meta, clear_devices=True)
            prefix = source.get("prefix")
            if not prefix or saver is None:
                if v1.global_variables():
                    return "no checkpoint: initial values are random, not comparable"
            else:
                saver.restore(sess, prefix)
        else:
            v1.saved_model.loader.load(sess, source.get("tags") or ["serve"], str(model), clear_devices=True)
        feed_dict = {graph.get_tensor_by_name(k): v for k, v in feeds.items()}
        for name, value in switches.items():
            feed_dict[graph.get_tensor_by_name(name)] = value
        fetched = [graph.get_tensor_by_name(f) for f in fetches]
        values = sess.run(fetched, feed_dict)
        again = sess.run(fetched, feed_dict)
    import numpy as np

    if any(np.asarray(x).dtype.kind in "fc" and not np.array_equal(x, y, equal_nan=True)
           for x, y in zip(values, again, strict=True)):
        return "the original gives other values on every run (active dropout, sampling): not comparable"
    return dict(zip(fetches, values, strict=True))


def independent_check(source: Source, onnx_path: Path, switches: dict[str, Any], rtol: float,
                      atol: float, training_batch_norm: bool = False) -> tuple[str, float | None]:
    """('match' | 'MISMATCH' | 'n/a: why', max abs diff) for a converted model. ``training_batch_norm``: the
    conversion put batch norms the original runs in training mode (statistics of the batch fed) into
    inference mode, so a difference says nothing about the conversion."""
    import numpy as np

    from tfscout.procs import run_function

    fixed = {name: value for name, value in switches.items()}
    failure: Exception | None = None
    for sizes in ((32, 64, 16, 1), (1,)):  # free dimensions both sides accept (a time-major batch: 1)
        try:
            feeds, onnx_values = run_function("bench.convert_check:ort_outputs",
                                              {"onnx_path": str(onnx_path), "seed": CHECK_SEED, "fixed": fixed,
                                               "sizes": sizes}, what="onnxruntime", timeout=300)
            tf_feeds = {k: v for k, v in feeds.items() if k not in switches}
            tf_values = run_function("bench.convert_check:tf_outputs",
                                     {"source": source.to_dict(), "feeds": tf_feeds, "fetches": list(onnx_values),
                                      "switches": switches}, what="TensorFlow", timeout=300)
            break
        except Exception as exc:  # noqa: BLE001 - a bench: any failure is a row in the table
            failure = exc
    else:
        text = str(failure)
        return f"n/a: {text.splitlines()[0][:80] if text else type(failure).__name__}", None
    if isinstance(tf_values, str):
        return f"n/a: {tf_values}", None
    worst = 0.0
    for name, onnx_value in onnx_values.items():
        a, b = np.asarray(tf_values[name]), np.asarray(onnx_value)
        if a.shape != b.shape:
            return "MISMATCH", None
        if a.dtype.kind in ("U", "S", "O") or b.dtype.kind in ("U", "S", "O"):
            if not np.array_equal(a.astype(str), b.astype(str)):
                return "MISMATCH", None
            continue
        a, b = a.astype(np.float64), b.astype(np.float64)
        if not np.allclose(b, a, rtol=rtol, atol=atol, equal_nan=True):
            if training_batch_norm:
                return "n/a: the original normalises with the batch's statistics (training mode)", None
            return "MISMATCH", float(np.nanmax(np.abs(a - b))) if a.size else None
        if a.size:
            worst = max(worst, float(np.nanmax(np.abs(a - b))))
    return "match", worst


# ---------------------------------------------------------------------------------------------
# Plain tf2onnx with the documented names


def _source_flags(source: Source) -> list[str] | None:
    if source.kind == "frozen_pb":
        return ["--graphdef", source.model]
    if source.kind == "meta_ckpt":
        return ["--checkpoint", source.model]
    if source.kind == "saved_model":
        return ["--saved-model", source.model, "--tag", ",".join(source.tags or ["serve"])]
    return None  # tf2onnx reads no text GraphDef


def plain_tf2onnx(source: Source, inputs: list[str], outputs: list[str], switches: dict[str, Any],
                  rtol: float, atol: float, timeout: float) -> PlainResult:
    import time

    from tfscout.converter import parse_tf2onnx_log

    flags = _source_flags(source)
    if flags is None:
        return PlainResult(False, why="tf2onnx reads no text GraphDef")
    with tempfile.TemporaryDirectory(prefix="tfscout-plain-") as tmp:
        out = Path(tmp) / "plain.onnx"
        argv = [sys.executable, "-m", "tf2onnx.convert", *flags, "--inputs", ",".join([*inputs, *switches]),
                "--outputs", ",".join(outputs), "--opset", str(PLAIN_OPSET), "--output", str(out)]
        start = time.perf_counter()
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=tmp)
        except subprocess.TimeoutExpired:
            return PlainResult(False, why="timed out", seconds=timeout)
        seconds = time.perf_counter() - start
        log = parse_tf2onnx_log((proc.stdout + proc.stderr).splitlines())
        if not out.is_file() or not log.ok:
            why = (f"unsupported {', '.join(sorted(log.unsupported))}" if log.unsupported else
                   (log.exception or f"exit {proc.returncode}, no model")[:120])
            return PlainResult(False, why=why, seconds=seconds, unsupported=sorted(log.unsupported))
        check, diff = independent_check(source, out, switches, rtol, atol)
        return PlainResult(True, check, diff, "" if check == "match" else check, seconds)
