"""Proving an ONNX model: onnx.checker and an onnxruntime session, then onnxruntime's outputs against
TensorFlow's on the same seeded (or given) samples; where they part, the first tensor that differs; and
the latency of both. onnx, onnxruntime and numpy are imported in the child processes and functions that
need them."""

from __future__ import annotations

from tfscout.converter.verify.compare import compare_one, compare_outputs
from tfscout.converter.verify.divergence import find_divergence
from tfscout.converter.verify.examples import ParsedInputs
from tfscout.converter.verify.feeds import Draw, concrete_shape, load_sample, seeded_feeds
from tfscout.converter.verify.onnx_model import describe, structure_of, write_constant_model
from tfscout.converter.verify.reference import run_reference
from tfscout.converter.verify.validate import OnnxCheck, check_and_compare

__all__ = [
    "Draw", "OnnxCheck", "ParsedInputs", "check_and_compare", "compare_one", "compare_outputs", "concrete_shape", "describe",
    "find_divergence", "load_sample", "run_reference", "seeded_feeds", "structure_of", "write_constant_model",
]
