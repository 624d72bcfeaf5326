"""The defaults a user can change from the command line, in one place: the commands, their help texts,
the inspector, the converter and the TUI read them from here."""

from __future__ import annotations

# How much of a graph a picture holds (tfscout render, the TUI's export).
DEFAULT_DEPTH = 2
DEFAULT_MAX_NODES = 150
SUBGRAPH_MAX_NODES = 1500
