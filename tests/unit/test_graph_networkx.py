"""Graph.to_networkx(): the graph for users' own scripts."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from tests.graphdefs import GraphBuilder, classifier
from tfscout.inspector import load_source
from tfscout.inspector.graph import Graph


def test_to_networkx_has_every_node_and_edge(tmp_path: Path) -> None:
    b = GraphBuilder()
    logits = classifier(b, b.placeholder("x", shape=[-1, 4]))
    b.op("probs", "Softmax", [logits])
    b.op("init", "NoOp", ["^probs"], t=None)
    graph = Graph(load_source(b.write(tmp_path / "g.pb")).graph_def)
    dg = graph.to_networkx()
    assert set(dg.nodes) == set(graph.names)
    assert dg.nodes["probs"]["op"] == "Softmax"
    data = [(u, v, d["dst_slot"]) for u, v, d in dg.edges(data=True) if not d["control"]]
    assert ("logits", "probs", 0) in data and ("w2", "logits", 1) in data
    assert [(u, v) for u, v, d in dg.edges(data=True) if d["control"]] == [("probs", "init")]
    assert nx.has_path(dg, "x", "probs") and not nx.has_path(dg, "probs", "x")
    assert graph.to_networkx(control=False).number_of_edges() == len(data)
