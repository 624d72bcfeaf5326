"""Where the numbers part: TensorFlow and onnxruntime compared tensor by tensor along the path.

tf2onnx keeps TensorFlow's tensor names for most ONNX values (``dense/MatMul:0``). Every tensor of the
frozen graph that the outputs need and that the ONNX model also holds is fetched on both sides (extra
outputs of a copy of the ONNX model), on the same inputs, in TensorFlow's topological order, a chunk at
a time; the first one that differs beyond the tolerance is where they part. Values whose shapes differ
(a layout tf2onnx changed) are not compared. The repro is that tensor's frozen subgraph, the ONNX model
cut at the same value, and the inputs as .npz. Runs in a child process (TensorFlow, onnx and onnxruntime).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tfscout.converter.report import ConversionReport, Divergence, FrozenGraph, Sample
from tfscout.converter.verify.compare import compare_one
from tfscout.converter.verify.examples import data_subgraph
from tfscout.converter.verify.reference import load_arrays, save_arrays, tf_session
from tfscout.converter.verify.validate import CONTRIB_DOMAIN, ort_feeds
from tfscout.inspector import optypes
from tfscout.procs import run_function

CHUNK = 48
_SKIP_TF_OPS = frozenset({"Const", "Placeholder", "PlaceholderV2", "NoOp", "Identity"})
_NUMERIC = frozenset({"float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8",
                      "uint16", "uint32", "uint64", "bool"})
_ONNX_TYPES = {"float32": 1, "uint8": 2, "int8": 3, "uint16": 4, "int16": 5, "int32": 6, "int64": 7, "bool": 9,
               "float16": 10, "float64": 11, "uint32": 12, "uint64": 13, "bfloat16": 16}


def _path_tensors(graph: Any, outputs: list[str]) -> list[Any]:
    """Numeric tensors the outputs need, in topological order (import order), sources left out."""
    needed: set[str] = set()
    stack = [graph.get_tensor_by_name(o).op for o in outputs]
    while stack:
        op = stack.pop()
        if op.name in needed:
            continue
        needed.add(op.name)
        stack.extend(t.op for t in op.inputs)
    return [t for op in graph.get_operations() if op.name in needed and op.type not in _SKIP_TF_OPS
            for t in op.outputs if t.dtype.name in _NUMERIC]


def _onnx_name(tensor: Any, held: dict[str, Any]) -> str | None:
    """The ONNX value that holds ``tensor``: its own name, or, when tf2onnx removed the Identity ops after it
    (an output's Identity), the name of the last Identity of the chain."""
    for _ in range(16):
        if tensor.name in held:
            return str(tensor.name)
        through = [op for op in tensor.consumers() if op.type == "Identity"]
        if not through:
            return None
        tensor = through[0].outputs[0]
    return None


def _with_outputs(model: Any, names: list[str], types: dict[str, int]) -> bytes:
    from onnx import helper

    copy = type(model)()
    copy.CopyFrom(model)
    present = {o.name for o in copy.graph.output}
    for name in names:
        if name not in present:
            copy.graph.output.append(helper.make_tensor_value_info(name, types[name], None))
    return bytes(copy.SerializeToString())


def _onnx_types(model: Any) -> dict[str, int]:
    import onnx

    try:
        inferred = onnx.shape_inference.infer_shapes(model)
    except Exception:  # noqa: BLE001 - without shape inference the TensorFlow dtypes are used
        return {}
    return {v.name: v.type.tensor_type.elem_type for v in inferred.graph.value_info}


def first_divergence_child(frozen_path: str, onnx_path: str, sample: Sample, input_names: list[str],
                           feed_names: dict[str, str], output_names: list[str], rtol: float, atol: float,
                           repro_dir: str, tables_path: str | None = None) -> Divergence | None:
    import numpy as np
    import onnx
    import onnxruntime as ort
    import tensorflow as tf

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(Path(frozen_path).read_bytes())
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    model = onnx.load(onnx_path)
    producers = {out: node for node in model.graph.node for out in node.output}
    path = _path_tensors(graph, output_names)
    held = {t.name: name for t in path if (name := _onnx_name(t, producers))}
    tensors = [t for t in path if t.name in held]
    inferred = _onnx_types(model)
    types = {held[t.name]: inferred.get(held[t.name]) or _ONNX_TYPES[t.dtype.name] for t in tensors}
    feeds_npz = load_arrays(sample.feeds_path)
    values = [feeds_npz[f"in_{k}"] for k in range(len(input_names))]
    tf_feeds = {graph.get_tensor_by_name(feed_names.get(n, n)): v for n, v in zip(input_names, values, strict=True)}
    options = ort.SessionOptions()
    options.log_severity_level = 3
    if any(op.domain == CONTRIB_DOMAIN for op in model.opset_import):
        from onnxruntime_extensions import get_library_path

        options.register_custom_ops_library(get_library_path())
    compared = 0
    with tf_session(graph, tables_path) as sess:
        for start in range(0, len(tensors), CHUNK):
            chunk = tensors[start:start + CHUNK]
            names = [held[t.name] for t in chunk]
            tf_values = sess.run(chunk, feed_dict=tf_feeds)
            session = ort.InferenceSession(_with_outputs(model, names, types), options,
                                           providers=["CPUExecutionProvider"])
            feeds, error = ort_feeds(session, input_names, sample.feeds_path)
            if feeds is None:
                return Divergence("", "", "", None, None, compared, sample.label, note=error)
            onnx_values = session.run(names, feeds)
            for tensor, a, b in zip(chunk, tf_values, onnx_values, strict=True):
                if np.shape(a) != np.shape(b):
                    continue
                compared += 1
                err = compare_one(tensor.name, a, b, rtol, atol)
                if err.ok:
                    continue
                node = producers[held[tensor.name]]
                found = Divergence(tf_tensor=tensor.name, tf_op=tensor.op.type,
                                   onnx_node=f"{node.name or '(unnamed)'} ({node.op_type})",
                                   max_abs_diff=err.max_abs_diff, max_rel_diff=err.max_rel_diff, compared=compared,
                                   sample=sample.label)
                found.repro = _write_repro(graph_def, model, tensor, held[tensor.name], input_names, values,
                                           Path(repro_dir))
                return found
    return Divergence(tf_tensor="", tf_op="", onnx_node="", max_abs_diff=None, max_rel_diff=None,
                      compared=compared, sample=sample.label,
                      note=f"all {compared} tensors both sides hold match (outputs that differ part after the last "
                           "of them)")


def _write_repro(graph_def: Any, model: Any, tensor: Any, onnx_name: str, input_names: list[str],
                 values: list[Any], folder: Path) -> dict[str, str]:
    """The frozen subgraph up to ``tensor``, the ONNX model cut at the same value, and the inputs."""
    import onnx

    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    (folder / "graph.pb").write_bytes(data_subgraph(graph_def, [tensor.name]).SerializeToString())
    written["graph"] = str(folder / "graph.pb")
    save_arrays(folder / "inputs.npz", dict(zip(input_names, values, strict=True)))
    written["inputs"] = str(folder / "inputs.npz")
    try:
        full = folder / "full.onnx"
        onnx.save(model, str(full))
        onnx.utils.extract_model(str(full), str(folder / "model.onnx"), list(input_names), [onnx_name],
                                 check_model=False)
        full.unlink()
        written["onnx"] = str(folder / "model.onnx")
    except Exception:  # noqa: BLE001 - a model onnx cannot cut is left out of the repro
        pass
    return written


# ---------------------------------------------------------------------------------------------
# Caller side


def _free_stem(target: Path) -> Path:
    """``model.repro`` beside ``target`` (``model.repro-1`` ... when taken): nothing is ever overwritten."""
    stem = target.with_suffix("")
    for k in range(1000):
        base = Path(f"{stem}.repro" if k == 0 else f"{stem}.repro-{k}")
        if not any(Path(f"{base}{ext}").exists() for ext in (".pb", ".onnx", ".npz")):
            return base
    return Path(f"{stem}.repro-last")


def find_divergence(report: ConversionReport, frozen: FrozenGraph, onnx_file: Path, beside: Path,
                    rtol: float, atol: float, sample: int, work: Path, timeout: float,
                    cancel: threading.Event | None) -> None:
    """Fill ``report.first_divergence`` and publish the repro beside ``beside`` (the ONNX output)."""
    from tfscout.converter.publish import publish

    if not frozen.samples or not Path(frozen.path).is_file():
        return
    chosen = frozen.samples[min(sample, len(frozen.samples) - 1)]
    try:
        found: Divergence | None = run_function(
            "tfscout.converter.verify.divergence:first_divergence_child",
            {"frozen_path": frozen.path, "onnx_path": str(onnx_file), "sample": chosen,
             "input_names": [i.name for i in frozen.inputs], "feed_names": dict(frozen.feed_names),
             "output_names": [o.name for o in frozen.outputs], "rtol": rtol, "atol": atol,
             "repro_dir": str(work / "repro"), "tables_path": frozen.tables_path},
            what="comparing TensorFlow and onnxruntime tensor by tensor", timeout=timeout, cancel=cancel)
    except Exception as exc:  # noqa: BLE001 - the search is a diagnosis: its failure is a step, not a crash
        message = getattr(exc, "message", None) or str(exc)
        report.add_step("verify", "where the numbers part", "failed", str(message).splitlines()[0][:300])
        return
    if found is None:
        return
    if found.repro and beside.parent.is_dir():
        base = _free_stem(beside)
        published = {}
        for key, path in found.repro.items():
            target = Path(f"{base}{Path(path).suffix}")
            publish(Path(path), target, force=False)
            published[key] = str(target)
        found.repro = published
    else:
        found.repro = {}
    report.first_divergence = found
    if found.tf_op in optypes.RANDOM_OPS:  # no conversion matches a draw: say how to compare the rest
        for problem in report.problems:
            if problem.kind == "mismatch":
                problem.fix = (f"the model draws random numbers at {found.tf_tensor} ({found.tf_op}), and "
                               "TensorFlow and onnxruntime draw different ones: pass it as an input to compare "
                               f"(--inputs with {found.tf_tensor} added), or cut the sampling away")
    if found.tf_tensor:
        report.add_step("verify", "where the numbers part", "done",
                        f"first at {found.tf_tensor} ({found.tf_op}; ONNX node {found.onnx_node}): max abs "
                        f"{_g(found.max_abs_diff)}, max rel {_g(found.max_rel_diff)}, after {found.compared - 1} "
                        f"matching tensors ({found.sample})"
                        + (f"; repro: {', '.join(found.repro.values())}" if found.repro else ""), [found.tf_tensor])
    else:
        report.add_step("verify", "where the numbers part", "done", found.note)


def _g(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3g}"
