"""``tfscout render MODEL``: draw a node's neighbourhood, or the subgraph tf2onnx would convert.

    tfscout render MODEL --around NODE [--depth N] -o around.svg
    tfscout render MODEL --subgraph [--inputs ..] [--outputs ..] -o subgraph.png

The format follows the output's suffix (svg, png, pdf through Graphviz's ``dot``; .dot is
written as text). Without ``-o`` the DOT text goes to stdout.
"""

from __future__ import annotations

import argparse
import sys

from tfscout.cmd import common
from tfscout.defaults import DEFAULT_DEPTH, DEFAULT_MAX_NODES, SUBGRAPH_MAX_NODES


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="draw a node's neighbourhood or the subgraph to convert (SVG/PNG/PDF/DOT)",
                       description="Draw part of the graph with Graphviz.")
    common.add_model_argument(p)
    what = p.add_mutually_exclusive_group()
    what.add_argument("--around", metavar="NODE", help="draw the nodes within --depth hops of NODE")
    what.add_argument("--subgraph", action="store_true",
                      help="draw the subgraph between the inputs and outputs (recommended, or --inputs/--outputs)")
    p.add_argument("--depth", type=int, default=DEFAULT_DEPTH, metavar="N",
                   help=f"hops upstream and downstream of NODE (default {DEFAULT_DEPTH})")
    p.add_argument("--max-nodes", type=int, metavar="N",
                   help=f"draw at most N nodes (default {DEFAULT_MAX_NODES} around a node, "
                        f"{SUBGRAPH_MAX_NODES} for a subgraph)")
    p.add_argument("--control", action="store_true", help="include control edges")
    p.add_argument("--inputs", metavar="T,..", help="with --subgraph: the input tensors")
    p.add_argument("--outputs", metavar="T,..", help="with --subgraph: the output tensors")
    p.add_argument("--tag", metavar="TAGS", help="SavedModel tag set, comma-separated (default: serve)")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write (.svg, .png, .pdf or .dot); default: DOT on stdout")
    p.add_argument("--format", choices=("svg", "png", "pdf", "dot"), help="override the format the suffix implies")
    p.add_argument("--force", action="store_true", help="overwrite FILE when it exists")
    p.add_argument("--json", action="store_true", help="print what was drawn as JSON")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tfscout.inspector import draw

    drawing = draw(args.model, around_node=args.around, subgraph=args.subgraph, depth=args.depth,
                   max_nodes=args.max_nodes, control=args.control, inputs=args.inputs, outputs=args.outputs,
                   tags=common.tags_of(args), out=args.output, fmt=args.format, force=args.force)
    if args.json:
        common.print_json(drawing.to_dict())
    elif drawing.output:
        more = f" ({drawing.truncated} more not drawn)" if drawing.truncated else ""
        sys.stderr.write(f"wrote {drawing.output}: {drawing.nodes} nodes, {drawing.edges} edges{more}\n")
    else:
        sys.stdout.write(drawing.dot)
    return 0
