"""Drive ``python -m tf2onnx.convert --graphdef FROZEN`` in a child process and judge it by its log.

tf2onnx's exit code is not trusted: it exits 0 with unsupported ops left in the model. Every
``is not supported`` line, every ``Failed to convert node`` and any traceback is a failure.

tf2onnx converts a lookup in a vocabulary table only when it knows the table's contents, which it reads
from a SavedModel it loads itself and never from a GraphDef. When the frozen graph has such tables, the
same command runs through this module's ``main``, which hands tf2onnx the contents tfscout read from the
graph's constants (``--tables FILE.npz --`` before tf2onnx's own arguments).
"""

from __future__ import annotations

import shlex
import sys
import threading
from pathlib import Path
from typing import Any

from tfscout.converter.report import ConversionReport, FrozenGraph
from tfscout.converter.tf2onnx_log import Tf2onnxLog, parse_tf2onnx_log
from tfscout.inspector import shape_suffix
from tfscout.procs import CompletedRun, run_command

CONTRIB_OPSET = "ai.onnx.contrib:1"


def frozen_graph_argv(frozen: FrozenGraph, onnx_path: Path, opset: int) -> list[str]:
    """The full command line: inputs with every known dimension inline, ports on every name."""
    feeds = [frozen.feed_names.get(i.name, i.name) for i in frozen.inputs]
    head = [sys.executable, "-m", "tf2onnx.convert"]
    if frozen.tables_path:
        head = [sys.executable, "-m", "tfscout.converter.tf2onnx_driver", "--tables", frozen.tables_path, "--"]
    argv = [*head, "--graphdef", frozen.tf2onnx_path or frozen.path]
    if frozen.inputs:
        argv += ["--inputs", ",".join(feed + shape_suffix(i.shape) for feed, i in zip(feeds, frozen.inputs,
                                                                                       strict=True))]
        if feeds != [i.name for i in frozen.inputs]:
            argv += ["--rename-inputs", ",".join(i.name for i in frozen.inputs)]
    argv += ["--outputs", ",".join(o.name for o in frozen.outputs), "--opset", str(opset)]
    if frozen.needs_contrib:
        argv += ["--extra_opset", CONTRIB_OPSET]
    argv += ["--output", str(onnx_path)]
    return argv


def _unsupported_fix(op: str) -> str:
    return (f"cut the graph before or after the {op} nodes with --inputs/--outputs, raise --opset, "
            "or run `tfscout check` for a hint")


def judge_run(report: ConversionReport, run: CompletedRun, log: Tf2onnxLog, onnx_path: Path,
              timeout: float) -> None:
    """Turn a tf2onnx run and its parsed log into a step and problems on ``report``."""
    if run.cancelled:
        report.add_step("tf2onnx", "run tf2onnx", "failed", "cancelled")
        report.add_problem("cancelled", "the conversion was cancelled", "run it again when ready")
        _discard(onnx_path)
        return
    if run.timed_out:
        report.add_step("tf2onnx", "run tf2onnx", "failed", f"stopped after {timeout:.0f} s")
        report.add_problem("timeout", f"tf2onnx did not finish within {timeout:.0f} s",
                           "raise the limit with --timeout, or cut the graph smaller with --inputs/--outputs")
        _discard(onnx_path)
        return
    if run.crashed:
        report.add_step("tf2onnx", "run tf2onnx", "failed", f"crashed ({run.signal_name()})")
        memory = " (the system stops a process that runs out of memory this way)" \
            if run.signal_name() == "SIGKILL" else ""
        report.add_problem("tf2onnx", f"tf2onnx crashed ({run.signal_name()}){memory}",
                           "try other --inputs/--outputs or another --opset")
        _discard(onnx_path)
        return
    for op, nodes in sorted(log.unsupported.items()):
        report.add_problem("unsupported", f"tf2onnx cannot convert {op} ({len(nodes)} node"
                           f"{'s' if len(nodes) != 1 else ''}) at opset {report.opset}",
                           _unsupported_fix(op), nodes[:10])
    if log.failed_nodes:
        report.add_problem("tf2onnx", f"tf2onnx failed to convert {len(log.failed_nodes)} node(s)",
                           "see the nodes listed; try another --opset or cut them away", log.failed_nodes[:10])
    if log.exception:
        report.add_problem("tf2onnx", f"tf2onnx stopped: {log.exception[:400]}",
                           "try other --inputs/--outputs or another --opset; rerun with --debug for the log")
    if not onnx_path.is_file() and not log.exception and not log.failed_nodes:
        tail = next((line for line in reversed(run.lines) if line.strip()), "no output")
        report.add_problem("tf2onnx", f"tf2onnx wrote no model (exit {run.returncode}: {tail[:300]})",
                           "rerun with --debug to see its log")
    if log.opset:
        report.opset = log.opset
    ok = onnx_path.is_file() and log.ok
    detail = f"exit {run.returncode} in {run.seconds:.1f} s"
    if run.peak_rss_mb:
        detail += f", peak {run.peak_rss_mb:.0f} MB"
    if log.unsupported:
        detail += f"; {sum(len(n) for n in log.unsupported.values())} unsupported nodes despite exit " \
                  f"{run.returncode}"
    report.add_step("tf2onnx", "run tf2onnx", "done" if ok else "failed", detail)
    if not ok:
        _discard(onnx_path)


def _discard(path: Path) -> None:
    if path.is_file():
        path.unlink()


def run_tf2onnx(report: ConversionReport, frozen: FrozenGraph, onnx_path: Path, opset: int, timeout: float,
                cancel: threading.Event | None, network: bool = False) -> CompletedRun:
    """tf2onnx on the frozen graph, with no network unless ``network`` (``--allow-unsafe``)."""
    argv = frozen_graph_argv(frozen, onnx_path, opset)
    shown = argv[1:] if not frozen.tables_path else ["-m", "tf2onnx.convert", *argv[argv.index("--") + 1:]]
    report.tf2onnx_command = " ".join(shlex.quote(a) for a in ["python", *shown])
    if frozen.tables_path:
        report.tf2onnx_command += "  # with the vocabulary tables' contents, which its command line cannot take"
    run = run_command(argv, timeout=timeout, cancel=cancel, network=network)
    log = parse_tf2onnx_log(run.lines)
    judge_run(report, run, log, onnx_path, timeout)
    return run


def main(argv: list[str] | None = None) -> int:
    """``python -m tfscout.converter.tf2onnx_driver --tables FILE.npz -- TF2ONNX_ARGS``: tf2onnx's own command
    line, with the tables' contents given to its conversion."""
    import functools

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[0] != "--tables" or args[2] != "--":
        sys.stderr.write("usage: python -m tfscout.converter.tf2onnx_driver --tables FILE.npz -- TF2ONNX_ARGS\n")
        return 2
    import tf2onnx.convert

    from tfscout.converter.lookups import load_tables

    tables = {shared: (keys, values) for shared, keys, values in load_tables(args[1]).values()}
    convert = tf2onnx.convert._convert_common  # noqa: SLF001 - the one place the tables can be handed in

    @functools.wraps(convert)
    def with_tables(*a: Any, **kw: Any) -> Any:
        kw["initialized_tables"] = {**tables, **(kw.get("initialized_tables") or {})}
        return convert(*a, **kw)

    tf2onnx.convert._convert_common = with_tables  # noqa: SLF001
    sys.argv = ["tf2onnx.convert", *args[3:]]
    tf2onnx.convert.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
