"""Small bundled legacy TensorFlow 1.x models, rebuilt by ``python -m tfscout.samples.build_samples``.

Only paths are handed out here; reading the files is up to the caller.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["checkpoint_dir", "frozen_pb", "reference_npz", "samples_dir"]


def samples_dir() -> Path:
    """The folder holding the bundled samples."""
    return Path(str(files("tfscout.samples")))


def checkpoint_dir() -> Path:
    """The training checkpoint folder: ``checkpoint`` and ``model.ckpt-<step>.meta/.index/.data-*``."""
    return samples_dir() / "cnn_checkpoint"


def frozen_pb() -> Path:
    """The frozen inference GraphDef of the same model (``keep_prob`` still a placeholder)."""
    return samples_dir() / "cnn_frozen.pb"


def reference_npz() -> Path:
    """A seeded input batch (``x``) and the frozen graph's ``probabilities`` at ``keep_prob = 1.0``."""
    return samples_dir() / "cnn_reference.npz"
