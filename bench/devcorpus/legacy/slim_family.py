"""tf-slim CNNs: arg_scopes over conv2d/batch_norm/dropout, as train_image_classifier.py and
export_inference_graph.py left them.

Training checkpoints carry ``slim.learning.create_train_op`` (update ops, CheckNumerics on the loss), slim
losses, an accuracy metric, the summaries the slim scripts add (activation histograms, zero-fraction sparsity,
loss scalars, the learning rate) and a Saver; inputs come from a placeholder, ``tf.train.batch`` or a
``slim.prefetch_queue``. Frozen and exported graphs are built with the mode fixed or with a switch left in.
The Inception-style nets carry an AuxLogits head that feeds only the auxiliary loss.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import naming
import tf_slim as slim
import writers
from writers import Truth, names, tf, v1

FAMILY = "legacy-slim"
END_POINTS = "end_points"

# (architecture, format, input pipeline, mode switch): one row per graph, names and sizes drawn per graph.
PLAN = [
    ("lenet", "checkpoint", "placeholder", "keep_prob"),
    ("lenet", "graphdef", "placeholder", "none"),
    ("lenet", "checkpoint", "batch", "python"),
    ("vgg", "checkpoint", "placeholder", "is_training"),
    ("vgg", "graphdef", "placeholder", "is_training_default"),
    ("vgg", "graphdef_text", "placeholder", "keep_prob"),
    ("inception", "checkpoint", "placeholder", "is_training"),
    ("inception", "graphdef", "placeholder", "none"),
    ("inception", "graphdef_text", "placeholder", "none"),
    ("inception", "checkpoint", "prefetch", "python"),
    ("resnet", "checkpoint", "placeholder", "is_training_default"),
    ("resnet", "graphdef", "placeholder", "none"),
    ("resnet", "metagraph", "placeholder", "is_training"),
    ("mobilenet", "checkpoint", "placeholder", "both"),
    ("mobilenet", "graphdef", "placeholder", "keep_prob"),
    ("mobilenet", "saved_model", "placeholder", "none"),
]

NET_SCOPES = {"lenet": ["LeNet", "lenet", "", "cnn"], "vgg": ["vgg_16", "vgg_a", "VGG", "vgg_small"],
              "inception": ["InceptionV3", "InceptionV1", "inception_v2", "Incept"],
              "resnet": ["resnet_v1_50", "resnet_v2_18", "ResNet", "net"],
              "mobilenet": ["MobilenetV1", "mobilenet_v2", "Mobilenet", "mnet"]}


def _lenet(net: Any, n: int, depth: int, training: Any, keep: Any) -> tuple[Any, Any]:
    for i in range(depth):
        net = slim.conv2d(net, 8 * (i + 1), [5, 5], scope=f"conv{i + 1}")
        net = slim.max_pool2d(net, [2, 2], 2, scope=f"pool{i + 1}")
    net = slim.flatten(net)
    net = slim.fully_connected(net, 32, scope="fc3")
    net = slim.dropout(net, keep, is_training=training, scope="dropout3")
    return slim.fully_connected(net, n, activation_fn=None, normalizer_fn=None, scope="fc4"), None


def _vgg(net: Any, n: int, depth: int, training: Any, keep: Any) -> tuple[Any, Any]:
    for i in range(depth):
        net = slim.repeat(net, 2, slim.conv2d, 8 * (i + 1), [3, 3], scope=f"conv{i + 1}")
        net = slim.max_pool2d(net, [2, 2], scope=f"pool{i + 1}")
    size = int(net.shape[1])
    net = slim.conv2d(net, 32, [size, size], padding="VALID", scope="fc6")
    net = slim.dropout(net, keep, is_training=training, scope="dropout6")
    net = slim.conv2d(net, n, [1, 1], activation_fn=None, normalizer_fn=None, scope="fc8")
    return tf.squeeze(net, [1, 2], name="fc8/squeezed"), None


def _inception(net: Any, n: int, depth: int, training: Any, keep: Any) -> tuple[Any, Any]:
    net = slim.conv2d(net, 8, [3, 3], stride=2, scope="Conv2d_1a_3x3")
    aux = None
    for i in range(depth + 1):
        with v1.variable_scope(f"Mixed_{i + 5}b"):
            with v1.variable_scope("Branch_0"):
                b0 = slim.conv2d(net, 4, [1, 1], scope="Conv2d_0a_1x1")
            with v1.variable_scope("Branch_1"):
                b1 = slim.conv2d(net, 4, [1, 1], scope="Conv2d_0a_1x1")
                b1 = slim.conv2d(b1, 6, [3, 3], scope="Conv2d_0b_3x3")
            with v1.variable_scope("Branch_2"):
                b2 = slim.avg_pool2d(net, [3, 3], stride=1, padding="SAME", scope="AvgPool_0a_3x3")
                b2 = slim.conv2d(b2, 4, [1, 1], scope="Conv2d_0b_1x1")
            net = tf.concat(axis=3, values=[b0, b1, b2])
        if i == depth // 2:
            with v1.variable_scope("AuxLogits"):
                a = slim.avg_pool2d(net, [3, 3], stride=2, padding="SAME", scope="AvgPool_1a_3x3")
                a = slim.conv2d(a, 8, [1, 1], scope="Conv2d_1b_1x1")
                a = slim.flatten(a)
                aux = slim.fully_connected(a, n, activation_fn=None, normalizer_fn=None, scope="Logits")
    with v1.variable_scope("Logits"):
        net = tf.reduce_mean(net, [1, 2], keepdims=True, name="GlobalPool")
        net = slim.dropout(net, keep, is_training=training, scope="Dropout_1b")
        net = slim.conv2d(net, n, [1, 1], activation_fn=None, normalizer_fn=None, scope="Conv2d_1c_1x1")
        logits = tf.squeeze(net, [1, 2], name="SpatialSqueeze")
    return logits, aux


def _resnet(net: Any, n: int, depth: int, training: Any, keep: Any) -> tuple[Any, Any]:
    net = slim.conv2d(net, 8, [3, 3], scope="conv1")
    for b in range(depth):
        with v1.variable_scope(f"block{b + 1}"):
            for u in range(2):
                with v1.variable_scope(f"unit_{u + 1}/bottleneck_v1"):
                    stride = 2 if u == 0 and b > 0 else 1
                    depth_out = 8 * (b + 1)
                    shortcut = slim.conv2d(net, depth_out, [1, 1], stride=stride, activation_fn=None,
                                           scope="shortcut")
                    res = slim.conv2d(net, depth_out, [3, 3], stride=stride, scope="conv1")
                    res = slim.conv2d(res, depth_out, [3, 3], activation_fn=None, scope="conv2")
                    net = tf.nn.relu(shortcut + res)
    net = tf.reduce_mean(net, [1, 2], name="pool5", keepdims=True)
    net = slim.conv2d(net, n, [1, 1], activation_fn=None, normalizer_fn=None, scope="logits")
    return tf.squeeze(net, [1, 2], name="SpatialSqueeze"), None


def _mobilenet(net: Any, n: int, depth: int, training: Any, keep: Any) -> tuple[Any, Any]:
    net = slim.conv2d(net, 8, [3, 3], stride=2, scope="Conv2d_0")
    for i in range(depth + 1):
        net = slim.separable_conv2d(net, None, [3, 3], depth_multiplier=1, stride=1 + (i % 2),
                                    scope=f"Conv2d_{i + 1}_depthwise")
        net = slim.conv2d(net, 8 * (i + 2), [1, 1], scope=f"Conv2d_{i + 1}_pointwise")
    with v1.variable_scope("Logits"):
        net = slim.avg_pool2d(net, net.shape[1:3], padding="VALID", scope="AvgPool_1a")
        net = slim.dropout(net, keep, is_training=training, scope="Dropout_1b")
        net = slim.conv2d(net, n, [1, 1], activation_fn=None, normalizer_fn=None, scope="Conv2d_1c_1x1")
        logits = tf.squeeze(net, [1, 2], name="SpatialSqueeze")
    return logits, None


NETS = {"lenet": _lenet, "vgg": _vgg, "inception": _inception, "resnet": _resnet, "mobilenet": _mobilenet}


def _switches(mode: str, rng: random.Random, train_graph: bool) -> tuple[Any, Any, dict[str, Any]]:
    """(is_training, keep_prob, truth switches) for one switch mode; Python values mean "no switch"."""
    training: Any = train_graph
    keep: Any = 0.8 if rng.random() < 0.5 else 0.5
    found: dict[str, Any] = {}
    if mode in ("is_training", "both"):
        training = v1.placeholder(tf.bool, [], name=naming.styled(rng, naming.pick(rng, naming.IS_TRAINING)))
        found[training.name] = False
    if mode == "is_training_default":
        training = v1.placeholder_with_default(train_graph, [], name=naming.pick_named(
            rng, naming.IS_TRAINING, "is_training"))
        found[training.name] = False
    if mode in ("keep_prob", "both"):
        keep = v1.placeholder(tf.float32, [] if rng.random() < 0.6 else None,
                              name=naming.styled(rng, naming.pick(rng, naming.KEEP_PROB)))
        found[keep.name] = 1.0
    return training, keep, found


def _input_images(pipeline: str, rng: random.Random, size: int, channels: int, n: int,
                  fixed_batch: int | None) -> tuple[Any, Any, list[str]]:
    """(images, labels, cut_ok) from a placeholder, a tf.train.batch queue or a slim prefetch queue."""
    if pipeline == "placeholder":
        images = v1.placeholder(tf.float32, [fixed_batch, size, size, channels],
                                name=naming.styled(rng, naming.pick(rng, naming.IMAGE_INPUTS)))
        labels = v1.placeholder(tf.int64, [fixed_batch], name=naming.pick(rng, naming.LABELS))
        return images, labels, []
    pool = rng.randint(16, 24)
    data = v1.random_uniform([pool, size, size, channels], seed=rng.randint(0, 99), name="raw_images")
    targets = tf.constant([i % n for i in range(pool)], dtype=tf.int64)
    image, label = v1.train.slice_input_producer([data, targets], shuffle=True, seed=rng.randint(0, 99))
    image = tf.image.random_flip_left_right(image)
    images, labels = v1.train.batch([image, label], batch_size=fixed_batch or 8, num_threads=2, capacity=32)
    if pipeline == "prefetch":
        queue = slim.prefetch_queue.prefetch_queue([images, labels], capacity=2)
        images, labels = queue.dequeue()
    return images, labels, []


def build(index: int, rng: random.Random, root: Path) -> Truth:
    arch, fmt, pipeline, mode = PLAN[index]
    ident = f"{FAMILY}-{arch}-{fmt.replace('_', '')}-{index:03d}"
    folder = writers.fresh(root / FAMILY / ident)
    train_graph = fmt in ("checkpoint", "metagraph")
    n = rng.choice([2, 5, 10, 17])
    size, channels = rng.choice([(28, 1), (32, 3), (40, 3)])
    depth = rng.randint(1, 3)
    fixed_batch = rng.choice([None, None, None, 1, 8]) if pipeline == "placeholder" else rng.choice([4, 8])
    net_scope = rng.choice(NET_SCOPES[arch])
    tower = rng.choice(["", "", "clone_0", "tower_0"]) if train_graph else ""
    softmax_style = rng.choice(["slim", "slim", "nn", "none"])
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as sess:
        v1.set_random_seed(index)
        images, labels, cut_ok = _input_images(pipeline, rng, size, channels, n, fixed_batch)
        training, keep, switches = _switches(mode, rng, train_graph)
        bn_params = {"is_training": training, "decay": 0.997, "updates_collections": v1.GraphKeys.UPDATE_OPS}
        use_bn = arch != "lenet" or rng.random() < 0.4
        with v1.name_scope(tower or None):
            with slim.arg_scope([slim.conv2d, slim.fully_connected, slim.separable_conv2d],
                                weights_regularizer=slim.l2_regularizer(4e-5),
                                normalizer_fn=slim.batch_norm if use_bn else None,
                                normalizer_params=bn_params if use_bn else None), \
                    slim.arg_scope([slim.conv2d, slim.fully_connected, slim.separable_conv2d, slim.max_pool2d,
                                    slim.avg_pool2d], outputs_collections=END_POINTS):
                with v1.variable_scope(net_scope or None, "Net", [images]):
                    # An author who feeds keep_prob applies dropout always and feeds 1.0 at test time.
                    drop = True if isinstance(keep, tf.Tensor) else training
                    logits, aux = NETS[arch](images, n, depth, drop, keep)
                    if softmax_style == "slim":
                        head = slim.softmax(logits, scope="Predictions")
                    elif softmax_style == "nn":
                        head = tf.nn.softmax(logits, name=naming.pick(rng, [*naming.OUTPUT_WORDS, None]))
                    else:
                        head = logits
        truth = Truth(ident, FAMILY, fmt, "", names([images]), names([head]), "")
        truth.mode_switches = switches
        notes = [f"slim {arch} (depth {depth}, {'batch norm' if use_bn else 'no batch norm'})"]
        if aux is not None:
            notes.append("an AuxLogits head")
        if train_graph:
            truth.labels = names([labels])
            _training_tail(rng, logits, aux, labels, n, head, arch)
            notes.append(f"train op, summaries, Saver; input via {pipeline}")
        sess.run([v1.global_variables_initializer(), v1.local_variables_initializer()])
        if fmt == "checkpoint":
            saver = v1.train.Saver(max_to_keep=rng.choice([2, 5]))
            prefix = rng.choice(["model.ckpt", "model.ckpt", "train_dir/model.ckpt", "model"])
            truth.model = writers.write_checkpoint(sess, saver, folder, prefix, rng.choice([1200, 30000, 487, 5]))
        elif fmt == "metagraph":
            saver = v1.train.Saver()
            truth.model = writers.write_metagraph(graph, folder, rng.choice(["graph.meta", "model.meta"]), saver)
            notes.append("a bare .meta with no data")
        elif fmt == "graphdef":
            name = rng.choice(["frozen_graph.pb", f"{arch}_frozen.pb", "output_graph.pb", "model.pb",
                               "frozen_inference_graph.pb"])
            truth.model = writers.write_graphdef(writers.freeze(sess, truth.outputs), folder, name)
            notes.append("frozen to the prediction")
        elif fmt == "graphdef_text":
            name = rng.choice([f"{arch}_inf_graph.pbtxt", "graph.pbtxt", "inference_graph.pbtxt"])
            truth.model = writers.write_graphdef(graph.as_graph_def(), folder, name)
            notes.append("export_inference_graph style: variables, not frozen, nothing pruned")
        else:
            sigs = {"serving_default": writers.signature({"images": images}, {"probabilities": head})}
            truth.model = writers.write_saved_model(sess, folder, rng.choice(["saved_model", "export/1"]), sigs)
        truth.notes = "; ".join(notes)
        truth.cut_ok = cut_ok
    return writers.finish(folder, truth)


def _training_tail(rng: random.Random, logits: Any, aux: Any, labels: Any, n: int, head: Any, arch: str) -> None:
    """Losses, accuracy, slim's train op and the summaries train_image_classifier.py adds."""
    onehot = slim.one_hot_encoding(labels, n)
    v1.losses.softmax_cross_entropy(onehot, logits, label_smoothing=0.1 if rng.random() < 0.3 else 0.0)
    if aux is not None:
        v1.losses.softmax_cross_entropy(onehot, aux, weights=0.4, scope="aux_loss")
    total_loss = v1.losses.get_total_loss()
    if rng.random() < 0.7:
        predictions = tf.argmax(head, 1)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(predictions, labels), tf.float32), name="accuracy")
        v1.summary.scalar("accuracy", accuracy)
    else:
        v1.metrics.accuracy(labels, tf.argmax(logits, 1), name="streaming_accuracy")
    global_step = v1.train.get_or_create_global_step()
    lr = v1.train.exponential_decay(0.01, global_step, 1000, 0.94, staircase=True, name="exponential_decay_learning_rate")
    optimizer = rng.choice([lambda: v1.train.RMSPropOptimizer(lr, decay=0.9, momentum=0.9, epsilon=1.0),
                            lambda: v1.train.MomentumOptimizer(lr, 0.9),
                            lambda: v1.train.AdamOptimizer(lr)])()
    end_points = v1.get_collection(END_POINTS)
    for end_point in rng.sample(end_points, min(len(end_points), rng.randint(2, 6))):
        v1.summary.histogram("activations/" + end_point.op.name, end_point)
        v1.summary.scalar("sparsity/" + end_point.op.name, tf.nn.zero_fraction(end_point))
    slim.summaries.add_zero_fraction_summary(logits, name=f"{arch}_logits")
    for loss in v1.get_collection(v1.GraphKeys.LOSSES):
        v1.summary.scalar(f"losses/{loss.op.name}", loss)
    v1.summary.scalar("learning_rate", lr)
    v1.summary.scalar("total_loss", total_loss)
    slim.learning.create_train_op(total_loss, optimizer, summarize_gradients=rng.random() < 0.5)
    v1.summary.merge_all()
