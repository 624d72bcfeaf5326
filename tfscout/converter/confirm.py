"""``tfscout check --confirm``: convert the checked subgraph with tf2onnx for real and compare.

The fast pre-check models tf2onnx; this asks tf2onnx itself. It runs ``python -m tf2onnx.convert``
with the arguments tfscout prints (same inputs, outputs and opset; into a temporary file) in a child
process with a time limit, on the frozen GraphDef tfscout built and checked instead of the model's own
files, reads its log line by line and lists every op type on which the two answers differ.
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfscout.converter.plan import ConversionPlan, plan_from_report
from tfscout.converter.report import FrozenGraph
from tfscout.converter.tables import support_table_for_installed
from tfscout.converter.tf2onnx_log import Tf2onnxLog, parse_tf2onnx_log
from tfscout.defaults import DEFAULT_TIMEOUT
from tfscout.errors import ModelProblem, RunnerError, UnsafeModelError, require
from tfscout.inspector import (
    CONFIRMING,
    GraphAnalysis,
    Interface,
    PrecheckResult,
    Report,
    SafetyVerdict,
    analyse_path,
    choose_interface,
    command_spec,
    report_for,
    run_precheck,
    tf2onnx_argv,
    unsupported_set,
)
from tfscout.procs import run_command, run_function

_TAIL = 12


@dataclass
class Disagreement:
    """One op type on which the fast answer and tf2onnx differ."""

    op: str
    kind: str  # missed: tf2onnx did not convert it, the pre-check did not flag it | false_alarm: the reverse
    fast: str  # the pre-check's status, or "not on the path"
    tf2onnx: str  # "not supported" | "converted"
    nodes: list[str] = field(default_factory=list)


@dataclass
class ConfirmResult:
    """What a real tf2onnx run said about the checked subgraph, and where it disagrees."""

    command: list[str]
    seconds: float
    returncode: int
    timed_out: bool
    reached_handlers: bool
    unsupported: dict[str, list[str]]
    failed_nodes: list[str]
    exception: str | None
    rewriter_errors: list[str]
    disagreements: list[Disagreement]
    conditional_outcomes: dict[str, str]
    peak_rss_mb: float | None = None
    log_tail: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool | None:
        """True/False when tf2onnx got as far as its handlers; None when it stopped before."""
        if not self.reached_handlers:
            return None
        return not self.disagreements

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["agrees"] = self.agrees
        return data


def compare_with_tf2onnx(result: PrecheckResult, log: Tf2onnxLog,
                         reached_handlers: bool) -> tuple[list[Disagreement], dict[str, str]]:
    """Differences between the pre-check and tf2onnx's log, and how each conditional op turned out."""
    fast_blocking = unsupported_set(result)
    conditional = {op for op, status in result.statuses.items() if status == "conditional"}
    reported = set(log.unsupported)
    out: list[Disagreement] = []
    for op in sorted(reported - fast_blocking - conditional):
        out.append(Disagreement(op, "missed", result.statuses.get(op, "not on the path"), "not supported",
                                log.unsupported[op][:10]))
    if reached_handlers:
        nodes = {i.op: i.nodes for i in result.blocking}
        for op in sorted(fast_blocking - reported):
            out.append(Disagreement(op, "false_alarm", result.statuses.get(op, "unsupported"), "converted",
                                    nodes.get(op, [])[:10]))
    outcomes = {op: ("not supported" if op in reported else "converted") for op in sorted(conditional)}
    if not reached_handlers:
        outcomes = {op: "unknown" for op in outcomes}
    return out, outcomes


def confirm_precheck(a: GraphAnalysis, iface: Interface, result: PrecheckResult,
                     timeout: float = DEFAULT_TIMEOUT, cancel: threading.Event | None = None,
                     on_line: Callable[[str], None] | None = None, allow_unsafe: bool = False) -> ConfirmResult:
    """Run tf2onnx on the same subgraph at the same opset as ``result`` and compare the answers.

    tf2onnx is given a frozen GraphDef that tfscout built and checked (:func:`freeze_for_tf2onnx`
    in a child), never the SavedModel or the checkpoint: its loaders would run their init and restore ops.
    """
    report = report_for(a, iface, result.opset, check=result)
    if not allow_unsafe:
        SafetyVerdict(report.refused).refuse(a.source.path, CONFIRMING)
    require("tf2onnx", "convert")
    plan = plan_from_report(report, a.source.tags or None, result.opset, allow_unsafe)
    extra = ",".join(f"{d}:{v}" for d, v in sorted(result.extra_opsets.items())) or None
    with tempfile.TemporaryDirectory(prefix="tfscout-confirm-") as tmp_name:
        tmp = Path(tmp_name)
        out = tmp / "model.onnx"
        frozen = _freeze(plan, tmp / "frozen.pb", timeout, cancel, on_line)
        if isinstance(frozen, str):
            return _not_frozen(frozen, result)
        command = [sys.executable, "-m", "tf2onnx.convert",
                   *_tf2onnx_argv(a, command_spec(a, iface, result.opset, extra, str(out)), frozen)]
        run = run_command(command, timeout=timeout, cancel=cancel, on_line=on_line, network=allow_unsafe)
        if run.cancelled:
            raise RunnerError("the tf2onnx trial conversion was cancelled", "run it again when ready")
        if run.timed_out:
            raise RunnerError(f"the tf2onnx trial conversion did not finish within {timeout:.0f} s and was stopped",
                              "raise the limit with --timeout, or cut the graph smaller with --inputs/--outputs")
        log = parse_tf2onnx_log(run.lines)
        if run.crashed and log.exception is None:
            log.exception = f"tf2onnx crashed ({run.signal_name()})"
        reached = out.exists() or bool(log.unsupported) or bool(log.failed_nodes)
    disagreements, outcomes = compare_with_tf2onnx(result, log, reached)
    return ConfirmResult(
        command=command, seconds=run.seconds, returncode=run.returncode, timed_out=run.timed_out,
        reached_handlers=reached, unsupported=log.unsupported, failed_nodes=log.failed_nodes,
        exception=log.exception, rewriter_errors=log.rewriter_errors, disagreements=disagreements,
        conditional_outcomes=outcomes, peak_rss_mb=run.peak_rss_mb,
        log_tail=[line for line in run.lines if line.strip()][-_TAIL:],
    )


def _freeze(plan: ConversionPlan, path: Path, timeout: float, cancel: threading.Event | None,
            on_line: Callable[[str], None] | None) -> FrozenGraph | str:
    """The frozen graph for tf2onnx, or why tfscout could not build it (a model problem, not a refusal)."""
    try:
        frozen: FrozenGraph = run_function("tfscout.converter.freeze:freeze_for_tf2onnx",
                                           {"plan": plan, "out_path": str(path)},
                                           what="freezing the model for the tf2onnx trial", timeout=timeout,
                                           cancel=cancel, on_line=on_line, network=plan.allow_unsafe)
    except UnsafeModelError:
        raise
    except ModelProblem as exc:
        return exc.one_line()
    return frozen


def _not_frozen(why: str, result: PrecheckResult) -> ConfirmResult:
    disagreements, outcomes = compare_with_tf2onnx(result, parse_tf2onnx_log([]), False)
    return ConfirmResult(command=[], seconds=0.0, returncode=1, timed_out=False, reached_handlers=False,
                         unsupported={}, failed_nodes=[], exception=f"tfscout could not freeze the model: {why}",
                         rewriter_errors=[], disagreements=disagreements, conditional_outcomes=outcomes)


def _tf2onnx_argv(a: GraphAnalysis, spec: Any, frozen: FrozenGraph) -> list[str]:
    """The printed command's arguments, reading the frozen graph: a cut input is fed through the
    placeholder that replaced it and keeps its name (``--rename-inputs``)."""
    names = [name for name, _shape in spec.inputs]
    feeds = [frozen.feed_names.get(name, name) for name in names]
    spec = dataclasses.replace(spec, inputs=[(feed, shape) for feed, (_n, shape) in zip(feeds, spec.inputs,
                                                                                         strict=True)])
    source = dataclasses.replace(a.source, format="graphdef", model_file=frozen.path)
    argv, _before = tf2onnx_argv(source, spec)
    if feeds != names:
        argv += ["--rename-inputs", ",".join(names)]
    return argv


@dataclass
class CheckOutcome:
    """``tfscout check``: the report with its pre-check, and the tf2onnx trial when asked for."""

    report: Report
    confirm: ConfirmResult | None = None

    @property
    def blocks(self) -> bool:
        if self.report.blocks:
            return True
        c = self.confirm
        return c is not None and (not c.reached_handlers or bool(c.unsupported) or bool(c.failed_nodes))


def check_model(path: str, inputs: str | None = None, outputs: str | None = None, opset: int | None = None,
                tags: list[str] | None = None, signature: str | None = None,
                extra_opsets: dict[str, int] | None = None, confirm: bool = False,
                timeout: float = DEFAULT_TIMEOUT, on_line: Callable[[str], None] | None = None,
                allow_unsafe: bool = False) -> CheckOutcome:
    """Pre-check a model (and with ``confirm``, convert the same subgraph with tf2onnx and compare)."""
    a = analyse_path(path, tags)
    iface = choose_interface(a, inputs, outputs, signature)
    table = support_table_for_installed()
    result = run_precheck(a, iface, opset, table, extra_opsets)
    report = report_for(a, iface, opset, support=table, extra_opsets=extra_opsets, check=result)
    if not confirm:
        return CheckOutcome(report)
    return CheckOutcome(report, confirm_precheck(a, iface, result, timeout=timeout, on_line=on_line,
                                                 allow_unsafe=allow_unsafe))
