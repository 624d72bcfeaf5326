"""Pieces several families share: a new graph, the model's scopes, heads with their training tails, switches."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.training import (
    Labels,
    accuracy,
    classification_loss,
    label_placeholder,
    minimize,
    regression_loss,
    summaries,
    weight_decay,
)
from bench.devcorpus.writers import Case

DROPOUTS = ("none", "legacy", "keep", "rate", "cond")


@contextlib.contextmanager
def new_graph(case: Case) -> Iterator[Any]:
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(case.seed % 2**31)
        yield graph


@contextlib.contextmanager
def model_scope(layers: Layers, scopes: list[str] | None = None) -> Iterator[list[str]]:
    """Open the model's scopes (none, ``model/``, ``tower_0/``, ``net/block3/unit_2/`` ...)."""
    scopes = layers.names.scopes() if scopes is None else scopes
    with contextlib.ExitStack() as stack:
        for s in scopes:
            stack.enter_context(layers.scope(s))
        yield scopes


@dataclass
class Switch:
    """A mode switch: the placeholder the dropout or batch norm reads, and its value at inference."""

    kind: str
    tensor: Tensor | None = None
    value: bool | float | None = None

    def add_to(self, switches: dict[Tensor, Any]) -> None:
        if self.tensor is not None and self.value is not None:
            switches[self.tensor] = self.value


def dropout_switch(case: Case, kind: str | None = None, default: bool | None = None) -> Switch:
    """A dropout control of ``kind`` (legacy/keep: keep_prob 1.0; rate: 0.0; cond: is_training False),
    a plain placeholder or (``default``) a PlaceholderWithDefault."""
    nm = case.names
    kind = kind or case.pick(DROPOUTS)
    if kind == "none":
        return Switch(kind)
    with_default = case.chance(0.25) if default is None else default
    if kind == "cond":
        name = nm("is_training")
        t = (v1.placeholder_with_default(False, [], name=name) if with_default
             else v1.placeholder(tf.bool, [] if case.chance(0.7) else None, name=name))
        return Switch(kind, t, False)
    value = 0.0 if kind == "rate" else 1.0
    name = nm("rate") if kind == "rate" else nm("keep_prob")
    if with_default:
        t = v1.placeholder_with_default(value, [], name=name)
    else:
        t = v1.placeholder(tf.float32, [] if case.chance(0.6) else None, name=name)
    return Switch(kind, t, value)


def training_switch(case: Case, default: bool | None = None) -> Tensor:
    nm = case.names
    with_default = case.chance(0.3) if default is None else default
    if with_default:
        return v1.placeholder_with_default(False, [], name=nm("is_training"))
    return v1.placeholder(tf.bool, [] if case.chance(0.8) else None, name=nm("is_training"))


@dataclass
class Head:
    """What a head gives the author (``outputs``) and what training added around it."""

    logits: Tensor
    outputs: list[Tensor]
    extra: list[Tensor] = field(default_factory=list)
    labels: list[Tensor] = field(default_factory=list)
    loss: Tensor | None = None
    scalars: list[Tensor] = field(default_factory=list)
    train_op: Any = None


def classifier(case: Case, layers: Layers, h: Tensor, classes: int, kind: str, train: bool = True,
               scope: str | None = None, labels: Labels | None = None, metric: bool | None = None) -> Head:
    """A head of ``kind`` softmax (the author fetches the probabilities), logits (no activation: the
    author fetches the logits) or sigmoid (multi-label); with a loss, optimizer and metric when ``train``."""
    nm = case.names
    last = nm("logits") if kind == "logits" else (nm("logits") if case.chance(0.5) else None)
    logits = layers.dense(h, classes, None, scope=scope or nm("head"), out_name=last)
    probs = None
    if kind == "softmax":
        probs = tf.nn.softmax(logits, name=nm("probs"))
    elif kind == "sigmoid":
        probs = tf.sigmoid(logits, name=nm("probs"))
    head = Head(logits, [probs if probs is not None else logits], extra=[logits] if probs is not None else [])
    if not train:
        return head
    if kind == "sigmoid":
        target = v1.placeholder(tf.float32, [None, classes], name=nm("label"))
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=logits))
        head.loss = weight_decay(nm, loss, layers)
        head.labels = [target]
        if metric if metric is not None else case.chance(0.5):
            hits = tf.equal(tf.round(probs), target)
            head.scalars.append(tf.reduce_mean(tf.cast(hits, tf.float32), name=nm("accuracy")))
    else:
        labels = labels or label_placeholder(nm, classes)
        head.loss = classification_loss(nm, logits, probs, labels, layers)
        head.labels = [labels.tensor]
        if metric if metric is not None else case.chance(0.6):
            head.scalars.append(accuracy(nm, probs if probs is not None and case.chance(0.6) else logits, labels))
    head.scalars.insert(0, head.loss)
    return head


def regressor(case: Case, layers: Layers, h: Tensor, units: int, train: bool = True, scope: str | None = None) -> Head:
    nm = case.names
    pred = layers.dense(h, units, None, scope=scope or nm("head"), out_name=nm("regression"))
    head = Head(pred, [pred])
    if train:
        target = v1.placeholder(tf.float32, [None, units], name=nm("label"))
        head.loss = regression_loss(nm, pred, target)
        head.labels = [target]
        head.scalars = [head.loss]
    return head


def train(case: Case, head: Head, layers: Layers | None, images: Tensor | None = None,
          var_list: list[Tensor] | None = None) -> Head:
    """The optimizer step and the summaries after a head's loss; fed learning rates join the labels."""
    if head.loss is None:
        return head
    training = minimize(case.names, head.loss, var_list=var_list)
    head.train_op = training.train_op
    head.labels = [*head.labels, *training.feeds]
    summaries(case.names, head.scalars, layers, images)
    return head
