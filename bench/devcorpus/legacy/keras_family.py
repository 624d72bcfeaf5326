"""Keras models built in a TF1 session (``tf.compat.v1.keras``: the Keras 2.15 that TF 2.15 ships), the way
2017-2019 scripts saved them: ``model.fit`` then a Saver on ``K.get_session()``, or a freeze script over
``model.outputs``, or ``simple_save``.

The learning phase is left as Keras makes it (``keras_learning_phase``, a PlaceholderWithDefault feeding the
Dropout and BatchNormalization conds), fixed with ``K.set_learning_phase(0)`` before building, or absent.
Every placeholder of a trained graph other than the data inputs (targets, sample weights, the optimizer's
assign feeds) is a training-only feed.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import naming
import numpy as np
import writers
from writers import Truth, names, tf, v1

FAMILY = "legacy-keras"
K = v1.keras.backend
L = v1.keras.layers

# (architecture, format, learning phase): one row per graph.
PLAN = [
    ("mlp", "checkpoint", "default"),
    ("mlp", "graphdef", "zero"),
    ("mlp", "graphdef", "none"),
    ("cnn", "checkpoint", "default"),
    ("cnn", "graphdef", "default"),
    ("cnn", "saved_model", "zero"),
    ("two_inputs", "checkpoint", "none"),
    ("two_inputs", "graphdef_text", "default"),
    ("two_outputs", "graphdef", "default"),
    ("two_outputs", "checkpoint", "zero"),
    ("text", "graphdef", "none"),
    ("text", "checkpoint", "default"),
    ("mlp", "saved_model", "default"),
    ("text", "checkpoint", "zero"),
    ("text", "saved_model", "default"),
    ("stacked_text", "checkpoint", "default"),
    ("stacked_text", "checkpoint", "none"),
    ("stacked_text", "graphdef", "default"),
]


def _input(rng: random.Random, shape: list[int], words: list[str | None], dtype: str = "float32") -> Any:
    word = naming.styled(rng, naming.pick(rng, words))
    return L.Input(shape=shape, name=word, dtype=dtype)


def _layer_name(rng: random.Random, words: list[str]) -> str | None:
    return rng.choice(words) if rng.random() < 0.5 else None


def _head(rng: random.Random, x: Any, n: int, regularize: bool) -> Any:
    if regularize:
        x = L.Dropout(rng.choice([0.25, 0.5]))(x)
    return L.Dense(n, activation="softmax", name=_layer_name(rng, ["predictions", "output", "probs", "out"]))(x)


def _build_model(arch: str, rng: random.Random, regularize: bool) -> tuple[Any, list[Any], list[Any], str]:
    """(model, inputs, outputs, note) for one architecture; ``regularize`` adds Dropout/BatchNormalization."""
    n = rng.choice([2, 4, 10])
    if arch == "mlp":
        x = inp = _input(rng, [rng.choice([8, 13, 64])], naming.VECTOR_INPUTS)
        for _ in range(rng.randint(1, 4)):
            x = L.Dense(rng.choice([16, 32]), activation=rng.choice(["relu", "tanh", "elu"]))(x)
            if regularize and rng.random() < 0.5:
                x = L.BatchNormalization()(x)
        out = _head(rng, x, n, regularize)
        return v1.keras.Model(inp, out), [inp], [out], "Dense stack"
    if arch == "cnn":
        size, channels = rng.choice([(28, 1), (32, 3)])
        x = inp = _input(rng, [size, size, channels], naming.IMAGE_INPUTS)
        for i in range(rng.randint(1, 3)):
            x = L.Conv2D(8 * (i + 1), 3, padding="same", activation="relu")(x)
            if regularize:
                x = L.BatchNormalization()(x)
            x = L.MaxPooling2D()(x)
        x = L.Flatten()(x) if rng.random() < 0.5 else L.GlobalAveragePooling2D()(x)
        out = _head(rng, x, n, regularize)
        return v1.keras.Model(inp, out), [inp], [out], "Conv2D/MaxPooling2D stack"
    if arch == "two_inputs":
        a = _input(rng, [rng.choice([6, 12])], naming.VECTOR_INPUTS)
        b = L.Input(shape=[rng.choice([3, 5])], name=rng.choice(["meta", "aux_input", "side_features", "extra"]))
        x = L.concatenate([L.Dense(16, activation="relu")(a), L.Dense(8, activation="relu")(b)])
        out = _head(rng, L.Dense(16, activation="relu")(x), n, regularize)
        return v1.keras.Model([a, b], out), [a, b], [out], "two inputs concatenated"
    if arch == "two_outputs":
        size = rng.choice([24, 32])
        x = inp = _input(rng, [size, size, 3], naming.IMAGE_INPUTS)
        x = L.Conv2D(8, 3, activation="relu")(x)
        if regularize:
            x = L.BatchNormalization()(x)
        x = L.GlobalAveragePooling2D()(x)
        cls = _head(rng, L.Dense(16, activation="relu")(x), n, regularize)
        box = L.Dense(4, name=rng.choice(["bbox", "box_output", "regression", "coords"]))(x)
        return v1.keras.Model(inp, [cls, box]), [inp], [cls, box], "a class head and a box head"
    vocab, steps = rng.choice([(50, 12), (200, 20)])
    x = inp = _input(rng, [steps], naming.TOKEN_INPUTS, dtype="int32")
    x = L.Embedding(vocab, 8)(x)
    if arch == "stacked_text":
        first = rng.choice([L.LSTM, L.GRU, L.SimpleRNN])(rng.choice([6, 8, 12]), return_sequences=True)
        x = (L.Bidirectional(first) if rng.random() < 0.5 else first)(x)
        x = rng.choice([L.LSTM, L.GRU, L.SimpleRNN])(rng.choice([4, 8]))(x)
        out = _head(rng, x, n, regularize)
        return v1.keras.Model(inp, out), [inp], [out], "Embedding and two stacked recurrent layers"
    x = (L.LSTM(8) if rng.random() < 0.5 else L.GRU(8))(x)
    out = _head(rng, x, n, regularize)
    return v1.keras.Model(inp, out), [inp], [out], "Embedding and a recurrent layer"


def build(index: int, rng: random.Random, root: Path) -> Truth:
    arch, fmt, phase = PLAN[index]
    ident = f"{FAMILY}-{arch.replace('_', '')}-{fmt.replace('_', '')}-{index:03d}"
    folder = writers.fresh(root / FAMILY / ident)
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as sess:
        K.set_session(sess)
        v1.set_random_seed(index)
        if phase == "zero":
            K.set_learning_phase(0)
        model, inputs, outputs, note = _build_model(arch, rng, regularize=phase != "none")
        truth = Truth(ident, FAMILY, fmt, "", names(inputs), names(outputs), "")
        notes = [f"Keras {note}", {"default": "learning phase left in", "zero": "set_learning_phase(0)",
                                   "none": "no learning phase"}[phase]]
        if fmt == "checkpoint":
            _fit(model, inputs, outputs, rng)
            notes.append("compiled and fitted: targets, sample weights, optimizer")
        else:
            sess.run(v1.global_variables_initializer())
        feeds = [op for op in graph.get_operations() if op.type in ("Placeholder", "PlaceholderWithDefault")]
        phase_tensors = [op.outputs[0] for op in feeds if op.name == "keras_learning_phase"]
        truth.mode_switches = {t.name: False for t in phase_tensors}
        truth.labels = sorted(op.outputs[0].name for op in feeds
                              if op.outputs[0].name not in truth.inputs and op.name != "keras_learning_phase")
        if fmt == "checkpoint":
            saver = v1.train.Saver()
            prefix = rng.choice(["keras_model.ckpt", "model.ckpt", "weights/model", "ckpt/my_model"])
            truth.model = writers.write_checkpoint(sess, saver, folder, prefix, rng.choice([1, 20, 350]))
        elif fmt in ("graphdef", "graphdef_text"):
            ext = ".pbtxt" if fmt == "graphdef_text" else rng.choice([".pb", ".pb", ".bytes"])
            name = rng.choice(["keras_model", "frozen_model", "model", "tf_model", arch]) + ext
            truth.model = writers.write_graphdef(writers.freeze(sess, truth.outputs), folder, name)
            notes.append("frozen over model.outputs")
        else:
            truth.model = _saved_model(sess, folder, rng, model, inputs, outputs)
            notes.append("simple_save-style SavedModel")
        truth.notes = "; ".join(notes)
    K.clear_session()
    return writers.finish(folder, truth)


def _fit(model: Any, inputs: list[Any], outputs: list[Any], rng: random.Random) -> None:
    losses = ["sparse_categorical_crossentropy" if o is outputs[0] else "mse" for o in outputs]
    model.compile(rng.choice(["adam", "rmsprop", "sgd"]), losses, metrics=["accuracy"])
    rows = 8
    xs = [np.zeros([rows] + [int(d) for d in t.shape[1:]], dtype=t.dtype.as_numpy_dtype) for t in inputs]
    ys = [np.zeros([rows] + ([] if o is outputs[0] else [int(d) for d in o.shape[1:]])) for o in outputs]
    model.fit(xs, ys, epochs=1, batch_size=4, verbose=0)


def _saved_model(sess: Any, folder: Path, rng: random.Random, model: Any, inputs: list[Any],
                 outputs: list[Any]) -> str:
    sigs = {"serving_default": writers.signature({t.op.name: t for t in inputs}, {t.op.name.split("/")[0]: t for t in outputs})}
    if rng.random() < 0.6:
        penultimate = model.layers[-2].output
        sigs["features"] = writers.signature({"input": inputs[0]}, {"embedding": penultimate})
    return writers.write_saved_model(sess, folder, rng.choice(["saved_model", "export/3", "keras_export"]), sigs)
