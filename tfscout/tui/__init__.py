"""The terminal UI: explore a graph, choose its inputs and outputs, convert and verify (Textual)."""
