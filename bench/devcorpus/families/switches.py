"""Every kind of mode switch (keep_prob, a placeholder named ``dropout`` used as a keep probability or as a
rate, is_train feeding tf.cond, is_training with a default, fixed scalars such as a temperature or an epsilon
with a default) and PlaceholderWithDefault as a data input (a retrained classifier's bottleneck input,
whose default is the real data path; a constant default the author overrides)."""

from __future__ import annotations

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import classifier, model_scope, new_graph, train
from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.training import minimize, variable_summaries
from bench.devcorpus.writers import Case, Interface, save

SWITCHES = ("keep_legacy", "dropout_as_keep", "dropout_as_rate", "is_train_cond", "bn_default", "temperature",
            "epsilon", "two_auto", "phase_bn", "keep_default")


def build_switches(case: Case) -> Truth:
    nm = case.names
    kind = SWITCHES[case.index % len(SWITCHES)]
    if kind == "two_auto":
        nm.style = "auto"
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("graphdef", "checkpoint", "saved_model", "graphdef", "metagraph", "checkpoint", "graphdef_text"))
        dim = case.pick((20, 64, 784))
        x = v1.placeholder(tf.float32, [None, dim], name=nm("input"))
        switches: dict[Tensor, bool | float] = {}

        def scalar(name: str | None, value: bool | float, default: bool) -> Tensor:
            if default:
                t = v1.placeholder_with_default(value, [], name=name)
            else:
                t = v1.placeholder(tf.bool if isinstance(value, bool) else tf.float32, [] if case.chance(0.6) else None,
                                   name=name)
            switches[t] = value
            return t

        is_training = None
        if kind in ("bn_default", "phase_bn", "two_auto"):
            name = {"phase_bn": case.pick(("phase", "phase_train", "train_phase"))}.get(kind) or nm("is_training")
            is_training = scalar(name, False, default=kind == "bn_default")
        with model_scope(layers) as scopes:
            h = layers.dense(x, 32, None if is_training is not None else "relu", scope=nm.layer("hidden", 1))
            if is_training is not None:
                h = tf.nn.relu(layers.batch_norm(h, case.pick(("assign", "ema")), is_training))
            if kind == "epsilon":
                eps = scalar(case.pick(("epsilon", "eps", "norm_epsilon", "ln_eps")), 1e-3, default=True)
                mean, var = tf.nn.moments(h, [1], keepdims=True)
                h = (h - mean) / tf.sqrt(var + eps)
            if kind == "keep_legacy":
                h = layers.dropout(h, "legacy", scalar(nm("keep_prob"), 1.0, default=False))
            elif kind == "dropout_as_keep":  # aymericdamien's examples: `dropout = 0.75  # probability to keep units`
                h = v1.nn.dropout(h, keep_prob=scalar(case.pick(("dropout", "dropout_ph", "drop")), 1.0, default=False))
            elif kind == "dropout_as_rate":
                h = tf.nn.dropout(h, rate=scalar(case.pick(("dropout", "dropout_ph", "drop")), 0.0, default=False))
            elif kind == "is_train_cond":
                flag = scalar(case.pick(("is_train", "is_training", "train_mode", "training")), False, default=False)
                h = layers.dropout(h, "cond", flag)
            elif kind == "keep_default":
                h = layers.dropout(h, case.pick(("keep", "legacy")), scalar(nm("keep_prob"), 1.0, default=True))
            elif kind == "two_auto":
                h = layers.dropout(h, "keep", scalar(None, 1.0, default=False))
            head = classifier(case, layers, h, case.pick((3, 10)), "logits" if kind == "temperature" else "softmax")
            if kind == "temperature":
                temperature = scalar(case.pick(("temperature", "temp", "tau", "softmax_temperature")), 1.0, default=True)
                head.outputs = [tf.nn.softmax(head.logits / temperature, name=nm("probs"))]
        train(case, head, layers)
        iface = Interface(inputs=[x], outputs=head.outputs, labels=head.labels, switches=switches,
                          extra_outputs=head.extra, tail=[head.loss] if case.chance(0.3) else [])
        notes = f"{kind} switch, names {nm.style}" + (f", scopes {'/'.join(scopes)}" if scopes else "")
        return save(case, graph, fmt, kind, iface, notes)


PWDS = ("bottleneck", "bottleneck_jpeg", "bottleneck_island", "const_default", "bottleneck", "bottleneck_served")


def build_pwd(case: Case) -> Truth:
    """The retrain.py layout: a feature-extractor module, its bottleneck behind a PlaceholderWithDefault
    (``input/BottleneckInputPlaceholder``) that training feeds with cached bottlenecks, a final layer
    ``final_result``, ``input/GroundTruthInput``, cross entropy, GradientDescent and an accuracy."""
    nm = case.names
    kind = PWDS[case.index % len(PWDS)]
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = {"bottleneck_served": "saved_model"}.get(kind) or case.fmt(("checkpoint", "graphdef", "metagraph", "graphdef"))
        size, classes, width = case.pick((32, 48)), case.pick((3, 5, 102)), case.pick((16, 32))
        iface = Interface(inputs=[], outputs=[])
        if kind == "const_default":  # a data input with a constant default, overridden at inference
            dim = case.pick((8, 20))
            x = v1.placeholder_with_default(np.zeros((1, dim), np.float32), [None, dim], name=nm("input") or "input")
            with model_scope(layers):
                h = layers.dense(x, 16, "relu", scope=nm.layer("hidden", 1))
                head = classifier(case, layers, h, classes, "softmax")
            train(case, head, layers)
            iface.inputs, iface.outputs, iface.labels = [x], head.outputs, head.labels
            return save(case, graph, fmt, kind, iface, f"a data input with a constant default, names {nm.style}")
        if kind == "bottleneck_jpeg":
            jpeg = v1.placeholder(tf.string, [], name="DecodeJPGInput")
            chain = [tf.image.decode_jpeg(jpeg, channels=3)]
            chain.append(tf.expand_dims(tf.cast(chain[-1], tf.float32), 0))
            chain.append(v1.image.resize_bilinear(chain[-1], [size, size]))
            chain.append(tf.multiply(chain[-1], 1.0 / 255, name="Mul"))
            image = chain[-1]
            image.set_shape([None, size, size, 3])
            iface.inputs, iface.cut_ok = [jpeg], chain
            from bench.devcorpus.families.decoding import encoded

            iface.feeds[jpeg] = encoded("jpeg", size)
        else:
            image = v1.placeholder(tf.float32, [None, size, size, 3], name="Placeholder" if case.chance(0.5) else "input")
            iface.inputs = [image]
        with v1.variable_scope("module") if layers.var_style == "get_variable" else v1.name_scope("module"):
            h = layers.pool(layers.conv(image, 8, scope="conv1"))
            h = layers.conv(h, width, scope="conv2")
            bottleneck = tf.reduce_mean(h, [1, 2], name="feature_vector")
        with v1.name_scope("input"):
            bottleneck_input = v1.placeholder_with_default(bottleneck, [None, width], name="BottleneckInputPlaceholder")
            ground_truth = v1.placeholder(tf.int64, [None], name="GroundTruthInput")
        with v1.name_scope("final_retrain_ops"):
            with v1.name_scope("weights"):
                weights = v1.Variable(v1.truncated_normal([width, classes], stddev=0.001), name="final_weights",
                                      use_resource=False)
                variable_summaries(weights, "w")
            with v1.name_scope("biases"):
                biases = v1.Variable(tf.zeros([classes]), name="final_biases", use_resource=False)
            with v1.name_scope("Wx_plus_b"):
                logits = tf.matmul(bottleneck_input, weights) + biases
                v1.summary.histogram("pre_activations", logits)
        final = tf.nn.softmax(logits, name=case.pick(("final_result", "final_result", "final_tensor")))
        v1.summary.histogram("activations", final)
        with v1.name_scope("cross_entropy"):
            loss = v1.losses.sparse_softmax_cross_entropy(labels=ground_truth, logits=logits)
        v1.summary.scalar("cross_entropy", loss)
        with v1.name_scope("train"):
            training = minimize(nm, loss, fed_lr=False)
        with v1.name_scope("accuracy"):
            with v1.name_scope("correct_prediction"):
                correct = tf.equal(tf.argmax(final, 1), ground_truth)
            with v1.name_scope("accuracy"):
                evaluation = tf.reduce_mean(tf.cast(correct, tf.float32))
        v1.summary.scalar("accuracy", evaluation)
        v1.summary.merge_all()
        if kind == "bottleneck_island":  # retrain.py's JPEG decoding, not connected to the model
            island = v1.placeholder(tf.string, name="DecodeJPGInput")
            decoded = tf.expand_dims(tf.cast(tf.image.decode_jpeg(island, channels=3), tf.float32), 0)
            v1.image.resize_bilinear(decoded, [size, size]) * (1.0 / 255)
        iface.outputs = [final]
        iface.labels = [ground_truth, *training.feeds]
        if kind == "bottleneck_served":
            iface.signatures = {"serving_default": ({"image": image}, {"prediction": final})}
        notes = ("retrained classifier: the bottleneck PlaceholderWithDefault defaults to the module's output and is "
                 "fed only in training" + (", the input is a JPEG string" if kind == "bottleneck_jpeg" else "")
                 + (", with retrain.py's unconnected JPEG-decoding island" if kind == "bottleneck_island" else ""))
        return save(case, graph, fmt, kind.replace("_", "-"), iface, notes)
