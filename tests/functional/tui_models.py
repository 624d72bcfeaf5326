"""Small models for the TUI tests, built without TensorFlow (tests/graphdefs.py)."""

from __future__ import annotations

import random
from pathlib import Path

from tests.graphdefs import GraphBuilder, classifier

LONG = "inference/network/tower_0/classifier"


def long_path_model(folder: Path) -> Path:
    """Two heads under deep name scopes (both recommended), behind a long chain of dense layers."""
    b = GraphBuilder()
    x = b.placeholder(f"{LONG}/input/images", shape=[-1, 4])
    for k in range(12):
        w = b.const(f"{LONG}/dense_{k}/kernel", [0.1] * 16, shape=[4, 4])
        x = b.op(f"{LONG}/dense_{k}/Relu", "Relu", [b.op(f"{LONG}/dense_{k}/MatMul", "MatMul", [x, w])])
    w1 = b.const(f"{LONG}/head_a/kernel", [0.2] * 12, shape=[4, 3])
    w2 = b.const(f"{LONG}/head_b/kernel", [0.3] * 8, shape=[4, 2])
    b.op(f"{LONG}/head_a/probabilities", "Softmax", [b.op(f"{LONG}/head_a/logits", "MatMul", [x, w1])])
    b.op(f"{LONG}/head_b/probabilities", "Softmax", [b.op(f"{LONG}/head_b/logits", "MatMul", [x, w2])])
    return b.write(folder / "long_path.pb")


def print_model(folder: Path) -> Path:
    """A Print on the path: tf2onnx cannot convert it, tfscout convert bypasses it."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    shown = b.op("debug/Print", "Print", [x, x])
    b.op("probabilities", "Softmax", [classifier(b, shown)])
    return b.write(folder / "print.pb")


def blocked_model(folder: Path) -> Path:
    """An op no converter handles on the path (Lgamma)."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    b.op("probabilities", "Softmax", [classifier(b, b.op("lgamma", "Lgamma", [x]))])
    return b.write(folder / "blocked.pb")


def anchored_head_model(folder: Path, blocks: int = 6) -> Path:
    """Dense blocks and a softmax head that only a control dependency waits on: no output stands out."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 4])
    for k in range(blocks):
        w = b.const(f"dense_{k}/kernel", [0.1] * 16, shape=[4, 4])
        x = b.op(f"dense_{k}/Relu", "Relu", [b.op(f"dense_{k}/MatMul", "MatMul", [x, w])])
    b.op("head/Softmax", "Softmax", [x])
    b.op("train/group", "NoOp", ["^head/Softmax"], t=None)
    return b.write(folder / "anchored.pb")


def random_bytes(folder: Path, seed: int = 14) -> Path:
    """Bytes that are no model (seeded: some random bytes begin like a GraphDef)."""
    path = folder / "random.pb"
    path.write_bytes(random.Random(seed).randbytes(4096))
    return path
