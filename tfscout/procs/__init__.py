"""Child processes with time limits and clean kills, for both parts: the converter runs TensorFlow,
tf2onnx and onnxruntime in them (:func:`run_command`, :func:`run_function`), the scan inspects one
model per worker (:class:`WorkerPool`). Each child runs in a process group of its own, killed as a
whole. Imports nothing of tfscout but its errors.
"""

from __future__ import annotations

from tfscout.procs.children import SANDBOX_ENV, child_env, kill_group, load_target, signal_name
from tfscout.procs.pool import WorkerPool
from tfscout.procs.run import CompletedRun, run_command, run_function

__all__ = [
    "SANDBOX_ENV", "CompletedRun", "WorkerPool", "child_env", "kill_group", "load_target", "run_command", "run_function",
    "signal_name",
]
