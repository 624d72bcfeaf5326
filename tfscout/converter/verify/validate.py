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
from tfscout.converter.report import ConversionReport, FrozenGraph, ModelStructure, OutputError
from tfscout.converter.verify.compare import compare_outputs
from tfscout.converter.verify.onnx_model import structure_of
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


# ---------------------------------------------------------------------------------------------
# Child side


def _session(onnx_path: str, contrib: bool) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    if contrib:
        from onnxruntime_extensions import get_library_path

        options.register_custom_ops_library(get_library_path())
    return ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])


def validate_and_compare_child(onnx_path: str, feeds_path: str | None, reference_path: str | None,
                               input_names: list[str], output_names: list[str], rtol: float,
                               atol: float) -> OnnxCheck:
    import numpy as np
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
    if feeds_path is None or reference_path is None:
        return check
    from tfscout.converter.progress import child_progress

    child_progress("verify", "running onnxruntime on the inputs TensorFlow answered")
    feeds_npz = np.load(feeds_path, allow_pickle=False)
    ref_npz = np.load(reference_path, allow_pickle=False)
    by_name = {i.name: i for i in session.get_inputs()}
    feeds = {}
    for k, name in enumerate(input_names):
        value = feeds_npz[f"in_{k}"]
        meta = by_name.get(name)
        if meta is None:
            check.run_error = f"the ONNX model has no input named {name}"
            return check
        feeds[name] = _cast_for(meta.type, value)
    missing = [n for n in by_name if n not in feeds]
    if missing:
        check.run_error = f"the ONNX model also needs {', '.join(missing)}, which TensorFlow does not"
        return check
    onnx_outputs = [o.name for o in session.get_outputs()]
    wanted = [n for n in output_names if n in onnx_outputs]
    try:
        results = session.run(wanted, feeds)
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own exception types
        check.run_error = str(exc).strip().splitlines()[0][:400] if str(exc) else type(exc).__name__
        return check
    got = dict(zip(wanted, results, strict=True))
    expected = {name: ref_npz[f"out_{k}"] for k, name in enumerate(output_names)}
    check.errors = compare_outputs(expected, got, rtol, atol)
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
        return value.astype(object)
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
                      progress: Progress | None = None) -> None:
    """Validate ``onnx_file`` and compare it with TensorFlow's answers; fold the verdicts into ``report``."""
    check: OnnxCheck = run_function(
        "tfscout.converter.verify.validate:validate_and_compare_child",
        {"onnx_path": str(onnx_file), "feeds_path": frozen.feeds_path, "reference_path": frozen.reference_path,
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
        return
    if frozen.reference_path is None:
        report.add_step("verify", "compare with TensorFlow", "skipped", "TensorFlow gave no reference outputs")
        return
    if check.run_error:
        report.add_step("verify", "compare with TensorFlow", "failed", check.run_error)
        report.add_problem("ort_run", f"onnxruntime could not run the model: {check.run_error}",
                           "check the input shapes, or pass real inputs with --sample file.npz")
        return
    _fold_errors(report, check.errors, rtol, atol)


def _fold_errors(report: ConversionReport, errors: list[OutputError], rtol: float, atol: float) -> None:
    report.errors = errors
    diffs = [e.max_abs_diff for e in errors if e.max_abs_diff is not None]
    report.max_abs_diff = max(diffs) if diffs else None
    bad = [e for e in errors if not e.ok]
    summary = ", ".join(f"{e.name} max abs {e.max_abs_diff:.3g}" if e.max_abs_diff is not None
                        else f"{e.name} {e.note}" for e in errors)
    if bad:
        report.add_step("verify", "compare with TensorFlow", "failed", summary)
        for e in bad:
            report.add_problem("mismatch", f"output {e.name} differs from TensorFlow: {e.note or ''}"
                               f"{'' if e.max_abs_diff is None else f' max abs diff {e.max_abs_diff:.3g}'}"
                               f" ({e.mismatched} of {e.total} values beyond rtol={rtol:g}, atol={atol:g})",
                               "try another --opset; report the model to tf2onnx if it persists",
                               [e.name])
        return
    report.verified = True
    report.add_step("verify", "compare with TensorFlow", "done",
                    f"{len(errors)} output(s) within rtol={rtol:g}, atol={atol:g}: {summary}")
