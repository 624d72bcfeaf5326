"""Estimator exports: canned v1 estimators (DNN, linear, DNN-linear combined; classifiers and regressors) and
model_fn estimators, trained for a few steps on a tf.data input_fn and exported with ``export_saved_model``.

Parsing receivers give one serialized tf.Example string placeholder feeding ParseExample; raw receivers give
one placeholder per feature. A binary classifier's export carries classification, predict, regression and
serving_default signatures. The truth is the serving_default signature of the written SavedModel (what TF
Serving and tf2onnx use). One graph is the model_dir's own training checkpoint, fed by IteratorGetNext.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import writers
from writers import Truth, tf, v1

FAMILY = "legacy-estimator"
FC = tf.feature_column

# (estimator, receiver, classes): one row per graph.
PLAN = [
    ("dnn_classifier", "parsing", 2),
    ("dnn_classifier", "parsing", 5),
    ("dnn_classifier", "raw", 3),
    ("dnn_regressor", "raw", 0),
    ("dnn_regressor", "parsing", 0),
    ("linear_classifier", "parsing", 2),
    ("linear_regressor", "parsing", 0),
    ("linear_regressor", "raw", 0),
    ("combined_classifier", "parsing", 2),
    ("combined_regressor", "raw", 0),
    ("model_fn", "raw", 4),
    ("model_fn", "parsing", 3),
    ("model_fn_all_modes", "raw", 2),
    ("model_fn_train_checkpoint", "dataset", 3),
    ("image_model_fn", "jpeg", 5),
]

NUMERIC_KEYS = ["age", "x", "hours_per_week", "price", "sepal_length", "dense_features", "f0", "reading",
                "trip_miles", "zz_metric"]
CATEGORY_KEYS = ["color", "occupation", "city", "category", "device_type", "token"]


def _columns(rng: random.Random, kind: str) -> tuple[list[Any], list[Any], dict[str, np.ndarray]]:
    """(wide columns, deep columns, training data) with distinct feature keys."""
    keys = rng.sample(NUMERIC_KEYS, rng.randint(1, 3))
    rows = 16
    data: dict[str, np.ndarray] = {}
    numeric = []
    for key in keys:
        width = rng.choice([1, 1, 3])
        numeric.append(FC.numeric_column(key, shape=[width]))
        data[key] = np.zeros([rows, width], np.float32)
    wide: list[Any] = list(numeric)
    deep: list[Any] = list(numeric)
    if rng.random() < 0.6:
        wide.append(FC.bucketized_column(numeric[0], boundaries=[0.2, 0.5, 0.8]))
    if kind != "numeric" and rng.random() < 0.7:
        key = rng.choice(CATEGORY_KEYS)
        vocab = ["a", "b", "c", "d"]
        cat = (FC.categorical_column_with_vocabulary_list(key, vocab) if rng.random() < 0.6
               else FC.categorical_column_with_hash_bucket(key, 20))
        wide.append(cat)
        deep.append(FC.embedding_column(cat, 3) if rng.random() < 0.5 else FC.indicator_column(cat))
        data[key] = np.array([[vocab[i % 4]] for i in range(rows)])
    return wide, deep, data


def _input_fn(data: dict[str, np.ndarray], labels: np.ndarray) -> Any:
    def input_fn() -> Any:
        return tf.data.Dataset.from_tensor_slices((dict(data), labels)).shuffle(16, seed=0).batch(4).repeat()

    return input_fn


def _canned(name: str, n: int, wide: list[Any], deep: list[Any], model_dir: str, rng: random.Random,
            config: Any) -> Any:
    hidden = [rng.choice([16, 8]) for _ in range(rng.randint(1, 3))]
    est = v1.estimator
    if name == "dnn_classifier":
        return est.DNNClassifier(hidden, deep, model_dir, n_classes=n, dropout=rng.choice([None, 0.2]),
                                 config=config)
    if name == "dnn_regressor":
        return est.DNNRegressor(hidden, deep, model_dir, config=config)
    if name == "linear_classifier":
        return est.LinearClassifier(wide, model_dir, n_classes=n, config=config)
    if name == "linear_regressor":
        return est.LinearRegressor(wide, model_dir, config=config)
    if name == "combined_classifier":
        return est.DNNLinearCombinedClassifier(model_dir, linear_feature_columns=wide, dnn_feature_columns=deep,
                                               dnn_hidden_units=hidden, n_classes=n, config=config)
    return est.DNNLinearCombinedRegressor(model_dir, linear_feature_columns=wide, dnn_feature_columns=deep,
                                          dnn_hidden_units=hidden, config=config)


def _model_fn(deep: list[Any], n: int, rng: random.Random, seen: dict[str, Any]) -> Any:
    """A hand-written model_fn: predictions only in PREDICT mode, several export signatures."""
    width = rng.choice([8, 16])
    logits_name = rng.choice(["logits", "output_logits", None])
    default = rng.choice(["predict", "classify"])
    depth = rng.randint(1, 3)

    def model_fn(features: Any, labels: Any, mode: Any, params: Any = None) -> Any:
        net = v1.feature_column.input_layer(features, deep)
        for i in range(depth):
            net = v1.layers.dense(net, width, activation=tf.nn.relu, name=f"hidden{i}")
        logits = v1.layers.dense(net, n, name=logits_name)
        if mode == tf.estimator.ModeKeys.PREDICT:
            probs = tf.nn.softmax(logits, name="probabilities")
            classes = tf.argmax(logits, 1, name="class_ids")
            out = tf.estimator.export
            exports = {"predict": out.PredictOutput({"probabilities": probs, "class_ids": classes}),
                       "classification": out.ClassificationOutput(scores=probs)}
            exports["serving_default"] = exports["predict" if default == "predict" else "classification"]
            return tf.estimator.EstimatorSpec(mode, predictions={"probabilities": probs, "class_ids": classes},
                                              export_outputs=exports)
        seen["features"] = features
        seen["labels"] = labels
        seen["logits"] = logits
        loss = v1.losses.sparse_softmax_cross_entropy(labels, logits)
        if mode == tf.estimator.ModeKeys.EVAL:
            acc = v1.metrics.accuracy(labels, tf.argmax(logits, 1))
            return tf.estimator.EstimatorSpec(mode, loss=loss, eval_metric_ops={"accuracy": acc})
        v1.summary.scalar("xent", loss)
        train = v1.train.AdagradOptimizer(0.05).minimize(loss, global_step=v1.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train)

    return model_fn


def build(index: int, rng: random.Random, root: Path) -> Truth:
    name, receiver, n = PLAN[index]
    ident = f"{FAMILY}-{name.replace('_', '')}-{receiver}-{index:03d}"
    folder = writers.fresh(root / FAMILY / ident)
    wide, deep, data = _columns(rng, "numeric" if receiver == "raw" and rng.random() < 0.5 else "mixed")
    labels = (np.array([i % n for i in range(16)], np.int64) if n else np.zeros([16, 1], np.float32))
    seen: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as model_dir:
        config = tf.estimator.RunConfig(tf_random_seed=index, save_summary_steps=1, log_step_count_steps=None)
        if receiver == "jpeg":
            deep, data = [FC.numeric_column("image", shape=[16, 16, 3])], {"image": np.zeros([16, 16, 16, 3],
                                                                                           np.float32)}
            est = tf.estimator.Estimator(_image_model_fn(n, rng), model_dir, config=config)
        elif name.startswith("model_fn"):
            est = tf.estimator.Estimator(_model_fn(deep, n, rng, seen), model_dir, config=config)
        else:
            est = _canned(name, n, wide, deep, model_dir, rng, config)
        steps = rng.choice([3, 5, 12])
        est.train(_input_fn(data, labels), steps=steps)
        if receiver == "dataset":
            return _train_checkpoint(folder, ident, Path(model_dir), steps, seen)
        columns = wide + deep if name.startswith("combined") or name.startswith("linear") else deep
        if receiver == "jpeg":
            serving = _jpeg_receiver(rng, seen)
        elif receiver == "parsing":
            spec = FC.make_parse_example_spec(columns)
            serving = tf.estimator.export.build_parsing_serving_input_receiver_fn(spec)
        else:
            serving = tf.estimator.export.build_raw_serving_input_receiver_fn(
                _feature_specs(data), default_batch_size=rng.choice([None, None, 1]))
        export_base = Path(model_dir) / "export"
        if name == "model_fn_all_modes":
            written = est.experimental_export_all_saved_models(
                str(export_base), {tf.estimator.ModeKeys.PREDICT: serving,
                                   tf.estimator.ModeKeys.EVAL: _supervised(data, labels),
                                   tf.estimator.ModeKeys.TRAIN: _supervised(data, labels)})
        else:
            written = est.export_saved_model(str(export_base), serving)
        stamp = str(rng.randint(1_500_000_000, 1_570_000_000))
        target = folder / rng.choice(["export", "serving", "exported_model"]) / stamp
        shutil.copytree(Path(written.decode() if isinstance(written, bytes) else written), target)
    inputs, outputs = writers.serving_signature(target)
    meta = writers.serving_metagraph(target)
    truth = Truth(ident, FAMILY, "saved_model", str(target.relative_to(folder)), inputs, outputs,
                  f"{name} export, {receiver} receiver; signatures: {', '.join(sorted(meta.signature_def))}")
    truth.cut_ok = [seen["cut"]] if "cut" in seen else []
    return writers.finish(folder, truth)


def _image_model_fn(n: int, rng: random.Random) -> Any:
    """A CNN model_fn over features["image"]; the export feeds JPEG bytes through a decoding receiver."""
    filters = rng.choice([4, 8])

    def model_fn(features: Any, labels: Any, mode: Any) -> Any:
        net = v1.layers.conv2d(features["image"], filters, 3, activation=tf.nn.relu, name="conv1")
        net = v1.layers.max_pooling2d(net, 2, 2, name="pool1")
        logits = v1.layers.dense(v1.layers.flatten(net), n, name="logits")
        probs = tf.nn.softmax(logits, name="softmax_tensor")
        if mode == tf.estimator.ModeKeys.PREDICT:
            predictions = {"classes": tf.argmax(logits, 1, name="classes"), "probabilities": probs}
            return tf.estimator.EstimatorSpec(mode, predictions=predictions, export_outputs={
                "serving_default": tf.estimator.export.PredictOutput(predictions)})
        loss = v1.losses.sparse_softmax_cross_entropy(labels, logits)
        train = v1.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=v1.train.get_global_step())
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train)

    return model_fn


def _jpeg_receiver(rng: random.Random, seen: dict[str, Any]) -> Any:
    """The 2018 image-serving receiver: a batch of JPEG strings, decoded and resized by tf.map_fn (the
    decoded batch is an acceptable cut)."""
    key = rng.choice(["image_bytes", "jpeg_bytes", "b64_images", "encoded_image_string_tensor"])

    def receiver() -> Any:
        encoded = v1.placeholder(tf.string, [None], name=key)

        def decode(one: Any) -> Any:
            image = tf.image.decode_jpeg(one, channels=3)
            image = tf.image.convert_image_dtype(image, tf.float32)
            return v1.image.resize_images(image, [16, 16])

        images = tf.map_fn(decode, encoded, dtype=tf.float32, back_prop=False)
        seen["cut"] = images.name
        return tf.estimator.export.ServingInputReceiver({"image": images}, {key: encoded})

    return receiver


def _feature_specs(data: dict[str, np.ndarray]) -> dict[str, Any]:
    """Tensors the raw receivers copy dtype, shape and name from (``{"age": tf.placeholder(..., name="age")}``)."""
    with tf.Graph().as_default():
        return {key: v1.placeholder(tf.as_dtype(value.dtype) if value.dtype.kind != "U" else tf.string,
                                    [None, *value.shape[1:]], name=key) for key, value in data.items()}


def _supervised(data: dict[str, np.ndarray], labels: np.ndarray) -> Any:
    with tf.Graph().as_default():
        label = v1.placeholder(tf.as_dtype(labels.dtype), [None, *labels.shape[1:]], name="label")
    return tf.estimator.experimental.build_raw_supervised_input_receiver_fn(_feature_specs(data), label)


def _train_checkpoint(folder: Path, ident: str, model_dir: Path, steps: int, seen: dict[str, Any]) -> Truth:
    """The model_dir as the estimator left it; the truth is what the model_fn read and computed."""
    for item in model_dir.iterdir():
        if item.name != "export" and not item.name.startswith("events."):
            (shutil.copytree if item.is_dir() else shutil.copy2)(item, folder / item.name)
    features = seen["features"]
    inputs = sorted(t.name for t in features.values())
    truth = Truth(ident, FAMILY, "checkpoint", f"model.ckpt-{steps}.meta", inputs, [seen["logits"].name],
                  "model_fn estimator's own training checkpoint: features and labels from IteratorGetNext")
    truth.labels = [seen["labels"].name]
    return writers.finish(folder, truth)
