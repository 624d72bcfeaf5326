"""Raw MLPs, 1 to 4 layers, named and unnamed: training checkpoints with loss, optimizer and Saver; frozen."""

from __future__ import annotations

import contextlib

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import (
    classifier,
    dropout_switch,
    model_scope,
    new_graph,
    regressor,
    train,
)
from bench.devcorpus.layers import Layers, tf, v1
from bench.devcorpus.writers import Case, Interface, save

FORMATS = ("checkpoint", "graphdef", "saved_model", "checkpoint", "metagraph", "graphdef_text", "graphdef")


def build(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(FORMATS)
        task = case.pick(("softmax", "softmax", "logits", "sigmoid", "regression"))
        dim = case.pick((784, 64, 10, 13, 100, 4, 32))
        shapeless = case.chance(0.15)
        with v1.name_scope("input") if case.chance(0.25) else contextlib.nullcontext():
            x = v1.placeholder(tf.float32, None if shapeless else [None, dim], name=nm("input"))
        feeds = {x: np.random.default_rng(0).random((2, dim), dtype=np.float32)} if shapeless else {}
        switch = dropout_switch(case)
        depth = case.pick((1, 1, 2, 2, 3, 3, 4, 6, 9))
        act = case.pick(("relu", "relu", "tanh", "sigmoid", "elu", "leaky"))
        with model_scope(layers) as scopes:
            h = tf.reshape(x, [-1, dim]) if shapeless else x
            for i in range(depth):
                units = case.pick((16, 32, 64, 128, 256))
                h = layers.dense(h, units, act, scope=nm.layer("hidden", i + 1))
            if switch.kind != "none":
                h = layers.dropout(h, switch.kind, switch.tensor)
            if task == "regression":
                head = regressor(case, layers, h, case.pick((1, 1, 3)))
            else:
                head = classifier(case, layers, h, case.pick((2, 3, 10, 10)), task)
        train(case, head, layers)
        iface = Interface(inputs=[x], outputs=head.outputs, labels=head.labels, feeds=feeds,
                          extra_outputs=head.extra, tail=[head.loss] if case.chance(0.3) else [])
        switch.add_to(iface.switches)
        notes = (f"{depth}-layer {act} MLP, {task} head, names {nm.style}"
                 + (f", scopes {'/'.join(scopes)}" if scopes else "")
                 + (f", dropout {switch.kind}" if switch.kind != "none" else "")
                 + (", shapeless input" if shapeless else ""))
        return save(case, graph, fmt, task, iface, notes)
