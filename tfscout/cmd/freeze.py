"""``tfscout freeze MODEL -o OUT.pb``: the frozen, repaired inference GraphDef (also .pbtxt -> .pb)."""

from __future__ import annotations

import argparse
import sys

from tfscout.cmd import common
from tfscout.cmd.convert import add_conversion_options, switches_of


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("freeze", help="write the frozen inference GraphDef for the chosen outputs",
                       description="Freeze a checkpoint, a SavedModel or a GraphDef (text or binary) into a binary "
                                   "GraphDef holding only the inference graph: cut at the inputs, mode switches "
                                   "fixed, debug and training ops repaired, variables as constants.")
    common.add_model_argument(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.pb", help="where to write the frozen GraphDef")
    p.add_argument("--inputs", metavar="T,..", help="input tensors (name or name:port, optional [shape])")
    p.add_argument("--outputs", metavar="T,..", help="output tensors (name or name:port)")
    p.add_argument("--tag", metavar="TAGS", help="SavedModel tag set, comma-separated (default: serve)")
    p.add_argument("--signature", metavar="NAME", help="SavedModel signature to use")
    add_conversion_options(p, verify=False)
    p.add_argument("--force", action="store_true", help="overwrite OUT.pb if it exists")
    common.add_output_format(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tfscout.converter import freeze_model, stderr_progress

    report = freeze_model(
        args.model, args.output, inputs=args.inputs, outputs=args.outputs, tags=common.tags_of(args),
        signature=args.signature, force=args.force, allow_unsafe=args.allow_unsafe, timeout=args.timeout,
        progress=stderr_progress(sys.stderr.isatty()), switches=switches_of(args),
    )
    return common.print_conversion(report, args.json)
