"""``tfscout convert MODEL -o OUT.onnx``: convert, validate and verify against TensorFlow."""

from __future__ import annotations

import argparse
import sys

from tfscout.cmd import common
from tfscout.defaults import DEFAULT_ATOL, DEFAULT_RTOL, DEFAULT_TIMEOUT


def _exponent(x: float) -> str:
    """``1e-3``: how tolerances are written."""
    mantissa, _, exponent = f"{x:e}".partition("e")
    return f"{float(mantissa):g}e{int(exponent)}"


def add_conversion_options(p: argparse.ArgumentParser, verify: bool = True) -> None:
    """Options shared by convert, verify and freeze."""
    p.add_argument("--allow-unsafe", action="store_true",
                   help="run ops not known to be safe (files, network, host code), with the network shared: "
                        "for models you trust (see docs/SECURITY.md)")
    p.add_argument("--switch", action="append", default=[], metavar="NAME=VALUE",
                   help="set a mode switch by hand, e.g. --switch keep_prob=1.0 --switch is_training=false")
    p.add_argument("--timeout", type=common.SECONDS, default=DEFAULT_TIMEOUT, metavar="S",
                   help="time limit for each child process (TensorFlow, tf2onnx, onnxruntime); "
                        f"default {DEFAULT_TIMEOUT:g}")
    if verify:
        p.add_argument("--rtol", type=common.TOLERANCE, default=DEFAULT_RTOL,
                       help=f"relative tolerance (default {_exponent(DEFAULT_RTOL)})")
        p.add_argument("--atol", type=common.TOLERANCE, default=DEFAULT_ATOL,
                       help=f"absolute tolerance (default {_exponent(DEFAULT_ATOL)})")
        p.add_argument("--sample", metavar="FILE.npz",
                       help="real inputs to compare on (keys: tensor names such as x:0); default: seeded random")


def switches_of(args: argparse.Namespace) -> dict[str, object] | None:
    """``--switch keep_prob=1.0`` -> {"keep_prob": 1.0}."""
    from tfscout.converter import parse_switch_value
    from tfscout.errors import UsageError

    out: dict[str, object] = {}
    for item in getattr(args, "switch", None) or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"cannot read --switch {item}", "write it as NAME=VALUE, e.g. keep_prob=1.0")
        out[name.strip()] = parse_switch_value(value)
    return out or None


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("convert", help="convert to ONNX and prove the result matches TensorFlow",
                       description="Freeze, repair, convert with tf2onnx, validate and verify against TensorFlow. "
                                   "Exits 0 only when the written model matched TensorFlow.")
    common.add_model_argument(p)
    p.add_argument("-o", "--output", required=True, metavar="OUT.onnx", help="where to write the ONNX model")
    common.add_interface_arguments(p)
    add_conversion_options(p)
    p.add_argument("--force", action="store_true", help="overwrite OUT.onnx if it exists")
    p.add_argument("--keep-unverified", action="store_true",
                   help="write the ONNX model even when it did not match TensorFlow (exit code stays 1)")
    common.add_output_format(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tfscout.converter import convert_model, stderr_progress

    report = convert_model(
        args.model, args.output, inputs=args.inputs, outputs=args.outputs, opset=args.opset, tags=common.tags_of(args),
        signature=args.signature, force=args.force, allow_unsafe=args.allow_unsafe, rtol=args.rtol,
        atol=args.atol, sample=args.sample, timeout=args.timeout, keep_unverified=args.keep_unverified,
        progress=stderr_progress(sys.stderr.isatty()), switches=switches_of(args),
    )
    return common.print_conversion(report, args.json)
