"""``tfscout render MODEL``: draw a node's neighbourhood, or the subgraph tf2onnx would convert.

    tfscout render MODEL --around NODE [--depth N] -o around.svg
    tfscout render MODEL --subgraph [--inputs ..] [--outputs ..] -o subgraph.png

The format follows the output's suffix (svg, png, pdf through Graphviz's ``dot``; .dot is
written as text). Without ``-o`` the DOT text goes to stdout.
"""

from __future__ import annotations

import argparse
import sys

from tfscout.cmd.common import add_model_argument, print_json, tags_of
from tfscout.defaults import DEFAULT_DEPTH, DEFAULT_MAX_NODES, SUBGRAPH_MAX_NODES
from tfscout.errors import UsageError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="draw a node's neighbourhood or the subgraph to convert (SVG/PNG/PDF/DOT)",
                       description="Draw part of the graph with Graphviz.")
    add_model_argument(p)
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
    from tfscout.inspector.api import analyse_path
    from tfscout.inspector.explore import around, between
    from tfscout.inspector.rank import choose_interface, resolve_names
    from tfscout.inspector.render import format_of, tensor_caption, to_dot, write_picture

    if not args.around and not args.subgraph:
        raise UsageError("say what to draw", "pass --around NODE or --subgraph")
    if args.depth < 0 or (args.max_nodes is not None and args.max_nodes < 1):
        raise UsageError("--depth must be 0 or more and --max-nodes 1 or more", "e.g. --depth 2 --max-nodes 200")
    if (args.inputs or args.outputs) and not args.subgraph:
        raise UsageError("--inputs and --outputs only apply to --subgraph", "add --subgraph")
    if args.output:
        format_of(args.output, args.format)  # fail on a bad suffix before reading the model
    a = analyse_path(args.model, tags_of(args))
    g = a.graph
    if args.around:
        centre = resolve_names(g, [args.around], "node", args.model)[0].node
        hood = around(g, centre, args.depth, args.max_nodes or DEFAULT_MAX_NODES, control=args.control)
        title = f"{g.names[centre]} ({g.ops[centre]}), {args.depth} hops"
    else:
        iface = choose_interface(a, args.inputs, args.outputs)
        hood = between(g, iface.inputs, iface.outputs, args.max_nodes or SUBGRAPH_MAX_NODES, control=args.control)
        title = (", ".join(g.tensor_name(r) for r in iface.inputs) + " -> "
                 + ", ".join(g.tensor_name(r) for r in iface.outputs))
    dot_text = to_dot(g, hood, tensor_caption(a), title=title)
    written = None
    if args.output:
        written = str(write_picture(dot_text, args.output, args.format, force=args.force))
    elif not args.json:
        sys.stdout.write(dot_text)
    if args.json:
        print_json({"output": written, "mode": "around" if args.around else "subgraph",
                    "centre": g.names[hood.centre] if hood.centre is not None else None,
                    "depth": args.depth if args.around else None, "nodes": len(hood.nodes),
                    "edges": len(hood.edges), "truncated": hood.truncated,
                    "inputs": [g.tensor_name(r) for r in hood.inputs],
                    "outputs": [g.tensor_name(r) for r in hood.outputs]})
    elif written:
        more = f" ({hood.truncated} more not drawn)" if hood.truncated else ""
        sys.stderr.write(f"wrote {written}: {len(hood.nodes)} nodes, {len(hood.edges)} edges{more}\n")
    return 0
