"""Looking around a graph, for the TUI and the drawings: fuzzy search over names and op types, the
name-scope tree, a node's neighbourhood or the subgraph between inputs and outputs, and node details."""

from __future__ import annotations

from tfscout.inspector.explore.neighbourhood import Edge, Link, Neighbourhood, around, between, link_tree
from tfscout.inspector.explore.nodeinfo import EdgeInfo, NodeInfo, attr_text, describe_node
from tfscout.inspector.explore.scopes import ROOT, ScopeChildren, ScopeIndex, leaf_name, natural_key
from tfscout.inspector.explore.search import TIER_LABELS, NodeSearch, SearchResult

__all__ = [
    "ROOT", "TIER_LABELS", "Edge", "EdgeInfo", "Link", "Neighbourhood", "NodeInfo", "NodeSearch",
    "ScopeChildren", "ScopeIndex", "SearchResult", "around", "attr_text", "between", "describe_node",
    "leaf_name", "link_tree", "natural_key",
]
