"""The crafted models that need TensorFlow's own writers: SavedModels and checkpoints.

Built in graph mode, as a TF1 script would, by ``python -m tests.security.hostile`` (a child process:
TensorFlow stays out of the test process). Every model takes ``x:0`` (float32 [-1, 2]) and gives
``y:0 = x * w`` with a variable ``w``; the hostile part runs only when TensorFlow's own loaders load
the model (``tf.compat.v1.saved_model.loader.load``, ``Saver.restore``), which is what tf2onnx does
when it is handed a SavedModel or a checkpoint.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.security.hostile import Probe

TF_MODELS = ("saved_model_main_op", "saved_model_legacy_init_op", "checkpoint_restore_op", "asset_path",
             "saved_model_two_tags", "checkpoint_own", "checkpoint_other")


def _interface(tf: Any, weight: float = 1.0) -> tuple[Any, Any]:
    x = tf.compat.v1.placeholder(tf.float32, [None, 2], name="x")
    w = tf.compat.v1.get_variable("w", initializer=tf.constant([weight, weight]))
    return x, tf.identity(x * w, name="y")


def _write(tf: Any, probe: Probe, name: str) -> Any:
    return tf.io.write_file(probe.target(name), tf.constant(f"written by {name}"), name=f"{name}_write")


def _save(tf: Any, sess: Any, out: Path, x: Any, y: Any, tags: list[str], **kwargs: Any) -> None:
    builder = tf.compat.v1.saved_model.Builder(str(out))
    signature = tf.compat.v1.saved_model.predict_signature_def({"x": x}, {"y": y})
    builder.add_meta_graph_and_variables(sess, tags, signature_def_map={"serving_default": signature}, **kwargs)
    builder.save()


def _rewrite_saved_model(tf: Any, out: Path, edit: Any) -> None:
    from tensorflow.core.protobuf import saved_model_pb2

    model = saved_model_pb2.SavedModel()
    path = out / "saved_model.pb"
    model.ParseFromString(path.read_bytes())
    edit(model.meta_graphs[0])
    path.write_bytes(model.SerializeToString())


def saved_model_with_init(tf: Any, out: Path, probe: Probe, name: str) -> None:
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        x, y = _interface(tf)
        sess.run(tf.compat.v1.global_variables_initializer())
        _save(tf, sess, out, x, y, ["serve"], main_op=tf.group(_write(tf, probe, name)))
    if name == "saved_model_legacy_init_op":  # what TF1 wrote before main_op existed; loaders still run it
        def move(meta: Any) -> None:
            meta.collection_def["legacy_init_op"].CopyFrom(meta.collection_def["saved_model_main_op"])
            del meta.collection_def["saved_model_main_op"]
        _rewrite_saved_model(tf, out, move)


def checkpoint_restore_op(tf: Any, out: Path, probe: Probe) -> None:
    """The meta graph's SaverDef names, as its restore op, a node that also writes a file."""
    out.mkdir(parents=True, exist_ok=True)
    with tf.Graph().as_default() as graph, tf.compat.v1.Session() as sess:
        _interface(tf)
        saver = tf.compat.v1.train.Saver()
        restore = graph.get_operation_by_name(saver.saver_def.restore_op_name)
        hostile = tf.group(restore, _write(tf, probe, "checkpoint_restore_op"), name="restore_and_write")
        saver.saver_def.restore_op_name = hostile.name
        sess.run(tf.compat.v1.global_variables_initializer())
        saver.save(sess, str(out / "model.ckpt"), global_step=1)


def asset_path(tf: Any, out: Path, probe: Probe, scratch: Path) -> None:
    """A vocabulary table filled from an asset whose file name, in the SavedModel, is the canary's path."""
    scratch.mkdir(parents=True, exist_ok=True)
    vocab = scratch / "vocab.txt"
    vocab.write_text("word\n")
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        x = tf.compat.v1.placeholder(tf.float32, [None, 2], name="x")
        asset = tf.constant(str(vocab), name="vocab_path")
        tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.ASSET_FILEPATHS, asset)
        init = tf.compat.v1.lookup.TextFileInitializer(asset, tf.string, -2, tf.int64, -1)
        table = tf.compat.v1.lookup.StaticHashTable(init, -1)
        y = tf.identity(x * tf.cast(table.lookup(tf.constant("word")) + 2, tf.float32), name="y")
        sess.run(tf.compat.v1.tables_initializer())
        _save(tf, sess, out, x, y, ["serve"],
              assets_collection=tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.ASSET_FILEPATHS),
              main_op=tf.compat.v1.tables_initializer())

    def point_at_canary(meta: Any) -> None:  # os.path.join(assets, "/abs") is "/abs"
        from tensorflow.core.protobuf import meta_graph_pb2

        for packed in meta.collection_def["saved_model_assets"].any_list.value:
            asset_def = meta_graph_pb2.AssetFileDef()
            packed.Unpack(asset_def)
            asset_def.filename = str(probe.canary)
            packed.Pack(asset_def)
    _rewrite_saved_model(tf, out, point_at_canary)


def plain_saved_model(tf: Any, out: Path, tags: list[str]) -> None:
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        x, y = _interface(tf)
        sess.run(tf.compat.v1.global_variables_initializer())
        _save(tf, sess, out, x, y, tags)


def plain_checkpoint(tf: Any, out: Path, weight: float) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        _interface(tf, weight)
        sess.run(tf.compat.v1.global_variables_initializer())
        tf.compat.v1.train.Saver().save(sess, str(out / "model.ckpt"), global_step=1)


def build_all(out: Path, probe: Probe) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.compat.v1.disable_eager_execution()
    out.mkdir(parents=True, exist_ok=True)
    for name in ("saved_model_main_op", "saved_model_legacy_init_op"):
        saved_model_with_init(tf, out / name, probe, name)
    checkpoint_restore_op(tf, out / "checkpoint_restore_op", probe)
    asset_path(tf, out / "asset_path", probe, out / "asset_path_scratch")
    plain_saved_model(tf, out / "saved_model_two_tags", ["serve", "gpu"])
    plain_checkpoint(tf, out / "checkpoint_own", 1.0)
    plain_checkpoint(tf, out / "checkpoint_other", 2.0)


def load_with_tensorflow(path: Path) -> None:
    """Load a SavedModel directory or a checkpoint prefix the way tf2onnx's loaders do (runs their init ops)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.compat.v1.disable_eager_execution()
    with tf.compat.v1.Session(graph=tf.Graph()) as sess:
        if (path / "saved_model.pb").is_file():
            tf.compat.v1.saved_model.loader.load(sess, ["serve"], str(path))
        else:
            saver = tf.compat.v1.train.import_meta_graph(f"{path}.meta")
            saver.restore(sess, str(path))


if __name__ == "__main__":
    import sys

    load_with_tensorflow(Path(sys.argv[1]))
