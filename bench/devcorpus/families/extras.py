"""Auxiliary heads that feed only an auxiliary loss, summaries of every kind (the TensorBoard tutorial's,
cifar10's activation summaries, histograms of gradients, statistics of the prediction itself), and
completely unnamed graphs (every name TensorFlow's own)."""

from __future__ import annotations

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import (
    Head,
    classifier,
    dropout_switch,
    model_scope,
    new_graph,
    regressor,
    train,
)
from bench.devcorpus.families.pipelines import build_queue
from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.training import (
    Labels,
    Training,
    accuracy,
    label_placeholder,
    minimize,
    summaries,
    variable_summaries,
)
from bench.devcorpus.writers import Case, Interface, save

AUX = ("inception", "deep_supervision", "multitask", "inception_tail", "aux_metrics", "argmax_metric")


def build_auxhead(case: Case) -> Truth:
    nm = case.names
    kind = AUX[case.index % len(AUX)]
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = "graphdef" if kind == "inception_tail" else case.fmt(("checkpoint", "graphdef", "metagraph", "saved_model", "checkpoint"))
        classes = case.pick((5, 10, 1001))
        labels = label_placeholder(nm, classes, sparse=True)
        aux_losses: list[Tensor] = []
        metrics: list[Tensor] = []
        if kind in ("inception", "inception_tail", "aux_metrics", "argmax_metric"):
            x = v1.placeholder(tf.float32, [None, 32, 32, 3], name=nm("image"))
            with model_scope(layers, [case.pick(("InceptionV3", "inception", "net", "model"))]):
                h = layers.pool(layers.conv(x, 16, scope="Conv2d_1a_3x3"))
                mid = layers.conv(h, 16, scope="Mixed_5b")
                with layers.scope("AuxLogits"):
                    a = layers.pool(mid, "avg")
                    a = layers.conv(a, 8, k=1, scope="Conv2d_1b_1x1")
                    aux_logits = layers.dense(layers.flatten(a), classes, None, scope="Conv2d_2b_1x1")
                h = layers.pool(layers.conv(mid, 32, scope="Mixed_6a"))
                with layers.scope("Logits"):
                    logits = layers.dense(layers.flatten(layers.pool(h, "avg")), classes, None, scope="Conv2d_1c_1x1")
                probs = tf.nn.softmax(logits, name="Predictions")
            head = Head(logits, [probs])
            aux_losses.append(0.4 * v1.losses.sparse_softmax_cross_entropy(labels.tensor, aux_logits))
            if kind == "aux_metrics":
                metrics += [accuracy(nm, probs, labels), accuracy(nm, aux_logits, labels)]
            if kind == "argmax_metric":  # an ArgMax named like a prediction that only the metric reads
                predicted = tf.argmax(probs, 1, name=case.pick(("predictions", "prediction", "predicted_class")))
                metrics.append(tf.reduce_mean(tf.cast(tf.equal(predicted, tf.cast(labels.tensor, tf.int64)), tf.float32),
                                              name="accuracy"))
        else:
            x = v1.placeholder(tf.float32, [None, case.pick((20, 64))], name=nm("input"))
            with model_scope(layers) as _:
                h = x
                for i in range(3):
                    h = layers.dense(h, 32, "relu", scope=nm.layer("hidden", i + 1) or f"layer{i + 1}")
                    if kind == "deep_supervision" and i < 2:
                        side = layers.dense(h, classes, None, scope=f"side_{i + 1}")
                        aux_losses.append(0.3 * v1.losses.sparse_softmax_cross_entropy(labels.tensor, side))
                head = classifier(case, layers, h, classes, "softmax", train=False, scope="main_head")
                if kind == "multitask":  # an auxiliary regression target that only helps training
                    aux = regressor(case, layers, h, 4, train=False, scope="aux_head")
                    aux_target = v1.placeholder(tf.float32, [None, 4], name=case.pick(("aux_target", "rotation", None)))
                    aux_losses.append(0.1 * tf.reduce_mean(tf.square(aux.logits - aux_target)))
                    head.labels.append(aux_target)
        main_loss = v1.losses.sparse_softmax_cross_entropy(labels.tensor, head.logits)
        head.loss = tf.add_n([main_loss, *aux_losses], name=nm("loss"))
        head.labels.insert(0, labels.tensor)
        head.scalars = [head.loss, *metrics]
        train(case, head, layers)
        iface = Interface(inputs=[x], outputs=head.outputs, labels=head.labels,
                          tail=[head.loss, *metrics] if kind == "inception_tail" else [])
        notes = f"{kind}: auxiliary heads feed only the auxiliary losses, names {nm.style}"
        return save(case, graph, fmt, kind, iface, notes)


SUMMARIES = ("tutorial", "cifar10", "histograms", "queue", "gradients", "prediction_stats")


def build_summaries(case: Case) -> Truth:
    nm = case.names
    kind = SUMMARIES[case.index % len(SUMMARIES)]
    if kind == "queue":  # a queue-fed training graph with summaries (the queue family's builder, its summaries variant)
        return build_queue(case, kind="summaries")
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("checkpoint", "metagraph", "graphdef", "checkpoint", "graphdef_text", "checkpoint"))
        iface = Interface(inputs=[], outputs=[])
        if kind == "tutorial":  # mnist_with_summaries.py, op for op where it matters
            with v1.name_scope("input"):
                x = v1.placeholder(tf.float32, [None, 784], name="x-input")
                y_ = v1.placeholder(tf.int64, [None], name="y-input")
            with v1.name_scope("input_reshape"):
                v1.summary.image("input", tf.reshape(x, [-1, 28, 28, 1]), 10)

            def nn_layer(t: Tensor, out_dim: int, name: str, act: object) -> Tensor:
                with v1.name_scope(name):
                    with v1.name_scope("weights"):
                        w = v1.Variable(v1.truncated_normal([int(t.shape[1]), out_dim], stddev=0.1), use_resource=False)
                        variable_summaries(w, "w")
                    with v1.name_scope("biases"):
                        b = v1.Variable(tf.constant(0.1, shape=[out_dim]), use_resource=False)
                        variable_summaries(b, "b")
                    with v1.name_scope("Wx_plus_b"):
                        pre = tf.matmul(t, w) + b
                        v1.summary.histogram("pre_activations", pre)
                    out = act(pre, name="activation")  # type: ignore[operator]
                    v1.summary.histogram("activations", out)
                    return out

            hidden = nn_layer(x, 64, "layer1", tf.nn.relu)
            with v1.name_scope("dropout"):
                keep_prob = v1.placeholder(tf.float32)
                v1.summary.scalar("dropout_keep_probability", keep_prob)
                dropped = v1.nn.dropout(hidden, keep_prob=keep_prob)
            y = nn_layer(dropped, 10, "layer2", tf.identity)
            with v1.name_scope("cross_entropy"):
                loss = v1.losses.sparse_softmax_cross_entropy(labels=y_, logits=y)
            v1.summary.scalar("cross_entropy", loss)
            with v1.name_scope("train"):
                tutorial = minimize(nm, loss, fed_lr=False)
            with v1.name_scope("accuracy"):
                with v1.name_scope("correct_prediction"):
                    correct = tf.equal(tf.argmax(y, 1), y_)
                with v1.name_scope("accuracy"):
                    acc = tf.reduce_mean(tf.cast(correct, tf.float32))
            v1.summary.scalar("accuracy", acc)
            v1.summary.merge_all()
            iface = Interface(inputs=[x], outputs=[y], labels=[y_, *tutorial.feeds], switches={keep_prob: 1.0})
            return save(case, graph, fmt, kind, iface, "the TensorBoard tutorial's mnist_with_summaries graph: "
                        "the logits layer2/activation is the output, keep_prob also feeds a summary")
        x = v1.placeholder(tf.float32, [None, 24, 24, 3] if kind == "cifar10" else [None, 64], name=nm("image" if kind == "cifar10" else "input"))
        labels = label_placeholder(nm, 10, sparse=True)
        drop = dropout_switch(case, kind=case.pick(("none", "keep")))
        with model_scope(layers, []):
            h = x
            if kind == "cifar10":
                for i in range(2):
                    h = layers.conv(h, 16, k=5, scope=f"conv{i + 1}")
                    _activation_summary(h)
                    h = layers.pool(h)
                h = layers.flatten(h)
                for i in (3, 4):
                    h = layers.dense(h, 64, "relu", scope=f"local{i}")
                    _activation_summary(h)
                if drop.tensor is not None:
                    h = layers.dropout(h, drop.kind, drop.tensor)
                logits = layers.dense(h, 10, None, scope="softmax_linear", out_name="softmax_linear")
                _activation_summary(logits)
                head = Head(logits, [logits])
            else:
                for i in range(2):
                    h = layers.dense(h, 32, "relu", scope=nm.layer("hidden", i + 1))
                if drop.tensor is not None:
                    h = layers.dropout(h, drop.kind, drop.tensor)
                head = classifier(case, layers, h, 10, "softmax", train=False)
        loss = tf.reduce_mean(v1.nn.sparse_softmax_cross_entropy_with_logits(labels=labels.tensor, logits=head.logits),
                              name=nm("loss"))
        if kind == "cifar10":
            in_top = v1.nn.in_top_k(head.logits, tf.cast(labels.tensor, tf.int32), 1)
            v1.summary.scalar("precision", tf.reduce_mean(tf.cast(in_top, tf.float32)))
            averages = v1.train.ExponentialMovingAverage(0.9, name="avg")
            average_op = averages.apply([loss])
            v1.summary.scalar(loss.op.name + " (raw)", loss)
            v1.summary.scalar(loss.op.name, averages.average(loss))
            cifar_training = minimize(nm, loss)
            tf.group(cifar_training.train_op, average_op, name="train_op")
            training: Training | None = cifar_training
        elif kind == "gradients":
            optimizer = v1.train.AdamOptimizer(1e-3)
            grads = optimizer.compute_gradients(loss)
            for g, v in grads:
                if g is not None:
                    v1.summary.histogram(v.op.name + "/gradients", g)
            optimizer.apply_gradients(grads, global_step=v1.train.get_or_create_global_step())
            training = None
        else:
            training = minimize(nm, loss)
        if kind == "prediction_stats":  # statistics of the output itself, summarised every step
            variable_summaries(head.outputs[0], "pred")
            v1.summary.scalar("sparsity", tf.nn.zero_fraction(h))
        if kind == "histograms":
            summaries(nm, [loss, accuracy(nm, head.outputs[0], labels)], layers, None, style="histograms")
        v1.summary.merge_all()
        iface = Interface(inputs=[x], outputs=head.outputs,
                          labels=[labels.tensor, *(training.feeds if training is not None else [])])
        drop.add_to(iface.switches)
        return save(case, graph, fmt, kind, iface, f"{kind} summaries, names {nm.style}")


def _activation_summary(t: Tensor) -> None:
    """cifar10.py's _activation_summary: a histogram and the sparsity (zero_fraction) of an activation."""
    name = t.op.name
    v1.summary.histogram(name + "/activations", t)
    v1.summary.scalar(name + "/sparsity", tf.nn.zero_fraction(t))


UNNAMED = ("logits_xent", "mlp_frozen", "cnn_tutorial", "linear_regression", "logistic", "mlp_summaries",
           "two_inputs", "served")


def build_unnamed(case: Case) -> Truth:
    nm = case.names
    nm.style = "auto"
    kind = UNNAMED[case.index % len(UNNAMED)]
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = {"mlp_frozen": "graphdef", "logistic": "graphdef_text", "mlp_summaries": "metagraph",
               "served": "saved_model"}.get(kind, "checkpoint")
        switches: dict[Tensor, float] = {}
        if kind == "linear_regression":  # X * W + b, squared error, GradientDescent
            x, y = v1.placeholder(tf.float32), v1.placeholder(tf.float32)
            w, b = v1.Variable(v1.random_normal([1]), use_resource=False), v1.Variable(v1.random_normal([1]), use_resource=False)
            pred = tf.add(tf.multiply(x, w), b)
            loss = tf.reduce_sum(tf.pow(pred - y, 2)) / 100
            v1.train.GradientDescentOptimizer(0.01).minimize(loss)
            iface = Interface(inputs=[x], outputs=[pred], labels=[y], feeds={x: np.arange(4, dtype=np.float32)})
            return save(case, graph, fmt, kind, iface, "unnamed linear regression on shapeless placeholders")
        inputs = [v1.placeholder(tf.float32, [None, 16])]
        if kind == "two_inputs":
            inputs.append(v1.placeholder(tf.float32, [None, 8]))
        h = tf.concat(inputs, 1) if len(inputs) > 1 else inputs[0]
        if kind == "cnn_tutorial":
            h = tf.reshape(h, [-1, 4, 4, 1])
            h = layers.pool(layers.conv(h, 8, k=5))
            h = layers.flatten(h)
            keep = v1.placeholder(tf.float32)
            h = layers.dropout(layers.dense(h, 32, "relu"), "legacy", keep)
            switches[keep] = 1.0
        elif kind != "logits_xent":
            h = layers.dense(h, 32, "relu")
        classes = 2 if kind == "logistic" else 10
        logits = tf.matmul(h, layers.var("w", [int(h.shape[1]), classes])) + layers.var("b", [classes], "zeros")
        if kind == "logistic":
            out: Tensor = tf.sigmoid(logits)
            y = v1.placeholder(tf.float32, [None, classes])
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
        else:
            out = logits if kind == "logits_xent" else tf.nn.softmax(logits)
            y = v1.placeholder(tf.float32, [None, classes])
            loss = tf.reduce_mean(v1.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        training = minimize(nm, loss, fed_lr=False)
        if kind == "mlp_summaries":
            summaries(nm, [loss, accuracy(nm, out, Labels(y, False, classes))], layers, None, style="histograms")
        iface = Interface(inputs=inputs, outputs=[out], labels=[y, *training.feeds], switches=switches,
                          tail=[loss] if case.chance(0.3) else [])
        return save(case, graph, fmt, kind, iface, f"{kind}: every name TensorFlow's own")
