"""The converter: freeze, repair, drive tf2onnx, validate and verify.

Needs TensorFlow, tf2onnx, onnx and onnxruntime; each is imported inside the function that uses it.
"""

from __future__ import annotations
