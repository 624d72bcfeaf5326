"""The converter's entry points: ``convert_model``, ``freeze_model`` and ``verify_model``.

Each returns a :class:`ConversionReport`. They are safe to call from a worker thread: TensorFlow,
tf2onnx and onnxruntime run in child processes with a time limit, ``cancel`` (a
``threading.Event``) stops them, and ``progress(stage, message)`` is called as stages go by.
Problems the report can explain are returned in it; bad usage, unreadable models and refusals
(host-touching ops without ``allow_unsafe``) raise a :class:`~tfscout.errors.TfscoutError`.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from tfscout.converter.plan import (
    ConversionPlan,
    apply_switches,
    check_output_path,
    plan_from_report,
    refuse_model_files,
    require_switch_values,
)
from tfscout.converter.progress import Progress, check_cancel, line_forwarder, say
from tfscout.converter.publish import publish
from tfscout.converter.report import ConversionReport, FrozenGraph, TensorInfo
from tfscout.converter.tf2onnx_driver import run_tf2onnx
from tfscout.converter.verify import (
    OnnxCheck,
    check_and_compare,
    describe,
    find_divergence,
    write_constant_model,
)
from tfscout.defaults import DEFAULT_ATOL, DEFAULT_RTOL, DEFAULT_TIMEOUT
from tfscout.errors import UnknownNameError, UsageError, require
from tfscout.inspector import CONVERTING, FREEZING, SafetyVerdict, inspect_model, remedy_text, shape_suffix
from tfscout.procs import run_function

SEED = 0


def _require_converter() -> None:
    for module in ("tensorflow", "tf2onnx", "onnx", "onnxruntime", "numpy"):
        require(module, "convert")


def check_limits(rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Tolerances are finite and >= 0, time limits finite and > 0: a NaN tolerance passes every comparison and
    a NaN time limit never fires."""
    for name, value, positive in (("rtol", rtol, False), ("atol", atol, False), ("timeout", timeout, True)):
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            raise UsageError(f"--{name} {value} is not a finite number {'> 0' if positive else '>= 0'}",
                             "give a tolerance such as 1e-3" if name != "timeout" else "give seconds, such as 600")


def _plan(path: str | Path, inputs: str | list[str] | None, outputs: str | list[str] | None,
          opset: int | None, tags: list[str] | None, signature: str | None, allow_unsafe: bool,
          progress: Progress | None, switches: dict[str, Any] | None = None, out: Path | None = None,
          consequence: str = CONVERTING) -> ConversionPlan:
    """Inspect the model and plan the children's work; the gate refuses here, before anything runs."""
    say(progress, "inspect", "reading the model and choosing its inputs and outputs")
    report = inspect_model(path, inputs=inputs, outputs=outputs, opset=opset, tags=tags, signature=signature)
    if out is not None:
        refuse_model_files(out, report)
    plan = plan_from_report(report, tags, opset, allow_unsafe)
    if switches:
        apply_switches(plan, report, switches)
    require_switch_values(plan)
    if not plan.allow_unsafe:
        SafetyVerdict(report.refused).refuse(plan.model, consequence)
    return plan


def _new_report(plan: ConversionPlan, rtol: float, atol: float, sample: str | None) -> ConversionReport:
    report = ConversionReport(model=plan.model, format=plan.format, opset=plan.opset, rtol=rtol, atol=atol,
                              sample=str(sample) if sample else None)
    report.inputs = [TensorInfo(i.name, i.dtype, i.shape) for i in plan.inputs]
    report.outputs = list(plan.outputs)
    report.mode_switches = {s.name: s.value for s in plan.mode_switches}
    report.warnings = list(plan.warnings)
    _precheck_step(report, plan)
    return report


def _precheck_step(report: ConversionReport, plan: ConversionPlan) -> None:
    """What the fast pre-check said about the original graph, before any repair."""
    if not plan.blocking:
        report.add_step("inspect", "pre-check", "done", f"tf2onnx should convert every op on the path at "
                        f"opset {plan.opset}")
        return
    ops = ", ".join(f"{u.op} ({len(u.nodes)} node{'s' if len(u.nodes) != 1 else ''}: {u.status.replace('_', ' ')}"
                    + (f" {u.min_opset}" if u.status == "needs_opset" and u.min_opset else "")
                    + (f"; {remedy_text(u.remedy).split(' (')[0]}" if u.remedy else "") + ")"
                    for u in plan.blocking)
    report.add_step("inspect", "pre-check", "warning",
                    f"on the original graph, tf2onnx will not convert {ops}; the repairs below may remove some "
                    "(`tfscout check` gives a hint for each)", [n for u in plan.blocking for n in u.nodes][:10])


def _freeze(plan: ConversionPlan, frozen_path: Path, work: Path, reference: bool, sample: str | None,
            timeout: float, progress: Progress | None, cancel: threading.Event | None) -> FrozenGraph:
    return run_function(
        "tfscout.converter.freeze:build_inference_graph",
        {"plan": plan, "out_path": str(frozen_path), "work_dir": str(work), "reference": reference,
         "sample": str(sample) if sample else None, "seed": SEED},
        what="freezing the model in TensorFlow", timeout=timeout, cancel=cancel,
        on_line=line_forwarder(progress), network=plan.allow_unsafe)


def _absorb_frozen(report: ConversionReport, frozen: FrozenGraph) -> None:
    report.steps.extend(frozen.steps)
    report.problems.extend(frozen.problems)
    report.warnings.extend(frozen.warnings)
    report.inputs = list(frozen.inputs)
    report.outputs = list(frozen.outputs)
    report.structure.tensorflow = frozen.structure
    report.polyfilled = dict(frozen.polyfilled)


def _diagnose(report: ConversionReport, frozen: FrozenGraph, check: OnnxCheck, onnx_file: Path, beside: Path,
              work: Path, timeout: float, cancel: threading.Event | None, always: bool = False) -> None:
    """On a mismatch (or when asked), find where TensorFlow and onnxruntime first part."""
    mismatch = any(p.kind == "mismatch" for p in report.problems)
    if not (mismatch or (always and check.session_error is None and check.checker_error is None)):
        return
    sample = check.failed_sample if check.failed_sample is not None else len(frozen.samples) - 1
    find_divergence(report, frozen, onnx_file, beside, report.rtol, report.atol, sample, work, timeout, cancel)


def convert_model(path: str | Path, out: str | Path, inputs: str | list[str] | None = None,
                  outputs: str | list[str] | None = None, opset: int | None = None,
                  tags: list[str] | None = None, signature: str | None = None, force: bool = False,
                  allow_unsafe: bool = False, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL,
                  sample: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT,
                  progress: Progress | None = None, cancel: threading.Event | None = None,
                  keep_unverified: bool = False, switches: dict[str, Any] | None = None) -> ConversionReport:
    """Convert a TF1 model to ONNX and prove it matches TensorFlow on the same seeded inputs.

    ``out`` is written (through a temporary file and a rename) only when the model was verified,
    or when ``keep_unverified`` is set and tf2onnx produced a file. ``timeout`` applies to each
    child process. ``switches`` ({"keep_prob:0": 1.0}) sets mode switch values by hand.
    """
    start = time.monotonic()
    check_limits(rtol, atol, timeout)
    _require_converter()
    out_path = check_output_path(out, force)
    sample = _absolute(sample)
    plan = _plan(path, inputs, outputs, opset, tags, signature, allow_unsafe, progress, switches, out_path)
    report = _new_report(plan, rtol, atol, sample)
    with tempfile.TemporaryDirectory(prefix="tfscout-convert-") as tmp:
        work = Path(tmp)
        clock = time.monotonic()
        frozen = _freeze(plan, work / "frozen.pb", work, True, sample, timeout, progress, cancel)
        report.timings["freeze"] = time.monotonic() - clock
        _absorb_frozen(report, frozen)
        if not Path(frozen.path).is_file():
            report.seconds = time.monotonic() - start
            return report
        check_cancel(cancel, "the conversion")
        onnx_tmp = work / "model.onnx"
        say(progress, "tf2onnx", f"converting at opset {plan.opset}")
        clock = time.monotonic()
        if frozen.inputs:
            run_tf2onnx(report, frozen, onnx_tmp, plan.opset, timeout, cancel, network=plan.allow_unsafe)
        else:
            write_constant_model(report, frozen, onnx_tmp, plan.opset, timeout, cancel)
        report.timings["tf2onnx"] = time.monotonic() - clock
        if onnx_tmp.is_file():
            check_cancel(cancel, "the conversion")
            say(progress, "validate", "onnx.checker (full check) and an onnxruntime session")
            clock = time.monotonic()
            check = check_and_compare(report, frozen, onnx_tmp, rtol, atol, timeout, cancel, progress)
            report.timings["check"] = time.monotonic() - clock
            _diagnose(report, frozen, check, onnx_tmp, out_path, work, timeout, cancel)
        if onnx_tmp.is_file() and (report.verified or keep_unverified) and not _fatal(report):
            say(progress, "write", f"writing {out_path}")
            publish(onnx_tmp, out_path, force)
            report.onnx = str(out_path)
            report.add_step("write", "write the ONNX file", "done",
                            f"{out_path} ({out_path.stat().st_size} bytes)"
                            + ("" if report.verified else "; NOT verified"))
        elif onnx_tmp.is_file():
            report.add_step("write", "write the ONNX file", "skipped",
                            "not written: the model was not verified (pass --keep-unverified to write it anyway)")
    report.seconds = time.monotonic() - start
    return report


def _absolute(sample: str | Path | None) -> str | None:
    """A path the children can read from their own working folder."""
    return os.path.abspath(sample) if sample else None


def _fatal(report: ConversionReport) -> bool:
    return any(p.kind in ("invalid_onnx",) for p in report.problems)


def freeze_model(path: str | Path, out: str | Path, inputs: str | list[str] | None = None,
                 outputs: str | list[str] | None = None, tags: list[str] | None = None,
                 signature: str | None = None, force: bool = False, allow_unsafe: bool = False,
                 timeout: float = DEFAULT_TIMEOUT, progress: Progress | None = None,
                 cancel: threading.Event | None = None, switches: dict[str, Any] | None = None) -> ConversionReport:
    """Freeze (and repair) the inference graph of a TF1 model into a binary GraphDef at ``out``."""
    start = time.monotonic()
    check_limits(timeout=timeout)
    require("tensorflow", "convert")
    require("numpy", "convert")
    out_path = check_output_path(out, force)
    plan = _plan(path, inputs, outputs, None, tags, signature, allow_unsafe, progress, switches, out_path,
                 FREEZING)
    report = _new_report(plan, DEFAULT_RTOL, DEFAULT_ATOL, None)
    report.opset = None
    with tempfile.TemporaryDirectory(prefix="tfscout-freeze-") as tmp:
        work = Path(tmp)
        frozen = _freeze(plan, work / "frozen.pb", work, False, None, timeout, progress, cancel)
        _absorb_frozen(report, frozen)
        if Path(frozen.path).is_file():
            publish(Path(frozen.path), out_path, force)
            report.frozen = str(out_path)
            report.add_step("write", "write the frozen GraphDef", "done",
                            f"{out_path} ({out_path.stat().st_size} bytes)")
    report.seconds = time.monotonic() - start
    return report


def verify_model(path: str | Path, onnx_path: str | Path, inputs: str | list[str] | None = None,
                 outputs: str | list[str] | None = None, tags: list[str] | None = None,
                 signature: str | None = None, allow_unsafe: bool = False, rtol: float = DEFAULT_RTOL,
                 atol: float = DEFAULT_ATOL, sample: str | Path | None = None, timeout: float = DEFAULT_TIMEOUT,
                 progress: Progress | None = None, cancel: threading.Event | None = None,
                 switches: dict[str, Any] | None = None, bisect: bool = False) -> ConversionReport:
    """Compare any ONNX model with the TF1 model it came from, on the same seeded inputs.

    The inputs and outputs default to the ONNX model's own names (TensorFlow tensor names such as
    ``x:0``); pass ``inputs``/``outputs`` when the ONNX names differ from the graph's. On a mismatch, or
    always with ``bisect``, the tensors along the path are compared to find where the two first part
    (``first_divergence``), and a repro is written beside the ONNX file.
    """
    start = time.monotonic()
    check_limits(rtol, atol, timeout)
    _require_converter()
    onnx_file = Path(onnx_path).absolute()
    sample = _absolute(sample)
    if not onnx_file.is_file():
        raise UsageError("no such ONNX file", "check the path", path=str(onnx_file))
    say(progress, "validate", "reading the ONNX model")
    described = describe(onnx_file, timeout, cancel)
    named = inputs is not None and outputs is not None
    ins_outs = [i.name for i in described.inputs] + [o.name for o in described.outputs]
    if inputs is None:
        inputs = [i.name + shape_suffix(i.shape) for i in described.inputs]
    if outputs is None:
        outputs = [o.name for o in described.outputs]
    try:
        plan = _plan(path, inputs, outputs, None, tags, signature, allow_unsafe, progress, switches,
                     consequence=FREEZING)
    except UnknownNameError as exc:
        if not named:
            raise UsageError(
                f"the ONNX model's names ({', '.join(ins_outs)}) are not all tensors of this graph: {exc.message}",
                "pair them by hand with --inputs/--outputs, TensorFlow names in the ONNX model's order; "
                "or check that the ONNX file came from this model", path=str(path)) from None
        raise
    report = _new_report(plan, rtol, atol, sample)
    report.onnx = str(onnx_path)
    report.opset = described.opset
    with tempfile.TemporaryDirectory(prefix="tfscout-verify-") as tmp:
        work = Path(tmp)
        frozen = _freeze(plan, work / "frozen.pb", work, True, sample, timeout, progress, cancel)
        _absorb_frozen(report, frozen)
        if Path(frozen.path).is_file():
            check_cancel(cancel, "the verification")
            check = check_and_compare(report, frozen, onnx_file, rtol, atol, timeout, cancel, progress)
            _diagnose(report, frozen, check, onnx_file, onnx_file, work, timeout, cancel, always=bisect)
    report.seconds = time.monotonic() - start
    return report
