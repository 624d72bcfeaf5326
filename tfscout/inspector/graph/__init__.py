"""The graph model: nodes, tensors and edges (:class:`Graph`), the facts derived from them once
(:class:`GraphAnalysis`: roles, shapes, depths), small constant values, op signatures and names.

Above ``load`` (it reads a :class:`~tfscout.inspector.load.ModelSource`), below everything that ranks,
checks or draws.
"""

from __future__ import annotations

from tfscout.inspector.graph.analysis import GraphAnalysis
from tfscout.inspector.graph.functions import (
    function_gradients,
    function_library,
    functions_called,
    named_functions,
)
from tfscout.inspector.graph.graph import MAX_PORT, Graph, TensorRef, split_tensor_name, tensor_name
from tfscout.inspector.graph.inferred import InferredShape, shape_from_consumers
from tfscout.inspector.graph.names import close_matches, has_token, is_auto_name, tokens
from tfscout.inspector.graph.opdefs import OpSignature, OpTable, default_op_table, op_arg_spec
from tfscout.inspector.graph.roles import LABEL_WORDS, LOSS_WORDS, OUTPUT_WORDS, Roles, classify
from tfscout.inspector.graph.tensors import Shape, ShapeInference, const_ints, const_value, scalar_value

__all__ = [
    "LABEL_WORDS", "LOSS_WORDS", "MAX_PORT", "OUTPUT_WORDS", "Graph", "GraphAnalysis",
    "InferredShape", "OpSignature", "OpTable", "Roles", "Shape", "ShapeInference", "TensorRef", "classify",
    "close_matches", "const_ints", "const_value", "default_op_table",
    "function_gradients", "function_library", "functions_called", "has_token", "is_auto_name",
    "named_functions", "op_arg_spec", "scalar_value", "shape_from_consumers", "split_tensor_name",
    "tensor_name", "tokens",
]
