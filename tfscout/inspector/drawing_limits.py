"""How much of a graph a picture holds by default (shared by the renderer, the CLI and the TUI)."""

from __future__ import annotations

DEFAULT_DEPTH = 2
DEFAULT_MAX_NODES = 150
SUBGRAPH_MAX_NODES = 1500
