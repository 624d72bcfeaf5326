"""Validate an ONNX model (onnx.checker, an onnxruntime session) and compare it with TensorFlow.

The functions ending in ``_child`` run in a child process (onnx and onnxruntime are imported
there); the others run in the caller and fold the results into the ConversionReport.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfscout.converter.progress import Progress, line_forwarder
from tfscout.converter.report import (
    ConversionReport,
    FrozenGraph,
    Latency,
    ModelStructure,
    OutputError,
    Sample,
)
from tfscout.converter.verify.compare import compare_outputs
from tfscout.converter.verify.latency import THREADS, WARMUP, time_runs
from tfscout.converter.verify.onnx_model import structure_of
from tfscout.converter.verify.reference import load_arrays
from tfscout.procs import run_function

CONTRIB_DOMAIN = "ai.onnx.contrib"


@dataclass
class OnnxCheck:
    """What the ONNX child found: structure, checker and session verdicts, per-output errors."""

    structure: ModelStructure = field(default_factory=ModelStructure)
    checker_error: str | None = None
    session_error: str | None = None
    run_error: str | None = None
    used_contrib: bool = False
    errors: list[OutputError] = field(default_factory=list)
    failed_sample: int | None = None  # the first sample on which an output differs
    latency_ms: float | None = None  # onnxruntime's, on the last sample
    latency_runs: int = 0


# ---------------------------------------------------------------------------------------------
# Child side


def _session(onnx_path: str, contrib: bool, threads: int | None = None) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    if threads is not None:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    if contrib:
        from onnxruntime_extensions import get_library_path

        options.register_custom_ops_library(get_library_path())
    return ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])


def ort_feeds(session: Any, input_names: list[str], feeds_path: str) -> tuple[dict[str, Any] | None, str]:
    """The inputs of one sample by the ONNX model's input names, cast to its types; or why not."""
    feeds_npz = load_arrays(feeds_path)
    by_name = {i.name: i for i in session.get_inputs()}
    feeds = {}
    for k, name in enumerate(input_names):
        meta = by_name.get(name)
        if meta is None:
            return None, f"the ONNX model has no input named {name}"
        feeds[name] = _cast_for(meta.type, feeds_npz[f"in_{k}"])
    missing = [n for n in by_name if n not in feeds]
    if missing:
        return None, f"the ONNX model also needs {', '.join(missing)}, which TensorFlow does not"
    return feeds, ""


def _merge(per_sample: list[list[OutputError]], labels: list[str]) -> tuple[list[OutputError], int | None]:
    """One error per output: the first sample where it differs, else the sample of the largest difference."""
    merged: list[OutputError] = []
    failed: int | None = None
    for errors in zip(*per_sample, strict=True):
        bad = [(s, e) for s, e in enumerate(errors) if not e.ok]
        if bad:
            sample, chosen = bad[0]
            failed = sample if failed is None else min(failed, sample)
        else:
            sample, chosen = max(enumerate(errors), key=lambda se: se[1].max_abs_diff or 0.0)
        chosen.sample = labels[sample]
        merged.append(chosen)
    return merged, failed


def validate_and_compare_child(onnx_path: str, samples: list[Sample], input_names: list[str],
                               output_names: list[str], rtol: float, atol: float) -> OnnxCheck:
    import onnx

    check = OnnxCheck()
    model = onnx.load(onnx_path)
    check.structure = structure_of(model)
    check.used_contrib = CONTRIB_DOMAIN in check.structure.domains
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception as exc:  # noqa: BLE001 - the checker raises several types; all mean "invalid"
        check.checker_error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:400] if str(exc) else ''}"
    try:
        session = _session(onnx_path, check.used_contrib)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own exception types
        check.session_error = str(exc).strip().splitlines()[0][:400] if str(exc) else type(exc).__name__
        return check
    if not samples:
        return check
    from tfscout.converter.progress import child_progress

    child_progress("verify", "running onnxruntime on the inputs TensorFlow answered")
    onnx_outputs = [o.name for o in session.get_outputs()]
    wanted = [n for n in output_names if n in onnx_outputs]
    per_sample = []
    feeds: dict[str, Any] = {}
    for sample in samples:
        found, error = ort_feeds(session, input_names, sample.feeds_path)
        if found is None:
            check.run_error = error
            return check
        feeds = found
        try:
            results = session.run(wanted, feeds)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own exception types
            text = str(exc).strip().splitlines()[0][:400] if str(exc) else type(exc).__name__
            check.run_error = f"{text} ({sample.label})" if len(samples) > 1 else text
            return check
        ref_npz = load_arrays(sample.reference_path)
        expected = {name: ref_npz[f"out_{k}"] for k, name in enumerate(output_names)}
        per_sample.append(compare_outputs(expected, dict(zip(wanted, results, strict=True)), rtol, atol))
    check.errors, check.failed_sample = _merge(per_sample, [s.label for s in samples])
    if check.failed_sample is not None:
        return check
    timed = _session(onnx_path, check.used_contrib, THREADS)
    check.latency_ms, check.latency_runs = time_runs(lambda: timed.run(wanted, feeds))
    return check


def _cast_for(onnx_type: str, value: Any) -> Any:
    import numpy as np

    names = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int32)": np.int32,
             "tensor(int64)": np.int64, "tensor(bool)": np.bool_, "tensor(float16)": np.float16,
             "tensor(uint8)": np.uint8, "tensor(int8)": np.int8}
    target = names.get(onnx_type)
    if target is not None and value.dtype != target:
        return value.astype(target)
    if onnx_type == "tensor(string)":
        # onnxruntime takes str, not bytes (bytes become their repr, and match no vocabulary entry)
        text = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in value.reshape(-1)]
        return np.array(text + [""], dtype=object)[:-1].reshape(value.shape)
    return value


# ---------------------------------------------------------------------------------------------
# Caller side


def _differences(tf_side: ModelStructure, onnx: ModelStructure) -> list[str]:
    out = []
    tf_in = {i.name: i for i in tf_side.inputs}
    tf_out = {o.name: o for o in tf_side.outputs}
    for kind, theirs, ours in (("input", onnx.inputs, tf_in), ("output", onnx.outputs, tf_out)):
        names = {t.name for t in theirs}
        for t in theirs:
            mine = ours.get(t.name)
            if mine is None:
                out.append(f"ONNX {kind} {t.name} is not a TensorFlow {kind}")
                continue
            if mine.dtype and t.dtype and mine.dtype != t.dtype:
                out.append(f"{kind} {t.name}: dtype {mine.dtype} in TensorFlow, {t.dtype} in ONNX")
            if mine.shape is not None and t.shape is not None and mine.shape != t.shape:
                out.append(f"{kind} {t.name}: shape {mine.shape} in TensorFlow, {t.shape} in ONNX")
        out.extend(f"TensorFlow {kind} {n} is missing from the ONNX model" for n in ours if n not in names)
    return out


def check_and_compare(report: ConversionReport, frozen: FrozenGraph, onnx_file: Path, rtol: float,
                      atol: float, timeout: float, cancel: threading.Event | None,
                      progress: Progress | None = None) -> OnnxCheck:
    """Validate ``onnx_file`` and compare it with TensorFlow's answers; fold the verdicts into ``report``."""
    check: OnnxCheck = run_function(
        "tfscout.converter.verify.validate:validate_and_compare_child",
        {"onnx_path": str(onnx_file), "samples": list(frozen.samples),
         "input_names": [i.name for i in frozen.inputs], "output_names": [o.name for o in frozen.outputs],
         "rtol": rtol, "atol": atol},
        what="checking the ONNX model in onnxruntime", timeout=timeout, cancel=cancel,
        on_line=line_forwarder(progress))
    report.structure.onnx = check.structure
    report.structure.differences = _differences(report.structure.tensorflow, check.structure)
    if check.structure.opset:
        report.opset = check.structure.opset
    checker = "passed" if check.checker_error is None else f"failed: {check.checker_error}"
    session = "loaded" if check.session_error is None else f"failed: {check.session_error}"
    contrib = " (with onnxruntime-extensions)" if check.used_contrib else ""
    ok = check.checker_error is None and check.session_error is None
    report.add_step("validate", "onnx.checker (full check) and onnxruntime", "done" if ok else "failed",
                    f"checker {checker}; onnxruntime session {session}{contrib}; "
                    f"{check.structure.nodes} ONNX nodes")
    if check.checker_error:
        report.add_problem("invalid_onnx", f"onnx.checker rejects the model: {check.checker_error}",
                           "try another --opset, or cut the failing part away with --inputs/--outputs")
    if check.session_error:
        report.add_problem("invalid_onnx", f"onnxruntime cannot load the model: {check.session_error}",
                           "try another --opset, or cut the failing part away with --inputs/--outputs")
    if not ok:
        return check
    if frozen.reference_path is None:
        report.add_step("verify", "compare with TensorFlow", "skipped", "TensorFlow gave no reference outputs")
        return check
    if check.run_error:
        report.add_step("verify", "compare with TensorFlow", "failed", check.run_error)
        report.add_problem("ort_run", f"onnxruntime could not run the model: {check.run_error}",
                           "check the input shapes, or pass real inputs with --sample file.npz")
        return check
    _fold_errors(report, check.errors, rtol, atol, [s.label for s in frozen.samples])
    _fold_latency(report, frozen, check)
    return check


def _fold_latency(report: ConversionReport, frozen: FrozenGraph, check: OnnxCheck) -> None:
    tf_side = frozen.tf_latency
    if check.latency_ms is None or tf_side is None:
        return
    report.latency = Latency(onnxruntime_ms=check.latency_ms, tensorflow_ms=tf_side.tensorflow_ms,
                             runs=min(check.latency_runs, tf_side.runs), warmup=WARMUP, threads=THREADS,
                             batch=tf_side.batch)


def _fold_errors(report: ConversionReport, errors: list[OutputError], rtol: float, atol: float,
                 samples: list[str]) -> None:
    report.errors = errors
    diffs = [e.max_abs_diff for e in errors if e.max_abs_diff is not None]
    report.max_abs_diff = max(diffs) if diffs else None
    bad = [e for e in errors if not e.ok]
    summary = ", ".join(f"{e.name} max abs {e.max_abs_diff:.3g}" if e.max_abs_diff is not None
                        else f"{e.name} {e.note or ('equal' if e.ok else 'differs')}" for e in errors)
    if bad:
        report.add_step("verify", "compare with TensorFlow", "failed", summary)
        for e in bad:
            report.add_problem("mismatch", f"output {e.name} differs from TensorFlow: {e.note or ''}"
                               f"{'' if e.max_abs_diff is None else f' max abs diff {e.max_abs_diff:.3g}'}"
                               f" ({e.mismatched} of {e.total} values beyond rtol={rtol:g}, atol={atol:g}"
                               f"{', ' + e.sample if e.sample else ''})",
                               "try another --opset; report the model to tf2onnx if it persists",
                               [e.name])
        return
    report.verified = True
    report.add_step("verify", "compare with TensorFlow", "done",
                    f"{len(errors)} output(s) within rtol={rtol:g}, atol={atol:g}"
                    + (f" on {len(samples)} samples ({'; '.join(samples)})" if len(samples) > 1 else "")
                    + f": {summary}")
