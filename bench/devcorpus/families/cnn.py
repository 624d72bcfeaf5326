"""CNNs written by hand: conv / bias / relu / pool, batch norm in training mode with moving averages and an
is_training switch, dropout, a softmax or logits head; training checkpoints and frozen graphs."""

from __future__ import annotations

import contextlib

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import (
    Switch,
    classifier,
    dropout_switch,
    model_scope,
    new_graph,
    train,
    training_switch,
)
from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.writers import Case, Interface, save

FORMATS = ("checkpoint", "graphdef", "checkpoint", "saved_model", "graphdef", "metagraph", "graphdef_text")
BATCH_NORMS = ("none", "assign", "ema", "fused", "train")


def build(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(FORMATS)
        size, channels = case.pick(((28, 1), (32, 3), (24, 3), (16, 1), (32, 1)))
        flat_input = channels == 1 and case.chance(0.4)  # the MNIST tutorial: x is [None, 784], reshaped
        shape = [None, size * size] if flat_input else [None, size, size, channels]
        with v1.name_scope("input") if case.chance(0.2) else contextlib.nullcontext():
            x = v1.placeholder(tf.float32, shape, name=nm("image"))
        bn = BATCH_NORMS[case.index % len(BATCH_NORMS)]
        is_training = training_switch(case) if bn in ("assign", "ema", "fused") else None
        switch = Switch("bn", is_training, False) if is_training is not None else Switch("none")
        drop = dropout_switch(case, kind="cond" if is_training is not None and case.chance(0.5) else None)
        if drop.kind == "cond" and is_training is not None:
            drop = Switch("cond", is_training, False)
        blocks = case.pick((1, 2, 2, 3, 3, 4, 5, 7))
        with model_scope(layers) as scopes:
            h = tf.reshape(x, [-1, size, size, channels]) if flat_input else x
            for i in range(blocks):
                h = _block(case, layers, h, i, bn, is_training)
            h = layers.flatten(h)
            for j in range(case.rng.randint(0, 2)):
                h = layers.dense(h, case.pick((64, 128, 256)), "relu", scope=nm.layer("hidden", j + 1))
            if drop.kind != "none":
                h = layers.dropout(h, drop.kind, drop.tensor)
            head = classifier(case, layers, h, case.pick((10, 10, 5, 2, 100)),
                              case.pick(("softmax", "softmax", "softmax", "logits")))
        train(case, head, layers, images=x if not flat_input else None)
        iface = Interface(inputs=[x], outputs=head.outputs, labels=head.labels, extra_outputs=head.extra,
                          tail=[head.loss] if case.chance(0.25) else [])
        switch.add_to(iface.switches)
        drop.add_to(iface.switches)
        notes = (f"{blocks} conv blocks, batch norm {bn}, dropout {drop.kind}, names {nm.style}"
                 + (f", scopes {'/'.join(scopes)}" if scopes else "") + (", flat MNIST input" if flat_input else ""))
        if fmt == "graphdef" and is_training is not None and is_training.op.type == "Placeholder":
            iface.feeds[is_training] = np.array(False)
        return save(case, graph, fmt, f"bn{bn}" if bn != "none" else "plain", iface, notes)


def _block(case: Case, layers: Layers, h: Tensor, i: int, bn: str, is_training: Tensor | None) -> Tensor:
    nm = case.names
    scope = nm.layer("conv", i + 1)
    filters = case.pick((8, 16, 32))
    k = case.pick((3, 3, 5))
    h = layers.conv(h, filters, k, act=None if bn != "none" else "relu", scope=scope)
    if bn != "none":
        h = layers.batch_norm(h, bn, is_training, scope=f"{scope}{case.pick(('_bn', '/bn', '_BatchNorm'))}" if scope else None)
        h = tf.nn.relu(h)
    if case.chance(0.7):
        h = layers.pool(h, case.pick(("max", "max", "avg")))
    return h
