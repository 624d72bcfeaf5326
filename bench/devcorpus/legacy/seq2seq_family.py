"""Sequence-to-sequence over ``dynamic_rnn`` the 2017 tutorial way: an encoder, and a decoder that is either
teacher-forced (decoder inputs fed, as the tutorials' inference loop does) or greedy (``raw_rnn`` feeding its
own argmax back, up to a length computed from the encoder lengths). The fetched tensor is the decoder's
prediction; the decoder targets are a training-only feed.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import naming
import rnn_family
import writers
from writers import Truth, names, tf, v1

FAMILY = "legacy-seq2seq"

# (decoder, cell, format, keep_prob switch): one row per graph.
PLAN = [
    ("teacher", "lstm", "checkpoint", "none"),
    ("teacher", "gru", "graphdef", "none"),
    ("teacher", "lstm", "metagraph", "placeholder"),
    ("greedy", "lstm", "checkpoint", "none"),
    ("greedy", "gru", "graphdef", "default"),
    ("greedy", "lstm", "graphdef_text", "none"),
]

ENCODER_WORDS = ["encoder_inputs", "enc_in", "source", "src_ids", "encoderInputs", "question", None]
DECODER_WORDS = ["decoder_inputs", "dec_in", "target_in", "decoderInputs", "shifted_targets", None]


def build(index: int, rng: random.Random, root: Path) -> Truth:
    decoder, kind, fmt, mode = PLAN[index]
    ident = f"{FAMILY}-{decoder}-{kind}-{fmt.replace('_', '')}-{index:03d}"
    folder = writers.fresh(root / FAMILY / ident)
    train_graph = fmt in ("checkpoint", "metagraph")
    vocab, units, dim = rng.choice([10, 32, 120]), rng.choice([8, 20]), rng.choice([5, 8])
    time_major = rng.random() < 0.4
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as sess:
        v1.set_random_seed(index)
        shape = [None, None]
        enc = v1.placeholder(tf.int32, shape, name=naming.styled(rng, naming.pick(rng, ENCODER_WORDS)))
        inputs, feeds = [enc], []
        keep, switches = rnn_family.keep_prob(mode, rng)
        table = v1.Variable(v1.random_uniform([vocab, dim], -1.0, 1.0), name="embeddings")
        with v1.variable_scope("encoder"):
            enc_emb = tf.nn.embedding_lookup(table, enc)
            enc_lengths = None
            if decoder == "greedy" or rng.random() < 0.5:
                enc_lengths = v1.placeholder(tf.int32, [None], name=rng.choice(
                    ["encoder_inputs_length", "src_len", "enc_lengths", "source_sequence_length"]))
                inputs.append(enc_lengths)
            _, enc_state = v1.nn.dynamic_rnn(rnn_family.make_cell(kind, units, keep), enc_emb,
                                             sequence_length=enc_lengths, dtype=tf.float32,
                                             time_major=time_major)
        with v1.variable_scope("decoder"):
            w = v1.Variable(v1.random_uniform([units, vocab], -1, 1), name="W")
            b = v1.Variable(tf.zeros([vocab]), name="b")
            cell = rnn_family.make_cell(kind, units, keep)
            if decoder == "teacher":
                dec = v1.placeholder(tf.int32, shape, name=naming.styled(rng, naming.pick(rng, DECODER_WORDS)))
                inputs.append(dec)
                dec_out, _ = v1.nn.dynamic_rnn(cell, tf.nn.embedding_lookup(table, dec), initial_state=enc_state,
                                               dtype=tf.float32, time_major=time_major, scope="decoder")
                logits = tf.tensordot(dec_out, w, 1) + b
            else:
                logits = _greedy(cell, enc, enc_lengths, enc_state, table, w, b, vocab, time_major)
            logits = tf.identity(logits, name=rng.choice(["decoder_logits", "logits", "dec_logits"]))
        prediction = tf.argmax(logits, 2, name=rng.choice(["decoder_prediction", "predictions", "prediction",
                                                            "translation", "output_ids"]))
        truth = Truth(ident, FAMILY, fmt, "", names(inputs), names([prediction]), "", mode_switches=switches)
        if train_graph:
            targets = v1.placeholder(tf.int32, shape, name=rng.choice(["decoder_targets", "targets", "tgt_out"]))
            feeds.append(targets)
            if decoder == "greedy":
                # The greedy decoder runs a fixed number of steps; the targets are padded or cut to it.
                steps = tf.shape(logits)[0 if time_major else 1]
                targets_used = targets[:steps] if time_major else targets[:, :steps]
            else:
                targets_used = targets
            xent = v1.nn.softmax_cross_entropy_with_logits_v2(
                labels=tf.one_hot(targets_used, depth=vocab, dtype=tf.float32), logits=logits)
            loss = tf.reduce_mean(xent, name="loss")
            rnn_family.train_tail(rng, loss, feeds)
            truth.labels = names(feeds)
        sess.run(v1.global_variables_initializer())
        rnn_family.write(fmt, sess, graph, folder, truth, rng)
        truth.notes = (f"seq2seq, {decoder} {kind} decoder" + (", time-major" if time_major else "")
                       + ("; training graph" if train_graph else "; frozen"))
    return writers.finish(folder, truth)


def _greedy(cell: Any, enc: Any, enc_lengths: Any, enc_state: Any, table: Any, w: Any, b: Any, vocab: int,
            time_major: bool) -> Any:
    """raw_rnn with a loop_fn that feeds the argmax of each step back in (time-major logits)."""
    batch = tf.shape(enc)[1 if time_major else 0]
    decoder_lengths = enc_lengths + 3
    eos = tf.ones([batch], dtype=tf.int32, name="EOS")
    eos_emb = tf.nn.embedding_lookup(table, eos)
    pad_emb = tf.nn.embedding_lookup(table, tf.zeros([batch], dtype=tf.int32, name="PAD"))

    def loop_fn(time: Any, previous_output: Any, previous_state: Any, previous_loop_state: Any) -> Any:
        if previous_state is None:
            return (0 >= decoder_lengths), eos_emb, enc_state, None, None
        finished = time >= decoder_lengths
        predicted = tf.argmax(tf.add(tf.matmul(previous_output, w), b), axis=1)
        step_input = tf.cond(tf.reduce_all(finished), lambda: pad_emb,
                             lambda: tf.nn.embedding_lookup(table, predicted))
        return finished, step_input, previous_state, previous_output, None

    outputs_ta, _, _ = v1.nn.raw_rnn(cell, loop_fn)
    outputs = outputs_ta.stack()
    steps, batch_size, width = tf.unstack(tf.shape(outputs))
    flat = tf.reshape(outputs, (-1, width))
    logits = tf.reshape(tf.add(tf.matmul(flat, w), b), (steps, batch_size, vocab))
    return logits if time_major else tf.transpose(logits, [1, 0, 2])
