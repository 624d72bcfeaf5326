"""Training graphs fed by a pipeline instead of placeholders: queues (string_input_producer and readers,
FIFOQueue / RandomShuffleQueue with enqueue placeholders, tf.train.batch / shuffle_batch) and tf.data
(one-shot, initializable, reinitializable and feedable iterators). The truth input is the tensor right
after the pipeline, or the PlaceholderWithDefault an author put there to bypass it."""

from __future__ import annotations

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import Head, classifier, model_scope, new_graph, train
from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.training import Labels, summaries
from bench.devcorpus.writers import Case, Interface, save

QUEUES = ("tfrecord_shuffle", "csv_batch", "fifo_feed", "random_shuffle", "pwd_bypass", "whole_file_jpeg",
          "slice_input", "summaries")
DATASETS = ("one_shot", "initializable", "tfrecord", "reinitializable", "feedable", "dict", "pwd_bypass")
FEATURES, CLASSES, SIZE = 12, 5, 16


def _model(case: Case, layers: Layers, x: Tensor, labels: Tensor) -> Head:
    """A small classifier on ``x`` (images or vectors) whose loss reads ``labels`` from the pipeline."""
    nm = case.names
    with model_scope(layers):
        h = x
        if len(x.shape) == 4:
            h = layers.pool(layers.conv(h, 8, scope=nm.layer("conv", 1)))
            h = layers.flatten(h)
        for i in range(case.rng.randint(1, 2)):
            h = layers.dense(h, case.pick((16, 32)), "relu", scope=nm.layer("hidden", i + 1))
        sparse = labels.dtype.is_integer
        return classifier(case, layers, h, CLASSES, case.pick(("softmax", "softmax", "logits")),
                          labels=Labels(labels, sparse, CLASSES))


def build_queue(case: Case, kind: str | None = None) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("checkpoint", "metagraph", "graphdef", "checkpoint", "graphdef_text"))
        kind = kind or QUEUES[case.index % len(QUEUES)]
        batch_size = case.pick((8, 32, 64, 128))
        labels_fed: list[Tensor] = []
        cut_ok: list[Tensor] = []
        with v1.name_scope(case.pick(("input", "inputs", "data", "input_pipeline")) if case.chance(0.5) else None):
            if kind in ("tfrecord_shuffle", "pwd_bypass", "summaries"):
                files = v1.train.string_input_producer([f"train-{i:05d}-of-00004.tfrecord" for i in range(4)])
                _, record = v1.TFRecordReader().read(files)
                parsed = v1.parse_single_example(record, {"image_raw": v1.FixedLenFeature([], tf.string),
                                                          "label": v1.FixedLenFeature([], tf.int64)})
                image = tf.reshape(tf.cast(v1.decode_raw(parsed["image_raw"], tf.uint8), tf.float32) / 255.0, [SIZE, SIZE, 1])
                x, y = v1.train.shuffle_batch([image, parsed["label"]], batch_size, capacity=1000, min_after_dequeue=100,
                                              name=case.pick(("shuffle_batch", "input_batch", "batch")))
            elif kind == "csv_batch":
                files = v1.train.string_input_producer(["train.csv"], num_epochs=None)
                _, line = v1.TextLineReader(skip_header_lines=1).read(files)
                columns = v1.decode_csv(line, [[0.0]] * FEATURES + [[0]])
                x, y = v1.train.batch([tf.stack(columns[:-1]), columns[-1]], batch_size)
            elif kind in ("fifo_feed", "random_shuffle"):
                qx = v1.placeholder(tf.float32, [None, FEATURES], name=case.pick(("queue_inputs", "enqueue_x", "x_feed", None)))
                qy = v1.placeholder(tf.int32, [None], name=case.pick(("queue_labels", "enqueue_y", "y_feed", None)))
                if kind == "fifo_feed":
                    queue = v1.FIFOQueue(1000, [tf.float32, tf.int32], shapes=[[FEATURES], []])
                else:
                    queue = v1.RandomShuffleQueue(1000, 100, [tf.float32, tf.int32], shapes=[[FEATURES], []])
                queue.enqueue_many([qx, qy], name="enqueue_op" if nm.style != "auto" else None)
                x, y = queue.dequeue_many(batch_size)
                labels_fed += [qx, qy]
            elif kind == "whole_file_jpeg":
                files = v1.train.string_input_producer([f"images/{i}.jpg" for i in range(8)])
                _, contents = v1.WholeFileReader().read(files)
                image = v1.image.resize_images(tf.image.decode_jpeg(contents, channels=3), [SIZE, SIZE])
                label = tf.constant(0, tf.int64)
                x, y = v1.train.batch([image, label], batch_size, num_threads=2)
            else:
                images = tf.constant(np.random.default_rng(case.seed).random((64, FEATURES), dtype=np.float32))
                image, label = v1.train.slice_input_producer([images, tf.constant(np.arange(64) % CLASSES)])
                x, y = v1.train.batch([image, label], batch_size)
        inputs, labels = [x], [y]
        if kind == "pwd_bypass":  # feed images at inference instead of reading the queue
            cut_ok.append(x)
            x = v1.placeholder_with_default(x, [None, SIZE, SIZE, 1], name=nm("image") or "input")
            y = v1.placeholder_with_default(y, [None], name=nm("label") or "label")
            inputs, labels = [x], [y, labels[0]]
        head = _model(case, layers, x, y)
        train(case, head, layers, images=x if len(x.shape) == 4 else None)
        if kind == "summaries":
            summaries(nm, [], layers, None, style="zero_fraction")
            summaries(nm, [], layers, None, style="variable_summaries")
        iface = Interface(inputs=inputs, outputs=head.outputs, labels=[*labels, *labels_fed, *head.labels],
                          cut_ok=cut_ok, tail=[head.loss] if case.chance(0.3) else [])
        notes = (f"{kind} queue pipeline, no placeholder for the data: the input is the tensor after the pipeline"
                 if kind != "pwd_bypass" else "shuffle_batch queue bypassed by a PlaceholderWithDefault the author feeds")
        return save(case, graph, fmt, kind, iface, notes + f", names {nm.style}")


def build_tfdata(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("checkpoint", "graphdef", "metagraph", "checkpoint", "graphdef_text", "graphdef", "checkpoint"))
        kind = DATASETS[case.index % len(DATASETS)]
        batch_size = case.pick((16, 32, 100))
        rng = np.random.default_rng(case.seed)
        data = rng.random((64, FEATURES), dtype=np.float32)
        classes = (np.arange(64) % CLASSES).astype(np.int64)
        fed: list[Tensor] = []
        cut_ok: list[Tensor] = []
        next_name = case.pick((None, None, "next_batch", "next_element", "get_next"))
        with v1.name_scope(case.pick(("data", "input_pipeline", "dataset")) if case.chance(0.4) else None):
            if kind == "one_shot":
                ds = tf.data.Dataset.from_tensor_slices((data, classes)).shuffle(64).repeat().batch(batch_size)
                x, y = v1.data.make_one_shot_iterator(ds).get_next(name=next_name)
            elif kind == "initializable":
                fx = v1.placeholder(tf.float32, [None, FEATURES], name=case.pick(("features_placeholder", "x_data", None)))
                fy = v1.placeholder(tf.int64, [None], name=case.pick(("labels_placeholder", "y_data", None)))
                ds = tf.data.Dataset.from_tensor_slices((fx, fy)).shuffle(100).batch(batch_size)
                x, y = v1.data.make_initializable_iterator(ds).get_next(name=next_name)
                fed += [fx, fy]
            elif kind == "tfrecord":
                filenames = v1.placeholder(tf.string, [None], name=case.pick(("filenames", "tfrecord_files", None)))

                def parse(record: Tensor) -> tuple[Tensor, Tensor]:
                    f = v1.parse_single_example(record, {"x": v1.FixedLenFeature([FEATURES], tf.float32),
                                                         "y": v1.FixedLenFeature([], tf.int64)})
                    return f["x"], f["y"]

                ds = tf.data.TFRecordDataset(filenames).map(parse).batch(batch_size)
                x, y = v1.data.make_initializable_iterator(ds).get_next(name=next_name)
                fed.append(filenames)
            elif kind in ("reinitializable", "feedable"):
                train_ds = tf.data.Dataset.from_tensor_slices((data, classes)).shuffle(64).repeat().batch(batch_size)
                val_ds = tf.data.Dataset.from_tensor_slices((data[:16], classes[:16])).batch(batch_size)
                types, shapes = v1.data.get_output_types(train_ds), v1.data.get_output_shapes(train_ds)
                if kind == "reinitializable":
                    iterator = v1.data.Iterator.from_structure(types, shapes)
                    iterator.make_initializer(train_ds, name="train_init")
                    iterator.make_initializer(val_ds, name="val_init")
                else:
                    handle = v1.placeholder(tf.string, [], name=case.pick(("handle", "iterator_handle", None)))
                    iterator = v1.data.Iterator.from_string_handle(handle, types, shapes)
                    v1.data.make_one_shot_iterator(train_ds).string_handle()
                    fed.append(handle)
                x, y = iterator.get_next(name=next_name)
            else:
                ds = tf.data.Dataset.from_tensor_slices({"image": data, "label": classes}).batch(batch_size)
                element = v1.data.make_one_shot_iterator(ds).get_next(name=next_name)
                x, y = element["image"], element["label"]
        inputs, labels = [x], [y]
        if kind == "pwd_bypass":
            cut_ok.append(x)
            x = v1.placeholder_with_default(x, [None, FEATURES], name=nm("input") or "input")
            inputs = [x]
        head = _model(case, layers, x, y)
        train(case, head, layers)
        iface = Interface(inputs=inputs, outputs=head.outputs, labels=[*labels, *fed, *head.labels], cut_ok=cut_ok,
                          tail=[head.loss] if case.chance(0.3) else [])
        notes = (f"tf.data {kind} iterator: the input is IteratorGetNext's features output"
                 if kind != "pwd_bypass" else "tf.data iterator bypassed by a PlaceholderWithDefault the author feeds")
        return save(case, graph, fmt, kind, iface, notes + f", names {nm.style}")
