"""``tfscout check MODEL``: which ops on the path tf2onnx will not convert, and at which opset."""

from __future__ import annotations

import argparse
import sys

from tfscout.cmd import common
from tfscout.defaults import DEFAULT_TIMEOUT
from tfscout.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="pre-check which ops tf2onnx will not convert, and at which opset",
                       description="Say, without TensorFlow, which ops between the inputs and outputs tf2onnx "
                                   "will not convert. Exit 0 when nothing blocks, 1 when something does.")
    common.add_model_argument(p)
    common.add_interface_arguments(p)
    common.add_output_format(p)
    p.add_argument("--extra-opset", metavar="DOMAIN:V,..",
                   help="extra opset domains to allow, as for tf2onnx's --extra_opset (e.g. ai.onnx.contrib:1)")
    p.add_argument("--confirm", action="store_true",
                   help="also convert the subgraph with tf2onnx for real and report any disagreement")
    p.add_argument("--timeout", type=common.SECONDS, default=DEFAULT_TIMEOUT, metavar="S",
                   help="time limit of --confirm (seconds)")
    p.add_argument("--allow-unsafe", action="store_true",
                   help="let --confirm run ops not known to be safe (files, network, host code), with the "
                        "network shared: for models you trust (see docs/SECURITY.md)")
    p.set_defaults(run=run)


def parse_extra_opsets(text: str | None) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        domain, sep, version = item.strip().rpartition(":")
        if not sep or not domain or not version.isdigit():
            raise UsageError(f"--extra-opset {item!r} is not DOMAIN:VERSION", "write it like ai.onnx.contrib:1")
        found[domain] = int(version)
    return found


def run(args: argparse.Namespace) -> int:
    from tfscout.converter import check_model, confirm_text
    from tfscout.inspector import check_text, report_json

    outcome = check_model(args.model, inputs=args.inputs, outputs=args.outputs, opset=args.opset,
                          tags=common.tags_of(args), signature=args.signature,
                          extra_opsets=parse_extra_opsets(args.extra_opset), confirm=args.confirm,
                          timeout=args.timeout, allow_unsafe=args.allow_unsafe)
    if args.json:
        data = report_json(outcome.report)
        data["confirm"] = outcome.confirm.to_dict() if outcome.confirm else None
        common.print_json(data)
    else:
        sys.stdout.write(check_text(outcome.report))
        if outcome.confirm is not None:
            sys.stdout.write(confirm_text(outcome.confirm))
    return 1 if outcome.blocks else 0
