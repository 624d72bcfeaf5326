"""Graph surgery on a copy of the model, before tf2onnx: cut at the inputs, mode switches to constants and
their dead branches removed, training mode to inference mode, debug ops bypassed, pruning, variables
frozen with the checkpoint's values; and, for tf2onnx only, polyfills of the ops it lacks. Each pass is a
reported step. Only freezing needs TensorFlow (its checkpoint reader), imported where it is used.
"""

from __future__ import annotations

from tfscout.converter.surgery.graphedit import GraphEdit, as_identity, node_of, tensor_key
from tfscout.converter.surgery.inference import repair_graph
from tfscout.converter.surgery.polyfills import POLYFILLS, apply_polyfills
from tfscout.converter.surgery.repairs import SurgeryLog, convert_fix, cut_inputs
from tfscout.converter.surgery.tables import constant_tables
from tfscout.converter.surgery.variables import (
    CheckpointValues,
    checkpoint_prefix_for,
    freeze_variables,
    saver_keys,
)

__all__ = [
    "POLYFILLS", "CheckpointValues", "GraphEdit", "SurgeryLog", "apply_polyfills", "as_identity",
    "checkpoint_prefix_for", "constant_tables", "convert_fix", "cut_inputs", "freeze_variables", "node_of",
    "repair_graph", "saver_keys", "tensor_key",
]
