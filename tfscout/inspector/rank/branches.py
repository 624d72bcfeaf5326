"""Side branches: in a graph nobody pruned to its outputs, a short raw head that leaves the trunk early (an
Inception auxiliary classifier built at inference too) is not what the author fetched.

Where two sinks part is the tensor every path from the inputs to both of them passes through: their lowest
common immediate dominator, from a virtual source that feeds every data input (networkx's
``immediate_dominators``). A sink that is a layer's own output is a side branch when its branch from there has
fewer layers (matrix products, convolutions) than another sink's of the same shape (an auxiliary classifier
predicts what the main one does, earlier), or less than half as many as any other's. Frozen graphs are left
alone: freezing kept only what was fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis, TensorRef

if TYPE_CHECKING:
    from tfscout.inspector.rank.heads import Head

_MAX_SINKS = 32
_MAX_NODES = 200_000
_MIN_TRUNK_LAYERS = 2
_SOURCE = -1


def layer_depth(a: GraphAnalysis) -> list[int]:
    """The most layers (matrix products, convolutions) on a path from a source to each node."""
    g = a.graph
    out = [0] * len(g)
    for i in g.topological_order():
        best = 0
        for src, _p in g.inputs[i]:
            if not g.is_back_edge(src) and out[src] > best:
                best = out[src]
        out[i] = best + (1 if g.ops[i] in optypes.LAYER_OPS else 0)
    return out


def unpruned(a: GraphAnalysis) -> bool:
    """Was the graph left as its code built it (variables, or training), not pruned to its outputs by freezing?"""
    g, roles = a.graph, a.roles
    return roles.is_training_graph or any(g.ops[w] in optypes.VARIABLE_OPS for w in roles.weights)


def _layer_output(a: GraphAnalysis, i: int) -> bool:
    g, entries = a.graph, a.roles.entries
    for _ in range(8):
        if i in entries:
            return True
        if g.ops[i] not in optypes.VIEW_OPS or not g.inputs[i]:
            return False
        i = g.inputs[i][0][0]
    return False


def _dominator_chains(a: GraphAnalysis, sinks: list[int]) -> dict[int, list[int]] | None:
    import networkx as nx

    g = a.graph
    reach = a.value_reach
    nodes = {i for i in g.ancestors(sinks) if i in reach}
    if len(nodes) > _MAX_NODES:
        return None
    dag = nx.DiGraph()
    dag.add_node(_SOURCE)
    for i in nodes:
        for src, _port in g.inputs[i]:
            if src in nodes and not g.is_back_edge(src):
                dag.add_edge(src, i)
    for s in a.data_sources:
        if s in nodes:
            dag.add_edge(_SOURCE, s)
    idom = nx.immediate_dominators(dag, _SOURCE)
    chains = {}
    for s in sinks:
        chain = [s]
        while chain[-1] != _SOURCE and chain[-1] in idom and idom[chain[-1]] != chain[-1]:
            chain.append(idom[chain[-1]])
        chains[s] = chain
    return chains


def side_branches(a: GraphAnalysis, free: Sequence[Head]) -> set[int]:
    sinks = sorted({h.node for h in free})
    if len(sinks) < 2 or len(sinks) > _MAX_SINKS or not unpruned(a):
        return set()
    candidates = [s for s in sinks if _layer_output(a, s)]
    if not candidates:
        return set()
    chains = _dominator_chains(a, sinks)
    if chains is None:
        return set()
    depth = layer_depth(a)
    shapes = {s: a.shapes.shape(TensorRef(s, 0)) for s in sinks}
    out = set()
    for s in candidates:
        mine = chains[s]
        for other in sinks:
            if other == s:
                continue
            theirs = set(chains[other])
            branch = next((d for d in mine if d in theirs), _SOURCE)
            if branch == _SOURCE:
                continue
            own, trunk = depth[s] - depth[branch], depth[other] - depth[branch]
            if trunk < _MIN_TRUNK_LAYERS:
                continue
            same = shapes[s] is not None and shapes[s] == shapes[other]
            if 2 * own < trunk or (same and own < trunk):
                out.add(s)
                break
    return out
