"""Arguments shared by several subcommands."""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from typing import Any

from tfscout.defaults import DEFAULT_OPSET


def finite_number(what: str, example: str, positive: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite number >= 0 (> 0 when ``positive``); nan, inf and negatives are a usage
    error that says what to give instead."""
    bound = "> 0" if positive else ">= 0"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            raise argparse.ArgumentTypeError(f"{text!r} is not a finite number {bound} (give {what}, e.g. {example})")
        return value

    parse.__name__ = what
    return parse


TOLERANCE = finite_number("a tolerance", "1e-3")
SECONDS = finite_number("a time limit in seconds", "600", positive=True)


def add_model_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", metavar="MODEL",
                        help="a .pb/.pbtxt GraphDef, a .meta, a checkpoint prefix or directory, or a SavedModel")


def add_interface_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inputs", metavar="T,..",
                        help="input tensors (name or name:port, optional [shape]); replaces the recommendation")
    parser.add_argument("--outputs", metavar="T,..", help="output tensors (name or name:port)")
    parser.add_argument("--opset", type=int, metavar="N",
                        help=f"ONNX opset to target (default {DEFAULT_OPSET})")
    parser.add_argument("--tag", metavar="TAGS", help="SavedModel tag set, comma-separated (default: serve)")
    parser.add_argument("--signature", metavar="NAME", help="SavedModel signature to use")


def add_output_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts instead of text")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")


def tags_of(args: argparse.Namespace) -> list[str] | None:
    return [t for t in args.tag.split(",") if t] if getattr(args, "tag", None) else None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def print_conversion(report: Any, as_json: bool) -> int:
    """A ConversionReport (convert, freeze, verify) as JSON or text on stdout; the exit code it gives."""
    from tfscout.converter import report_json, report_text

    if as_json:
        print_json(report_json(report))
    else:
        sys.stdout.write(report_text(report, color=sys.stdout.isatty()))
    return int(report.exit_code)
