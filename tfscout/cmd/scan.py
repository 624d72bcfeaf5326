"""``tfscout scan DIR``: inspect and pre-check every TF1 model under a folder (no TensorFlow)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO

from tfscout.cmd import common
from tfscout.defaults import DEFAULT_OPSET, SCAN_TIMEOUT

_BAR = 24


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="inspect and pre-check every model under a folder, one row per model",
                       description="Find every TF1 model under DIR (any format, by content), inspect and "
                                   "pre-check each in worker processes, and print one row per model. "
                                   "Resumable: rows already done are kept in a state file. Exit 0 when "
                                   "everything was scanned, even if some models have problems.")
    p.add_argument("folder", metavar="DIR", help="the folder to search")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print a JSON list of rows")
    out.add_argument("--csv", action="store_true", help="print CSV, one line per model")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes (default: the CPU count)")
    again = p.add_mutually_exclusive_group()
    again.add_argument("--resume", dest="restart", action="store_false",
                       help="reuse the rows of unchanged models from the state file (the default)")
    again.add_argument("--restart", dest="restart", action="store_true",
                       help="ignore the state file and inspect every model again")
    p.add_argument("--state", metavar="PATH", help="the state file (default: DIR/.tfscout-scan.jsonl)")
    p.add_argument("--opset", type=int, metavar="N",
                   help=f"ONNX opset to pre-check at (default {DEFAULT_OPSET})")
    p.add_argument("--timeout", type=common.SECONDS, default=SCAN_TIMEOUT, metavar="S",
                   help=f"time limit per model, seconds (default {SCAN_TIMEOUT:g})")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(run=run, restart=False)


class ProgressBar:
    """``[#####-----] 12/47  path`` on one line of a terminal, redrawn at most ten times a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last = 0.0
        self.width = 0

    def __call__(self, done: int, total: int, path: str) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        filled = _BAR * done // total if total else _BAR
        text = f"[{'#' * filled}{'-' * (_BAR - filled)}] {done}/{total}  {path}"[:100]
        self.stream.write("\r" + text.ljust(self.width))
        self.width = len(text)
        self.stream.flush()

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    from tfscout.inspector import scan_csv, scan_folder, scan_json, scan_text, summary_line, validate_opset

    validate_opset(args.opset)
    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        result = scan_folder(args.folder, jobs=args.jobs, opset=args.opset, state_path=args.state,
                             restart=args.restart, timeout=args.timeout, progress=bar)
    finally:
        if bar is not None:
            bar.clear()
    if args.json:
        common.print_json(scan_json(result))
    elif args.csv:
        sys.stdout.write(scan_csv(result))
    else:
        sys.stdout.write(scan_text(result))
    if args.json or args.csv:
        sys.stderr.write(f"tfscout: {summary_line(result)}\n")
    return 0
