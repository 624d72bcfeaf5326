"""Build the frozen inference graph (and TensorFlow's reference answers) in a child process.

``build_inference_graph`` is the child's entry point (see :func:`tfscout.procs.run_function`):
load the model (TF-free loaders), cut at the inputs, constant mode switches, prune, repair
(debug ops, training mode, constant conditions), variables to constants from the checkpoint, then
import into TensorFlow to check it and fill in static shapes. When asked, run it on seeded inputs.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from tfscout.converter.lookups import save_tables
from tfscout.converter.plan import ConversionPlan, PlannedInput
from tfscout.converter.progress import child_progress
from tfscout.converter.report import FrozenGraph, ModelStructure, Problem, TensorInfo
from tfscout.converter.surgery import (
    CheckpointValues,
    GraphEdit,
    SurgeryLog,
    apply_polyfills,
    checkpoint_prefix_for,
    constant_tables,
    cut_inputs,
    freeze_variables,
    node_of,
    repair_graph,
    saver_keys,
)
from tfscout.converter.verify import ParsedInputs, run_reference
from tfscout.inspector import Graph, ModelSource, check_graph, load_source, optypes
from tfscout.procs import SANDBOX_ENV


def _merge_shape(planned: list[int] | None, inferred: list[int] | None) -> list[int] | None:
    if planned is None:
        return inferred
    if inferred is None or len(inferred) != len(planned):
        return planned
    return [p if p >= 0 else i for p, i in zip(planned, inferred, strict=True)]


def _tf_shape(tensor: Any) -> list[int] | None:
    shape = tensor.shape
    if shape.rank is None:
        return None
    return [-1 if d is None else int(d) for d in shape.as_list()]


def _import(graph_def_bytes: bytes) -> Any:
    import tensorflow as tf

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(graph_def_bytes)
    graph = tf.Graph()
    with graph.as_default():
        tf.compat.v1.import_graph_def(graph_def, name="")
    return graph


def infer_original_shapes(edit: GraphEdit, names: list[str], outputs: list[str]) -> dict[str, list[int] | None]:
    """Static shapes TensorFlow infers for ``names`` in the original graph (import only, nothing runs)."""
    sub = GraphEdit(edit.to_graph_def())
    sub.prune(names + outputs)
    for node in sub.nodes.values():
        node.device = ""
    try:
        graph = _import(sub.serialize())
    except Exception:  # noqa: BLE001 - any import failure just means no extra shape facts
        return {}
    out = {}
    for name in names:
        try:
            out[name] = _tf_shape(graph.get_tensor_by_name(name))
        except (KeyError, ValueError):
            continue
    return out


def _strip_placement(edit: GraphEdit) -> None:
    for node in edit.nodes.values():
        node.device = ""
        if "_class" in node.attr:
            del node.attr["_class"]


def _check_safety(edit: GraphEdit, plan: ConversionPlan) -> None:
    """The gate again, on the frozen graph about to be imported and run whole (unless allowed): the
    parent judged the model as the user gave it; this is what the repairs made of it."""
    if not plan.allow_unsafe:
        check_graph(Graph(edit.to_graph_def())).refuse(plan.model, "TensorFlow would run the frozen graph")


def _sandbox_step(plan: ConversionPlan, log: SurgeryLog) -> None:
    """How this child (and tf2onnx after it) was kept off the network, in the report."""
    if plan.allow_unsafe:
        log.step("freeze", "sandbox", "skipped", "--allow-unsafe: TensorFlow runs with the network shared")
        return
    how = os.environ.get(SANDBOX_ENV, "network shared (not started through the sandbox)")
    log.step("freeze", "sandbox", "done" if how.startswith("no network") else "warning",
             f"TensorFlow runs in an empty folder with {how}")


def _extra_placeholders(edit: GraphEdit, log: SurgeryLog) -> list[PlannedInput]:
    from tfscout.inspector import dtype_name, shape_dims

    fed = {node_of(f) for f in log.feed_names.values()}
    extra = []
    for name, node in edit.nodes.items():
        if node.op in optypes.PLAIN_PLACEHOLDER_OPS and name not in fed:
            shape = shape_dims(node.attr["shape"].shape) if "shape" in node.attr else None
            extra.append(PlannedInput(f"{name}:0", dtype_name(node.attr["dtype"].type), shape, node.op))
            log.feed_names[f"{name}:0"] = f"{name}:0"
    if extra:
        names = ", ".join(i.name for i in extra)
        log.step("freeze", "placeholders the outputs also need", "warning",
                 f"{names} not among the chosen inputs: they are inputs of the ONNX model too", [names])
    return extra


def _structure(graph: Any, inputs: list[TensorInfo], outputs: list[TensorInfo]) -> ModelStructure:
    counts: dict[str, int] = {}
    for op in graph.get_operations():
        counts[op.type] = counts.get(op.type, 0) + 1
    return ModelStructure(inputs=inputs, outputs=outputs, nodes=len(graph.get_operations()),
                          op_counts=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))))


def _open(plan: ConversionPlan) -> tuple[ModelSource, GraphEdit, GraphEdit, SurgeryLog, dict[str, tuple[str, str]]]:
    """The model loaded (TF-free) for both children: the graph to edit, an untouched copy, the log with the
    sandbox's step, and the Saver's keys."""
    child_progress("freeze", "loading the model")
    source = load_source(plan.model_path, plan.tags, given=plan.model)
    edit = GraphEdit(source.graph_def)
    log = SurgeryLog()
    _sandbox_step(plan, log)
    return source, edit, GraphEdit(source.graph_def), log, saver_keys(edit)


def _freeze_checked(plan: ConversionPlan, source: ModelSource, edit: GraphEdit, original: GraphEdit,
                    keys: dict[str, tuple[str, str]], log: SurgeryLog) -> None:
    """Variables to constants from the checkpoint (its values read, the graph's Saver never run), device
    placement dropped, and the gate again on what will be imported and run."""
    prefix = checkpoint_prefix_for(source.format, source.checkpoint_prefix, source.saved_model_dir)
    values = CheckpointValues(prefix if _has_variables(edit) else None)
    freeze_variables(edit, keys, values, plan.model, log, original, plan.allow_unsafe)
    _strip_placement(edit)
    _check_safety(edit, plan)


def build_inference_graph(plan: ConversionPlan, out_path: str, work_dir: str, reference: bool,
                          sample: str | None, seed: int) -> FrozenGraph:
    source, edit, original, log, keys = _open(plan)
    inputs = list(plan.inputs)
    if any(i.shape is None or -1 in i.shape or i.kind == "cut" for i in inputs):
        inferred = infer_original_shapes(edit, [i.name for i in inputs], plan.output_names)
        filled = []
        for spec in inputs:
            shape = _merge_shape(spec.shape, inferred.get(spec.name))
            if shape != spec.shape:
                filled.append(f"{spec.name}{shape}")
            spec.shape = shape
        if filled:
            log.step("freeze", "fill in static shapes", "done",
                     "from TensorFlow's shape inference on the original graph: " + ", ".join(filled))
    child_progress("repair", "cutting, pruning and repairing the graph")
    repair_graph(edit, plan.output_names, plan.mode_switches, inputs, log)
    inputs += _extra_placeholders(edit, log)
    child_progress("repair", "variables to constants from the checkpoint")
    _freeze_checked(plan, source, edit, original, keys, log)
    tables = constant_tables(edit, original, log)
    inputs = _drop_unused_inputs(edit, inputs, log)
    _unknown_ranks(inputs, log)
    result = FrozenGraph(path="", steps=log.steps, warnings=log.warnings, feed_names=dict(log.feed_names))
    try:
        graph = _import(edit.serialize())
    except Exception as exc:  # noqa: BLE001 - TF raises many types; all mean "cannot load"
        result.problems.append(Problem("tf_load", f"TensorFlow cannot load the frozen graph: {_first_line(exc)}",
                                       "choose other --inputs/--outputs; the graph may use ops this "
                                       "TensorFlow does not register"))
        result.inputs = [TensorInfo(i.name, i.dtype, i.shape) for i in inputs]
        result.outputs = list(plan.outputs)
        return result
    Path(out_path).write_bytes(edit.serialize())
    result.path = result.tf2onnx_path = out_path
    if tables:
        result.tables_path = save_tables(tables, Path(work_dir) / "tables.npz")
    feeds = [graph.get_tensor_by_name(log.feed_names[i.name]) for i in inputs]
    result.inputs = [TensorInfo(i.name, i.dtype or t.dtype.name, _merge_shape(i.shape, _tf_shape(t)))
                     for i, t in zip(inputs, feeds, strict=True)]
    fetches = [graph.get_tensor_by_name(o) for o in plan.output_names]
    result.outputs = [TensorInfo(o, t.dtype.name, _tf_shape(t)) for o, t in zip(plan.output_names, fetches,
                                                                               strict=True)]
    result.needs_contrib = any(t.dtype.name == "string" for op in graph.get_operations() for t in op.outputs)
    result.structure = _structure(graph, result.inputs, result.outputs)
    if reference:
        child_progress("reference", "running the frozen graph in TensorFlow on seeded inputs")
        parsed = ParsedInputs(original.serialize(), inputs) if sample is None else None
        run_reference(graph, result, feeds, fetches, Path(work_dir), sample, seed, _first_line, parsed)
        _polyfilled_copy(edit, result, Path(work_dir), log)
    return result


def freeze_for_tf2onnx(plan: ConversionPlan, out_path: str) -> FrozenGraph:
    """The graph tf2onnx's own loaders would hand it, built by tfscout for ``check --confirm``: cut at the
    inputs that are not placeholders (tf2onnx cuts there too), pruned to the outputs, variables frozen
    from the checkpoint. No repairs: the trial conversion is of the graph the pre-check judged. The
    SavedModel's init ops and the Saver's restore op, which tf2onnx's loaders run, never run."""
    source, edit, original, log, keys = _open(plan)
    cut_inputs(edit, plan.inputs, log)
    edit.prune(plan.output_names)
    _freeze_checked(plan, source, edit, original, keys, log)
    Path(out_path).write_bytes(edit.serialize())
    return FrozenGraph(path=out_path, inputs=[TensorInfo(i.name, i.dtype, i.shape) for i in plan.inputs],
                       outputs=list(plan.outputs), feed_names=dict(log.feed_names), steps=log.steps,
                       warnings=log.warnings)


def _polyfilled_copy(edit: GraphEdit, result: FrozenGraph, work: Path, log: SurgeryLog) -> None:
    """What tf2onnx converts: the frozen graph with the ops it lacks rewritten (TensorFlow's answers
    come from the frozen graph itself, so verification compares the polyfills with the original ops)."""
    result.polyfilled = apply_polyfills(edit, log)  # its step lands in result.steps (the same list)
    if result.polyfilled:
        path = work / "frozen_polyfilled.pb"
        path.write_bytes(edit.serialize())
        result.tf2onnx_path = str(path)


def _unknown_ranks(inputs: list[PlannedInput], log: SurgeryLog) -> None:
    """Inputs whose rank neither the graph nor their consumers tell are fed as scalars; say so."""
    unknown = [i.name for i in inputs if i.shape is None]
    if unknown:
        log.step("freeze", "inputs of unknown rank", "warning",
                 f"neither the graph nor the consumers of {', '.join(unknown)} tell their rank: they are fed as "
                 "scalars (give shapes as --inputs 'x:0[1,28,28,1]')", unknown)


def _drop_unused_inputs(edit: GraphEdit, inputs: list[PlannedInput], log: SurgeryLog) -> list[PlannedInput]:
    """Inputs the outputs do not need are not inputs of the frozen graph (nor of the ONNX model)."""
    kept = [i for i in inputs if node_of(log.feed_names.get(i.name, i.name)) in edit]
    unused = [i.name for i in inputs if i not in kept]
    if unused:
        for name in unused:
            log.feed_names.pop(name, None)
        log.step("freeze", "inputs the outputs do not need", "warning",
                 f"{', '.join(unused)} not needed by the outputs: left out of the model", unused)
    return kept


def _has_variables(edit: GraphEdit) -> bool:
    return any(node.op in optypes.VARIABLE_OPS for node in edit.nodes.values())


_TF_NOISE = re.compile(r"^(Graph execution error:|Detected at node .* defined at|Original stack trace for|"
                       r"\[\[.*\]\]$|File \"|Traceback)")


def _first_line(exc: BaseException) -> str:
    """The line of a TensorFlow error that says what went wrong, with the node it happened at.

    TensorFlow starts with ``Graph execution error:``, a blank line and the Python stack where the node
    was defined; the message itself comes after ``Node: 'name'``.
    """
    text = str(exc).strip()
    if not text:
        return type(exc).__name__
    node = ""
    for line in (raw.strip() for raw in text.splitlines()):
        found = re.match(r"^Node: '(.*)'$", line)
        if found:
            node = found.group(1)
        elif line and not _TF_NOISE.match(line):
            return (f"at node {node}: {line}" if node else line)[:400]
    return text.splitlines()[0][:400]
