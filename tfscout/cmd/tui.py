"""``tfscout tui [MODEL]``: explore a graph, choose its inputs and outputs, convert and verify."""

from __future__ import annotations

import argparse
from pathlib import Path

from tfscout.cmd import common
from tfscout.errors import UsageError, require


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tui", help="explore the graph in the terminal, choose names, convert and verify",
                       description="A terminal UI over the inspector and the converter.")
    p.add_argument("model", metavar="MODEL", nargs="?",
                   help="a .pb/.pbtxt GraphDef, a .meta, a checkpoint prefix or directory, or a SavedModel")
    p.add_argument("--inputs", metavar="T,..", help="start from these input tensors instead of the recommendation")
    p.add_argument("--outputs", metavar="T,..", help="start from these output tensors")
    p.add_argument("--opset", type=int, metavar="N", help="ONNX opset to target (default: recommended)")
    p.add_argument("--tag", metavar="TAGS", help="SavedModel tag set, comma-separated (default: serve)")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    require("textual", "tui")
    from tfscout.inspector import split_names
    from tfscout.tui.app import make_app

    if args.model is not None and not Path(args.model).exists() and not Path(args.model + ".meta").exists():
        raise UsageError("no such file or folder", "check the path", path=args.model)
    app = make_app(args.model, common.tags_of(args), split_names(args.inputs) or None,
                   split_names(args.outputs) or None, args.opset)
    app.run()
    return int(app.return_code or 0)
