"""``tfscout verify MODEL MODEL.onnx``: compare any ONNX model with the TF1 model it came from."""

from __future__ import annotations

import argparse
import sys

from tfscout.cmd import common
from tfscout.cmd.convert import add_conversion_options, switches_of


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="run TensorFlow and onnxruntime on the same inputs and compare",
                       description="Validate an ONNX model and compare it with TensorFlow on the same seeded "
                                   "inputs (or --sample). Inputs and outputs default to the ONNX model's names.")
    common.add_model_argument(p)
    p.add_argument("onnx", metavar="MODEL.onnx", help="the ONNX model to check")
    common.add_interface_arguments(p)
    add_conversion_options(p)
    p.add_argument("--bisect", action="store_true",
                   help="compare TensorFlow and onnxruntime tensor by tensor along the path and report where they "
                        "first part (done on its own when the outputs differ); writes a repro beside MODEL.onnx")
    common.add_output_format(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tfscout.converter import stderr_progress, verify_model

    report = verify_model(
        args.model, args.onnx, inputs=args.inputs, outputs=args.outputs, tags=common.tags_of(args),
        signature=args.signature, allow_unsafe=args.allow_unsafe, rtol=args.rtol, atol=args.atol,
        sample=args.sample, timeout=args.timeout, progress=stderr_progress(sys.stderr.isatty()),
        switches=switches_of(args), bisect=args.bisect,
    )
    return common.print_conversion(report, args.json)
