"""The defaults a user can change from the command line, in one place: the commands, their help texts,
the inspector, the converter and the TUI read them from here."""

from __future__ import annotations

# The ONNX opset tfscout targets when none is given (the pre-check may recommend a higher one).
DEFAULT_OPSET = 15

# Time limits, in seconds: each child process of convert, freeze, verify and check --confirm; each model
# of a scan.
DEFAULT_TIMEOUT = 600.0
SCAN_TIMEOUT = 300.0

# How close onnxruntime's outputs must be to TensorFlow's: |onnx - tf| <= atol + rtol * |tf|.
DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-4

# How much of a graph a picture holds (tfscout render, the TUI's export).
DEFAULT_DEPTH = 2
DEFAULT_MAX_NODES = 150
SUBGRAPH_MAX_NODES = 1500
