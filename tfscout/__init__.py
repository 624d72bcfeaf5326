"""tfscout: from an undocumented legacy TensorFlow 1.x model to a verified ONNX file."""

from __future__ import annotations

__version__ = "0.1.0"
