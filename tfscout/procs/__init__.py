"""Child processes with time limits and clean kills, for both parts: the converter runs TensorFlow,
tf2onnx and onnxruntime in them, the scan inspects one model per worker. Imports nothing of tfscout
but its errors.
"""

from __future__ import annotations

from tfscout.procs.pool import WorkerPool

__all__ = ["WorkerPool"]
