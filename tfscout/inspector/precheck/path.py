"""What tf2onnx sees of a graph once it has cut, pruned, frozen and folded it, before its handlers run.

tf2onnx puts a placeholder at every input tensor, keeps the data ancestors of the outputs (control
edges are dropped when it reads the graph), turns variables into constants, and folds every node
whose inputs are all constant except the kinds :mod:`.rewrites` lists. The nodes
left over are the ones that meet a handler. No TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfscout.inspector.graph import Graph, GraphAnalysis, TensorRef, default_op_table
from tfscout.inspector.precheck import rewrites


@dataclass
class PathModel:
    """The nodes tf2onnx sees between the inputs and the outputs, after freezing and folding."""

    subgraph: set[int]
    constant: set[int]
    live: list[int]  # in the subgraph, needed by the outputs, and not folded: these meet handlers
    output_nodes: set[int]


def conversion_subgraph(g: Graph, inputs: list[TensorRef], outputs: list[TensorRef]) -> set[int]:
    """Data ancestors of the outputs; an input tensor is a cut (tf2onnx puts a placeholder there)."""
    cut = set(inputs)
    return g.ancestors([r.node for r in outputs if r not in cut], cut=cut)


def _shape_is_constant(a: GraphAnalysis, i: int) -> bool:
    """Grappler turns Shape/Size/Rank into constants when the static shape of the input is known."""
    g = a.graph
    refs = [TensorRef(s, p) for s, p in g.inputs[i]]
    if not refs:
        return False
    for ref in refs:
        shape = a.shapes.shape(ref)
        if shape is None:
            return False
        if g.ops[i] != "Rank" and any(d < 0 for d in shape):
            return False
    return True


def fold_constants(a: GraphAnalysis, nodes: set[int], inputs: list[TensorRef], outputs: list[TensorRef],
                   fixed: set[int]) -> set[int]:
    """The nodes of ``nodes`` that are constants once tf2onnx has frozen and folded the graph."""
    g = a.graph
    cut = set(inputs)
    output_nodes = {r.node for r in outputs}
    const: set[int] = set()
    for i in g.topological_order():
        if i not in nodes:
            continue
        op = g.ops[i]
        if i in fixed or op in rewrites.CONST_SOURCE_OPS or op in rewrites.FROZEN_OPS:
            const.add(i)
            continue
        if i in output_nodes:
            continue  # tf2onnx never folds a graph output; grappler preserves fetched nodes
        ins = g.inputs[i]
        if not ins:
            continue
        if op in rewrites.SHAPE_FACT_OPS and _shape_is_constant(a, i):
            const.add(i)
            continue
        if any(src not in const or TensorRef(src, port) in cut for src, port in ins):
            continue
        sig = g.op_table.get(op)
        if sig is None:
            continue  # TensorFlow cannot run what it does not know
        if rewrites.is_foldable_kind(op, g.num_outputs(i), sig.stateful):
            const.add(i)
    return const


def trace_path(a: GraphAnalysis, inputs: list[TensorRef], outputs: list[TensorRef],
               fixed: set[int] | None = None) -> PathModel:
    g = a.graph
    sub = conversion_subgraph(g, inputs, outputs)
    const = fold_constants(a, sub, inputs, outputs, fixed or set())
    cut = set(inputs)
    output_nodes = {r.node for r in outputs if r not in cut}
    # a constant needs none of its inputs
    live = sorted(i for i in g.ancestors(output_nodes, stop=const, cut=cut) if i not in const)
    return PathModel(subgraph=sub, constant=const & sub, live=live, output_nodes=output_nodes)


def reads_variable(g: Graph, i: int) -> bool:
    """Whether the first input of node ``i`` comes from a variable that freezing turns into a constant."""
    seen: set[int] = set()
    while g.inputs[i] and i not in seen:
        seen.add(i)
        src = g.inputs[i][0][0]
        if g.ops[src] in rewrites.FROZEN_OPS:
            return True
        if g.ops[src] not in rewrites.FREEZE_PASS_THROUGH_OPS:
            return False
        i = src
    return False


def load_blockers(g: Graph) -> dict[str, list[str]]:
    """Op types TensorFlow does not register, anywhere in the graph.

    tf2onnx imports the whole file into TensorFlow before it cuts anything, so one such node,
    even far from the path, stops the conversion ("Op type not registered").
    """
    table = default_op_table()
    found: dict[str, list[str]] = {}
    for name, op in zip(g.names, g.ops, strict=True):
        if table.get(op) is None:
            found.setdefault(op, []).append(name)
    return dict(sorted(found.items()))
