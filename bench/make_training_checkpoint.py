"""Write a real TF1 training checkpoint of a given size, for benchmarks (needs TensorFlow).

    python bench/make_training_checkpoint.py OUTDIR [--nodes 7500]

A deep CNN written the 2017 way: placeholders for images, labels, keep_prob and is_training,
conv/batch-norm/relu blocks, dropout, a softmax head, a cross-entropy loss, Adam, summaries and a
Saver. Blocks are added until the graph has about ``--nodes`` nodes.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def build(outdir: Path, blocks: int) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    import tensorflow as tf

    v1 = tf.compat.v1
    v1.disable_v2_behavior()
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(0)
        x = v1.placeholder(tf.float32, [None, 32, 32, 3], name="images")
        labels = v1.placeholder(tf.int64, [None], name="labels")
        keep_prob = v1.placeholder(tf.float32, [], name="keep_prob")
        is_training = v1.placeholder_with_default(False, [], name="is_training")
        h = x
        channels = 3
        for i in range(blocks):
            with v1.variable_scope(f"block{i}"):
                w = v1.get_variable("w", [3, 3, channels, 8], initializer=v1.truncated_normal_initializer(stddev=0.1),
                                    use_resource=False)
                h = tf.nn.conv2d(h, w, strides=[1, 1, 1, 1], padding="SAME")
                scale = v1.get_variable("scale", [8], initializer=v1.ones_initializer(), use_resource=False)
                offset = v1.get_variable("offset", [8], initializer=v1.zeros_initializer(), use_resource=False)
                mean = v1.get_variable("moving_mean", [8], initializer=v1.zeros_initializer(), trainable=False,
                                       use_resource=False)
                var = v1.get_variable("moving_variance", [8], initializer=v1.ones_initializer(), trainable=False,
                                      use_resource=False)
                h = tf.cond(is_training,
                            lambda h=h, s=scale, o=offset: v1.nn.fused_batch_norm(h, s, o, is_training=True)[0],
                            lambda h=h, s=scale, o=offset, m=mean, v=var: v1.nn.fused_batch_norm(
                                h, s, o, mean=m, variance=v, is_training=False)[0])
                h = tf.nn.relu(h)
                channels = 8
        flat = tf.reshape(h, [-1, 32 * 32 * 8])
        flat = v1.nn.dropout(flat, keep_prob=keep_prob)
        w_out = v1.get_variable("fc/w", [32 * 32 * 8, 10], use_resource=False)
        logits = tf.matmul(flat, w_out, name="logits")
        probabilities = tf.nn.softmax(logits, name="probabilities")
        loss = tf.reduce_mean(v1.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits),
                              name="loss")
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(probabilities, 1), labels), tf.float32),
                                  name="accuracy")
        global_step = v1.train.get_or_create_global_step()
        train_op = v1.train.AdamOptimizer(1e-3).minimize(loss, global_step=global_step, name="train_op")
        v1.summary.scalar("loss", loss)
        v1.summary.scalar("accuracy", accuracy)
        v1.summary.merge_all()
        saver = v1.train.Saver()
        nodes = len(graph.as_graph_def().node)
        with v1.Session(graph=graph) as sess:
            sess.run(v1.global_variables_initializer())
            rng = np.random.default_rng(0)
            sess.run(train_op, {x: rng.random((2, 32, 32, 3), dtype=np.float32), labels: [1, 2], keep_prob: 0.5})
            outdir.mkdir(parents=True, exist_ok=True)
            saver.save(sess, str(outdir / "model.ckpt"), global_step=global_step)
    return nodes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--nodes", type=int, default=7500)
    args = parser.parse_args(argv)
    per_block = 152  # measured: one block adds about this many nodes (forward, cond, gradients, Adam)
    blocks = max(1, (args.nodes - 150) // per_block)
    nodes = build(args.outdir, blocks)
    print(f"{args.outdir}: {nodes} nodes, {blocks} blocks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
