"""Build the bundled sample legacy models.

    python -m tfscout.samples.build_samples [OUTDIR]

OUTDIR defaults to the folder of the ``tfscout.samples`` package. The script writes:

- ``cnn_checkpoint/``: ``checkpoint`` plus ``model.ckpt-<step>.meta/.index/.data-00000-of-00001``,
  a small CNN classifier left the way a 2017-era TF1 training script left it: ``x``, ``labels``
  and ``keep_prob`` placeholders, dropout, loss, accuracy, a global step, an Adam ``train_op``,
  scalar summaries merged with ``merge_all`` and a ``tf.train.Saver``.
- ``cnn_frozen.pb``: the same model frozen with ``graph_util.convert_variables_to_constants`` on
  ``probabilities``; ``keep_prob`` stays a placeholder, as it did for most frozen models of that era.
- ``cnn_reference.npz``: a seeded input batch (``x``) and the frozen graph's ``probabilities`` for
  it at ``keep_prob = 1.0``.

Only ``tf.compat.v1`` graph-mode ops are used (no Keras), with reference variables
(``VariableV2``) as TF1 created them. Graph-level and op-level seeds are fixed and TensorFlow
runs single-threaded with deterministic ops, so a rebuild gives the same numbers on the same
TensorFlow build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEED = 2017
IMAGE_SIZE = 28
NUM_CLASSES = 10
CONV1_FILTERS = 8
CONV2_FILTERS = 16
DENSE_UNITS = 64
TRAIN_STEPS = 40
BATCH_SIZE = 50
LEARNING_RATE = 1e-3
TRAIN_KEEP_PROB = 0.5
REFERENCE_BATCH = 4
REFERENCE_SEED = 4242

CHECKPOINT_DIR = "cnn_checkpoint"
CHECKPOINT_PREFIX = "model.ckpt"
FROZEN_PB = "cnn_frozen.pb"
REFERENCE_NPZ = "cnn_reference.npz"
OUTPUT_NODE = "probabilities"


@dataclass
class TrainingGraph:
    """The tensors and ops of the training graph that the build script feeds or runs."""

    x: Any
    labels: Any
    keep_prob: Any
    probabilities: Any
    loss: Any
    accuracy: Any
    global_step: Any
    train_op: Any
    summaries: Any
    init: Any
    saver: Any


class SyntheticDigits:
    """Deterministic 28x28x1 images: one fixed random prototype per class plus noise."""

    def __init__(self, seed: int) -> None:
        import numpy as np

        self._rng = np.random.RandomState(seed)
        prototypes = np.random.RandomState(SEED).rand(NUM_CLASSES, IMAGE_SIZE, IMAGE_SIZE, 1)
        self._prototypes = (prototypes > 0.7).astype(np.float32)

    def batch(self, size: int) -> tuple[Any, Any]:
        import numpy as np

        labels = self._rng.randint(0, NUM_CLASSES, size=size).astype(np.int64)
        noise = self._rng.normal(0.0, 0.3, size=(size, IMAGE_SIZE, IMAGE_SIZE, 1)).astype(np.float32)
        images = np.clip(self._prototypes[labels] + noise, 0.0, 1.0).astype(np.float32)
        return images, labels


def _weight(shape: list[int], seed: int, name: str) -> Any:
    import tensorflow as tf

    initial = tf.random.truncated_normal(shape, stddev=0.1, seed=seed)
    return tf.compat.v1.Variable(initial, name=name, use_resource=False)


def _bias(shape: list[int], name: str) -> Any:
    import tensorflow as tf

    return tf.compat.v1.Variable(tf.constant(0.1, shape=shape), name=name, use_resource=False)


def _conv_pool(inputs: Any, in_channels: int, out_channels: int, seed: int, scope: str) -> Any:
    import tensorflow as tf

    with tf.compat.v1.name_scope(scope):
        weights = _weight([5, 5, in_channels, out_channels], seed, "weights")
        biases = _bias([out_channels], "biases")
        conv = tf.nn.conv2d(inputs, weights, strides=[1, 1, 1, 1], padding="SAME")
        hidden = tf.nn.relu(conv + biases)
        return tf.nn.max_pool2d(hidden, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def build_training_graph() -> TrainingGraph:
    """Build the classifier in the current default graph, as a TF1 training script did."""
    import tensorflow as tf

    v1 = tf.compat.v1
    v1.set_random_seed(SEED)
    x = v1.placeholder(tf.float32, [None, IMAGE_SIZE, IMAGE_SIZE, 1], name="x")
    labels = v1.placeholder(tf.int64, [None], name="labels")
    keep_prob = v1.placeholder(tf.float32, [], name="keep_prob")

    pool1 = _conv_pool(x, 1, CONV1_FILTERS, SEED + 1, "conv1")
    pool2 = _conv_pool(pool1, CONV1_FILTERS, CONV2_FILTERS, SEED + 2, "conv2")
    flat_size = (IMAGE_SIZE // 4) * (IMAGE_SIZE // 4) * CONV2_FILTERS
    with v1.name_scope("fc1"):
        weights = _weight([flat_size, DENSE_UNITS], SEED + 3, "weights")
        biases = _bias([DENSE_UNITS], "biases")
        flat = tf.reshape(pool2, [-1, flat_size])
        fc1 = tf.nn.relu(tf.matmul(flat, weights) + biases)
    dropped = v1.nn.dropout(fc1, keep_prob=keep_prob, seed=SEED + 4)
    with v1.name_scope("output"):
        weights = _weight([DENSE_UNITS, NUM_CLASSES], SEED + 5, "weights")
        biases = _bias([NUM_CLASSES], "biases")
    logits = tf.add(tf.matmul(dropped, weights), biases, name="logits")
    probabilities = tf.nn.softmax(logits, name=OUTPUT_NODE)

    with v1.name_scope("metrics"):
        correct = tf.equal(tf.argmax(logits, 1), labels)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy")
    cross_entropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    loss = tf.reduce_mean(cross_entropy, name="loss")

    global_step = v1.Variable(0, name="global_step", trainable=False, dtype=tf.int64, use_resource=False)
    v1.add_to_collection(v1.GraphKeys.GLOBAL_STEP, global_step)
    train_op = v1.train.AdamOptimizer(LEARNING_RATE).minimize(
        loss, global_step=global_step, name="train_op"
    )
    v1.summary.scalar("loss", loss)
    v1.summary.scalar("accuracy", accuracy)
    summaries = v1.summary.merge_all()
    init = v1.global_variables_initializer()
    saver = v1.train.Saver(max_to_keep=5, save_relative_paths=True)
    return TrainingGraph(
        x=x,
        labels=labels,
        keep_prob=keep_prob,
        probabilities=probabilities,
        loss=loss,
        accuracy=accuracy,
        global_step=global_step,
        train_op=train_op,
        summaries=summaries,
        init=init,
        saver=saver,
    )


def _session_config() -> Any:
    import tensorflow as tf

    return tf.compat.v1.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)


def _train(sess: Any, graph: TrainingGraph, steps: int) -> tuple[float, float]:
    data = SyntheticDigits(SEED)
    loss = accuracy = float("nan")
    for _ in range(steps):
        images, labels = data.batch(BATCH_SIZE)
        feed = {graph.x: images, graph.labels: labels, graph.keep_prob: TRAIN_KEEP_PROB}
        _, _, loss, accuracy = sess.run([graph.train_op, graph.summaries, graph.loss, graph.accuracy], feed)
    return float(loss), float(accuracy)


def _reset_checkpoint_dir(directory: Path) -> None:
    if directory.is_dir():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)


def _frozen_probabilities(frozen_pb: Path, images: Any) -> Any:
    import tensorflow as tf

    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(frozen_pb.read_bytes())
    with tf.Graph().as_default() as graph:
        tf.compat.v1.import_graph_def(graph_def, name="")
        with tf.compat.v1.Session(graph=graph, config=_session_config()) as sess:
            return sess.run(f"{OUTPUT_NODE}:0", {"x:0": images, "keep_prob:0": 1.0})


def build(outdir: Path) -> dict[str, Path]:
    """Train the sample CNN and write the checkpoint, the frozen graph and the reference data."""
    import numpy as np
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    outdir.mkdir(parents=True, exist_ok=True)
    checkpoint_dir = outdir / CHECKPOINT_DIR
    _reset_checkpoint_dir(checkpoint_dir)
    frozen_pb = outdir / FROZEN_PB
    with tf.Graph().as_default() as graph:
        model = build_training_graph()
        with tf.compat.v1.Session(graph=graph, config=_session_config()) as sess:
            sess.run(model.init)
            loss, accuracy = _train(sess, model, TRAIN_STEPS)
            step = int(sess.run(model.global_step))
            prefix = model.saver.save(sess, str(checkpoint_dir / CHECKPOINT_PREFIX), global_step=step)
            frozen = tf.compat.v1.graph_util.convert_variables_to_constants(
                sess, graph.as_graph_def(), [OUTPUT_NODE]
            )
    frozen_pb.write_bytes(frozen.SerializeToString(deterministic=True))
    print(f"trained {step} steps: loss {loss:.4f}, batch accuracy {accuracy:.2f}")

    images, _ = SyntheticDigits(REFERENCE_SEED).batch(REFERENCE_BATCH)
    reference_npz = outdir / REFERENCE_NPZ
    np.savez(reference_npz, x=images, probabilities=_frozen_probabilities(frozen_pb, images))
    return {"checkpoint": Path(prefix), "frozen": frozen_pb, "reference": reference_npz}


def _default_outdir() -> Path:
    from tfscout.samples import samples_dir

    return samples_dir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tfscout.samples.build_samples", description="Build the bundled sample legacy models."
    )
    parser.add_argument("outdir", nargs="?", type=Path, help="where to write the samples (default: the package folder)")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    outdir = args.outdir if args.outdir is not None else _default_outdir()
    for kind, path in build(outdir).items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
