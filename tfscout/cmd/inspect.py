"""``tfscout inspect MODEL``: name the inputs and outputs of a legacy TF1 model (no TensorFlow)."""

from __future__ import annotations

import argparse
import sys

from tfscout.cmd import common


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("inspect", help="rank likely inputs and outputs, mode switches, ops, the tf2onnx command",
                       description="Find what to feed and what to fetch, without TensorFlow.")
    common.add_model_argument(p)
    common.add_interface_arguments(p)
    common.add_output_format(p)
    p.add_argument("--all", action="store_true", help="list every candidate, not only the best ones")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tfscout.inspector import inspect_model, report_json, report_text

    report = inspect_model(args.model, inputs=args.inputs, outputs=args.outputs, opset=args.opset,
                           tags=common.tags_of(args), signature=args.signature)
    if args.json:
        common.print_json(report_json(report))
    else:
        sys.stdout.write(report_text(report, full=args.all, color=sys.stdout.isatty()))
    return 0
