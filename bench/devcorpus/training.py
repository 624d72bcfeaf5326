"""The training machinery around a model, as TF1 scripts wrote it: labels, losses, optimizers, metrics, summaries.

Each helper draws its variant from the graph's RNG (``Case.rng``): sparse or one-hot labels; the loss
through ``sparse_softmax_cross_entropy_with_logits``, the deprecated ``softmax_cross_entropy_with_logits``
(its shape arithmetic included), ``tf.losses`` or the tutorial's ``-reduce_sum(y_ * log(y))``; weight
decay; GradientDescent / Momentum / Adam / RMSProp / Adagrad with a global step and a constant, decayed or
fed learning rate; accuracy as ``ArgMax == labels -> Mean`` or ``tf.metrics.accuracy``; scalar, histogram
and ``zero_fraction`` summaries merged with ``merge_all``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.naming import Namer


@dataclass
class Labels:
    """A label placeholder and how it is encoded."""

    tensor: Tensor
    sparse: bool
    classes: int


@dataclass
class Training:
    """What the training tail added: the loss, the train op, feeds only training uses, metrics."""

    loss: Tensor
    train_op: Any
    feeds: list[Tensor] = field(default_factory=list)
    accuracy: Tensor | None = None


def label_placeholder(names: Namer, classes: int, sparse: bool | None = None, rank: int = 1) -> Labels:
    rng = names.rng
    sparse = rng.random() < 0.6 if sparse is None else sparse
    shape: list[int | None] = [None] * rank
    if sparse:
        t = v1.placeholder(rng.choice((tf.int64, tf.int32, tf.int64)), shape, name=names("label"))
    else:
        t = v1.placeholder(tf.float32, [*shape, classes], name=names("label"))
    return Labels(t, sparse, classes)


def classification_loss(names: Namer, logits: Tensor, probs: Tensor | None, labels: Labels,
                        layers: Layers | None = None) -> Tensor:
    rng = names.rng
    if labels.sparse:
        kind = rng.choice(("sparse", "sparse", "losses_sparse"))
    else:
        kind = rng.choice(("softmax_v1", "softmax_v1", "softmax_v2", "losses") + (("tutorial",) if probs is not None else ()))
    if kind == "sparse":
        per_example = v1.nn.sparse_softmax_cross_entropy_with_logits(labels=labels.tensor, logits=logits)
        loss = tf.reduce_mean(per_example)
    elif kind == "losses_sparse":
        loss = v1.losses.sparse_softmax_cross_entropy(labels=labels.tensor, logits=logits)
    elif kind == "softmax_v1":
        loss = tf.reduce_mean(v1.nn.softmax_cross_entropy_with_logits(labels=labels.tensor, logits=logits))
    elif kind == "softmax_v2":
        loss = tf.reduce_mean(v1.nn.softmax_cross_entropy_with_logits_v2(labels=labels.tensor, logits=logits))
    elif kind == "losses":
        loss = v1.losses.softmax_cross_entropy(onehot_labels=labels.tensor, logits=logits)
    else:
        assert probs is not None
        loss = tf.reduce_mean(-tf.reduce_sum(labels.tensor * v1.log(probs + 1e-10), axis=[1]))
    return weight_decay(names, loss, layers)


def weight_decay(names: Namer, loss: Tensor, layers: Layers | None) -> Tensor:
    if layers is not None and layers.weights and names.rng.random() < 0.3:
        loss = loss + 5e-4 * tf.add_n([tf.nn.l2_loss(w) for w in layers.weights])
    return tf.identity(loss, name=names("loss"))


def regression_loss(names: Namer, pred: Tensor, target: Tensor) -> Tensor:
    kind = names.rng.choice(("mse", "mse", "losses", "abs"))
    if kind == "mse":
        loss = tf.reduce_mean(tf.square(pred - target))
    elif kind == "losses":
        loss = v1.losses.mean_squared_error(target, pred)
    else:
        loss = tf.reduce_mean(tf.abs(pred - target))
    return tf.identity(loss, name=names("loss"))


def minimize(names: Namer, loss: Tensor, var_list: list[Tensor] | None = None,
             global_step: Tensor | None = None, fed_lr: bool | None = None) -> Training:
    """An optimizer step on ``loss`` (after UPDATE_OPS when there are any)."""
    rng = names.rng
    feeds: list[Tensor] = []
    if global_step is None and rng.random() < 0.75:
        global_step = (v1.train.get_or_create_global_step() if rng.random() < 0.5
                       else v1.Variable(0, trainable=False, name="global_step", use_resource=False))
    fed_lr = rng.random() < 0.2 if fed_lr is None else fed_lr
    if fed_lr:
        lr: Any = v1.placeholder(tf.float32, [], name=names("lr"))
        feeds.append(lr)
    elif global_step is not None and rng.random() < 0.4:
        lr = v1.train.exponential_decay(0.01, global_step, 1000, 0.96, staircase=True)
    else:
        lr = rng.choice((0.1, 0.01, 1e-3, 1e-4, 0.5))
    kind = rng.choice(("gd", "adam", "adam", "momentum", "rmsprop", "adagrad"))
    optimizer = {
        "gd": lambda: v1.train.GradientDescentOptimizer(lr),
        "adam": lambda: v1.train.AdamOptimizer(lr),
        "momentum": lambda: v1.train.MomentumOptimizer(lr, 0.9),
        "rmsprop": lambda: v1.train.RMSPropOptimizer(lr),
        "adagrad": lambda: v1.train.AdagradOptimizer(lr),
    }[kind]()
    updates = v1.get_collection(v1.GraphKeys.UPDATE_OPS)
    with tf.control_dependencies(updates):
        train_op = optimizer.minimize(loss, global_step=global_step, var_list=var_list, name=names("train_op"))
    return Training(loss, train_op, feeds)


def accuracy(names: Namer, scores: Tensor, labels: Labels) -> Tensor:
    """``ArgMax(scores) == labels -> Mean``, or the streaming ``tf.metrics.accuracy``; ``scores`` may be the
    probabilities or the logits."""
    rng = names.rng
    predicted = tf.argmax(scores, 1)
    truth = tf.cast(labels.tensor, tf.int64) if labels.sparse else tf.argmax(labels.tensor, 1)
    if rng.random() < 0.25:
        value, _update = v1.metrics.accuracy(labels=truth, predictions=predicted)
        return value
    correct = tf.equal(predicted, truth)
    return tf.reduce_mean(tf.cast(correct, tf.float32), name=names("accuracy"))


def summaries(names: Namer, scalars: list[Tensor], layers: Layers | None = None, images: Tensor | None = None,
              style: str | None = None) -> Tensor | None:
    """Summaries of the kinds scripts wrote, merged with ``merge_all``; ``None`` when the graph has none."""
    rng = names.rng
    style = style or rng.choice(("none", "scalars", "scalars", "histograms", "zero_fraction", "variable_summaries"))
    if style == "none":
        return None
    for s in scalars:
        v1.summary.scalar(s.op.name.replace("/", "_"), s)
    if layers is not None and style == "histograms":
        for i, w in enumerate(layers.weights):
            v1.summary.histogram(f"weights_{i}", w)
        for i, a in enumerate(layers.activations):
            v1.summary.histogram(f"activations_{i}", a)
    if layers is not None and style == "zero_fraction":
        for i, a in enumerate(layers.activations):
            v1.summary.histogram(f"layer{i}/activations", a)
            v1.summary.scalar(f"layer{i}/sparsity", tf.nn.zero_fraction(a))
    if layers is not None and style == "variable_summaries":
        for i, w in enumerate(layers.weights):
            variable_summaries(w, f"layer{i + 1}")
    if images is not None and len(images.shape) == 4 and int(images.shape[-1]) in (1, 3):
        v1.summary.image("input", images, max_outputs=3)
    return v1.summary.merge_all()


def variable_summaries(var: Tensor, scope: str) -> None:
    """The TensorBoard tutorial's ``variable_summaries``: mean, stddev, max, min and a histogram."""
    with v1.name_scope(scope), v1.name_scope("summaries"):
        mean = tf.reduce_mean(var)
        v1.summary.scalar("mean", mean)
        with v1.name_scope("stddev"):
            stddev = tf.sqrt(tf.reduce_mean(tf.square(var - mean)))
        v1.summary.scalar("stddev", stddev)
        v1.summary.scalar("max", tf.reduce_max(var))
        v1.summary.scalar("min", tf.reduce_min(var))
        v1.summary.histogram("histogram", var)
