"""Layers written by hand with raw ``tf.compat.v1`` ops, the way scripts did before ``tf.layers`` (needs TensorFlow).

One :class:`Layers` per graph decides, from the graph's RNG, how its author wrote things: variables
through ``tf.get_variable`` in variable scopes or ``tf.Variable(tf.truncated_normal(...))`` in name
scopes, ``matmul + b`` or ``bias_add`` or ``xw_plus_b``, dropout as TF 1.0 wrote it (``floor`` of
``keep_prob + uniform``) or as TF 1.13 did (``rate``), batch norm with moving averages assigned inside a
``tf.cond`` on ``is_training``, through an ExponentialMovingAverage, or fused.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

from bench.devcorpus.naming import Namer  # noqa: E402

v1 = tf.compat.v1
Tensor = Any


def setup_tensorflow() -> None:
    """Graph mode, reference variables and control flow v1, as TF 1.x had them; quiet logs."""
    tf.get_logger().setLevel("ERROR")
    from tensorflow.python.util import deprecation

    deprecation._PRINT_DEPRECATION_WARNINGS = False
    v1.disable_v2_behavior()
    v1.disable_control_flow_v2()


ACTIVATIONS: dict[str, Callable[..., Tensor]] = {
    "relu": tf.nn.relu, "tanh": tf.tanh, "sigmoid": tf.sigmoid, "elu": tf.nn.elu, "leaky": tf.nn.leaky_relu,
    "relu6": tf.nn.relu6,
}


class Layers:
    """The hand-written building blocks of one graph, and what they made (weights, activations)."""

    def __init__(self, names: Namer) -> None:
        self.names = names
        self.rng = names.rng
        auto = names.style == "auto"
        self.var_style = "Variable" if auto else self.rng.choice(("get_variable", "get_variable", "Variable"))
        self.affine = self.rng.choice(("matmul_add", "matmul_add", "bias_add", "xw_plus_b"))
        self.weight_name = self.rng.choice(("weights", "W", "w", "kernel"))
        self.bias_name = self.rng.choice(("biases", "b", "bias"))
        self.weights: list[Tensor] = []
        self.activations: list[Tensor] = []
        self._count = 0

    # -- variables and scopes ------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self, name: str | None) -> Iterator[None]:
        if name is None:
            yield
        elif self.var_style == "get_variable":
            with v1.variable_scope(name):
                yield
        else:
            with v1.name_scope(name):
                yield

    def var(self, base: str, shape: list[int], init: str = "normal", trainable: bool = True,
            scoped: bool = True) -> Tensor:
        self._count += 1
        if self.var_style == "get_variable":
            initializer = {"normal": v1.truncated_normal_initializer(stddev=0.1), "zeros": v1.zeros_initializer(),
                           "ones": v1.ones_initializer(), "xavier": v1.glorot_uniform_initializer()}[init]
            name = base if scoped else f"{base}_{self._count}"
            return v1.get_variable(name, shape, initializer=initializer, trainable=trainable, use_resource=False)
        value = {"normal": lambda: v1.truncated_normal(shape, stddev=0.1), "zeros": lambda: tf.zeros(shape),
                 "ones": lambda: tf.ones(shape), "xavier": lambda: v1.random_normal(shape, stddev=0.05)}[init]()
        return v1.Variable(value, name=None if self.names.style == "auto" else base, trainable=trainable,
                           use_resource=False)

    # -- layers --------------------------------------------------------------------------------
    def dense(self, x: Tensor, units: int, act: str | None, name: str | None = None,
              scope: str | None = None, out_name: str | None = None, fan_in: int | None = None) -> Tensor:
        """``act(x W + b)``; ``out_name`` names the last op (the activation, or the affine when none)."""
        fan_in = fan_in or int(x.shape[-1])
        with self.scope(scope):
            w = self.var(self.weight_name, [fan_in, units], "normal", scoped=scope is not None)
            b = self.var(self.bias_name, [units], "zeros", scoped=scope is not None)
            self.weights.append(w)
            last = out_name if act is None else None
            if self.affine == "xw_plus_b":
                h = v1.nn.xw_plus_b(x, w, b, name=last or name)
            elif self.affine == "bias_add":
                h = tf.nn.bias_add(tf.matmul(x, w), b, name=last or name)
            else:
                h = tf.add(tf.matmul(x, w), b, name=last) if last else tf.matmul(x, w) + b
            if act is not None:
                h = ACTIVATIONS[act](h, name=out_name)
        self.activations.append(h)
        return h

    def conv(self, x: Tensor, filters: int, k: int = 3, stride: int = 1, act: str | None = "relu",
             scope: str | None = None, padding: str = "SAME", out_name: str | None = None) -> Tensor:
        channels = int(x.shape[-1])
        with self.scope(scope):
            w = self.var(self.weight_name, [k, k, channels, filters], "normal", scoped=scope is not None)
            b = self.var(self.bias_name, [filters], "zeros", scoped=scope is not None)
            self.weights.append(w)
            h = tf.nn.conv2d(x, w, strides=[1, stride, stride, 1], padding=padding)
            last = out_name if act is None else None
            h = tf.nn.bias_add(h, b, name=last) if self.rng.random() < 0.6 else tf.add(h, b, name=last)
            if act is not None:
                h = ACTIVATIONS[act](h, name=out_name)
        self.activations.append(h)
        return h

    def deconv(self, x: Tensor, filters: int, out_hw: int, stride: int = 2, act: str | None = "relu",
               scope: str | None = None, out_name: str | None = None) -> Tensor:
        channels = int(x.shape[-1])
        with self.scope(scope):
            w = self.var(self.weight_name, [4, 4, filters, channels], "normal", scoped=scope is not None)
            b = self.var(self.bias_name, [filters], "zeros", scoped=scope is not None)
            self.weights.append(w)
            shape = tf.stack([tf.shape(x)[0], out_hw, out_hw, filters])
            h = tf.nn.conv2d_transpose(x, w, shape, strides=[1, stride, stride, 1], padding="SAME")
            h = tf.reshape(tf.nn.bias_add(h, b), [-1, out_hw, out_hw, filters],
                           name=out_name if act is None else None)
            if act is not None:
                h = ACTIVATIONS[act](h, name=out_name)
        self.activations.append(h)
        return h

    def pool(self, x: Tensor, kind: str = "max", name: str | None = None) -> Tensor:
        pool = tf.nn.max_pool if kind == "max" else tf.nn.avg_pool
        return pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME", name=name)

    def flatten(self, x: Tensor) -> Tensor:
        size = 1
        for d in x.shape[1:]:
            size *= int(d)
        return tf.reshape(x, [-1, size])

    # -- training-mode machinery ---------------------------------------------------------------
    def dropout(self, x: Tensor, kind: str, control: Tensor | None, train_value: float = 0.5) -> Tensor:
        """Dropout of kind ``legacy`` / ``keep`` (``control`` is keep_prob), ``rate`` (a rate), ``cond``
        (``control`` is a bool is_training) or ``fixed`` (always on, as many exported graphs left it)."""
        if kind == "legacy":
            with v1.name_scope("dropout"):  # TF 1.0's tf.nn.dropout, op for op
                noise = control + v1.random_uniform(tf.shape(x), dtype=x.dtype)
                out = v1.div(x, control) * tf.floor(noise)
                out.set_shape(x.shape)
                return out
        if kind == "keep":
            return v1.nn.dropout(x, keep_prob=control)
        if kind == "rate":
            return tf.nn.dropout(x, rate=control)
        if kind == "cond":
            return tf.cond(control, lambda: tf.nn.dropout(x, rate=train_value), lambda: tf.identity(x))
        if kind == "fixed":
            return tf.nn.dropout(x, rate=train_value)
        raise ValueError(kind)

    def batch_norm(self, x: Tensor, kind: str, is_training: Tensor | None, scope: str | None = None) -> Tensor:
        """Batch norm in training mode with moving averages: ``assign`` (moments; moving averages assigned
        inside the true branch of a tf.cond), ``ema`` (ExponentialMovingAverage), ``fused`` (two
        fused_batch_norm branches, updates in UPDATE_OPS) or ``train`` (batch statistics always)."""
        channels = int(x.shape[-1])
        axes = list(range(len(x.shape) - 1))
        if scope is None and self.names.style != "auto":
            scope = f"{self.rng.choice(('bn', 'BatchNorm', 'batch_norm', 'norm'))}{self._count}"
        scoped = scope is not None
        with self.scope(scope):
            beta = self.var("beta", [channels], "zeros", scoped=scoped)
            gamma = self.var("gamma", [channels], "ones", scoped=scoped)
            if kind == "train":
                mean, var = tf.nn.moments(x, axes)
                return tf.nn.batch_normalization(x, mean, var, beta, gamma, 1e-3)
            if kind == "ema":
                mean, var = tf.nn.moments(x, axes, name="moments")
                ema = v1.train.ExponentialMovingAverage(decay=0.9)

                def with_update() -> tuple[Tensor, Tensor]:
                    apply = ema.apply([mean, var])
                    with tf.control_dependencies([apply]):
                        return tf.identity(mean), tf.identity(var)

                m, v = tf.cond(is_training, with_update, lambda: (ema.average(mean), ema.average(var)))
                return tf.nn.batch_normalization(x, m, v, beta, gamma, 1e-3)
            moving_mean = self.var("moving_mean", [channels], "zeros", trainable=False, scoped=scoped)
            moving_var = self.var("moving_variance", [channels], "ones", trainable=False, scoped=scoped)
            if kind == "fused":
                def train_branch() -> Tensor:
                    y, m, v = v1.nn.fused_batch_norm(x, gamma, beta, is_training=True)
                    v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, v1.assign(moving_mean, 0.9 * moving_mean + 0.1 * m))
                    v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, v1.assign(moving_var, 0.9 * moving_var + 0.1 * v))
                    return y

                return tf.cond(is_training, train_branch, lambda: v1.nn.fused_batch_norm(
                    x, gamma, beta, mean=moving_mean, variance=moving_var, is_training=False)[0])
            mean, var = tf.nn.moments(x, axes)

            def assign_branch() -> tuple[Tensor, Tensor]:
                update_mean = v1.assign(moving_mean, moving_mean * 0.99 + mean * 0.01)
                update_var = v1.assign(moving_var, moving_var * 0.99 + var * 0.01)
                with tf.control_dependencies([update_mean, update_var]):
                    return tf.identity(mean), tf.identity(var)

            m, v = tf.cond(is_training, assign_branch, lambda: (tf.identity(moving_mean), tf.identity(moving_var)))
            return tf.nn.batch_normalization(x, m, v, beta, gamma, 1e-3)
