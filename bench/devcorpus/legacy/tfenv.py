"""Import TensorFlow 2.15 the way a TF1 author ran it: graph mode, v1 control flow, v1 variables.

TensorFlow 2.15.1 looks for ``tf_keras.legacy_tf_layers.normalization`` (for ``tf.compat.v1.layers`` batch
norm, which ``slim.batch_norm`` calls), but tf-keras 2.15.0 and 2.15.1 ship that module only as
``tf_keras.src.legacy_tf_layers``. ``load()`` registers the shipped module under the name TensorFlow asks for.
Autograph would convert that layer's ``call`` on every batch norm (seconds each); it has no Python control
flow on tensors, so it is marked not to be converted: the graph is the same. tf-slim 1.1.0 (the last release) reads ``ops.IndexedSlices``, which TensorFlow 2.15 keeps only as
``tf.IndexedSlices``; ``load()`` puts it back where tf-slim looks.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType


def load() -> ModuleType:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    tf.compat.v1.disable_v2_behavior()
    import tf_keras.src.legacy_tf_layers as legacy_layers
    import tf_keras.src.legacy_tf_layers.normalization as legacy_normalization

    sys.modules.setdefault("tf_keras.legacy_tf_layers", legacy_layers)
    sys.modules.setdefault("tf_keras.legacy_tf_layers.normalization", legacy_normalization)
    layer = legacy_normalization.BatchNormalization
    layer.call = tf.autograph.experimental.do_not_convert(layer.call)
    from tensorflow.python.framework import ops

    if not hasattr(ops, "IndexedSlices"):
        ops.IndexedSlices = tf.IndexedSlices
    return tf
