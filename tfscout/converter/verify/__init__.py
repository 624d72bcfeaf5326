"""Proving an ONNX model: onnx.checker and an onnxruntime session, then onnxruntime's outputs against
TensorFlow's on the same seeded (or given) inputs. onnx, onnxruntime and numpy are imported in the
child processes and functions that need them."""

from __future__ import annotations

from tfscout.converter.verify.compare import compare_one, compare_outputs
from tfscout.converter.verify.feeds import concrete_shape, load_sample, seeded_feeds, shape_for_unknown_rank
from tfscout.converter.verify.onnx_model import describe, structure_of, write_constant_model
from tfscout.converter.verify.validate import OnnxCheck, check_and_compare

__all__ = [
    "OnnxCheck", "check_and_compare", "compare_one", "compare_outputs", "concrete_shape", "describe",
    "load_sample", "seeded_feeds", "shape_for_unknown_rank", "structure_of", "write_constant_model",
]
