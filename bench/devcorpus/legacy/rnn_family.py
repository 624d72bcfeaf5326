"""Text models over ``tf.compat.v1.nn.dynamic_rnn`` (v1 while loops): sentence classifiers, per-step taggers
and character language models, with LSTM, GRU, stacked and bidirectional cells.

Token ids come through an embedding lookup, with or without a sequence-length feed; DropoutWrapper takes a
keep_prob placeholder (or one with a default of 1.0). The language models take their initial state as
placeholders and their authors fetch the probabilities and the final state together, as a sampling loop
does. Training graphs clip gradients by global norm, feed a learning rate and carry summaries and a Saver.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import naming
import writers
from writers import Truth, names, tf, v1

FAMILY = "legacy-rnn"
RNN = v1.nn.rnn_cell

# (cell, task, format, keep_prob switch): one row per graph.
PLAN = [
    ("lstm", "classify", "checkpoint", "placeholder"),
    ("gru", "classify", "graphdef", "none"),
    ("basic_lstm", "classify", "metagraph", "default"),
    ("multi", "classify", "graphdef", "placeholder"),
    ("bidir", "classify", "checkpoint", "none"),
    ("lstm", "tagger", "graphdef", "none"),
    ("gru", "tagger", "checkpoint", "placeholder"),
    ("bidir", "tagger", "graphdef_text", "default"),
    ("lstm", "charlm", "checkpoint", "placeholder"),
    ("gru", "charlm", "graphdef", "none"),
    ("multi", "charlm", "graphdef", "none"),
]


def make_cell(kind: str, units: int, keep: Any) -> Any:
    def one(k: str) -> Any:
        if k == "gru":
            cell = RNN.GRUCell(units)
        elif k == "basic_lstm":
            cell = RNN.BasicLSTMCell(units)
        else:
            cell = RNN.LSTMCell(units)
        return RNN.DropoutWrapper(cell, output_keep_prob=keep) if keep is not None else cell

    if kind == "multi":
        return RNN.MultiRNNCell([one("lstm") for _ in range(2)])
    return one(kind)


def keep_prob(mode: str, rng: random.Random) -> tuple[Any, dict[str, Any]]:
    """(keep_prob tensor or None, truth switches)."""
    if mode == "none":
        return None, {}
    name = naming.styled(rng, naming.pick(rng, naming.KEEP_PROB))
    if mode == "default":
        keep = v1.placeholder_with_default(1.0, [], name=name or "keep_prob")
    else:
        keep = v1.placeholder(tf.float32, [] if rng.random() < 0.7 else None, name=name)
    return keep, {keep.name: 1.0}


def embed(tokens: Any, vocab: int, dim: int, scope: str) -> Any:
    with v1.variable_scope(scope):
        table = v1.get_variable("embedding", [vocab, dim])
        return tf.nn.embedding_lookup(table, tokens)


def last_state(kind: str, state: Any) -> Any:
    if kind == "multi":
        state = state[-1]
    if kind == "bidir":
        return tf.concat([last_state("lstm", state[0]), last_state("lstm", state[1])], 1)
    return state.h if isinstance(state, RNN.LSTMStateTuple) else state


def train_tail(rng: random.Random, loss: Any, extra_feeds: list[Any]) -> None:
    """Clipped gradients, an optimizer, summaries; a learning-rate placeholder or variable."""
    if rng.random() < 0.5:
        lr: Any = v1.placeholder(tf.float32, [], name=naming.pick(rng, naming.LEARNING_RATE))
        extra_feeds.append(lr)
    else:
        lr = v1.Variable(0.002, trainable=False, name="lr")
        v1.assign(lr, lr * 0.97, name="decay_lr")
    tvars = v1.trainable_variables()
    grads, _ = tf.clip_by_global_norm(tf.gradients(loss, tvars), rng.choice([1.0, 5.0]))
    step = v1.train.get_or_create_global_step()
    optimizer = rng.choice([v1.train.AdamOptimizer, v1.train.RMSPropOptimizer, v1.train.GradientDescentOptimizer])
    optimizer(lr).apply_gradients(zip(grads, tvars, strict=True), global_step=step, name="train_op")
    v1.summary.scalar("loss", loss)
    for var in tvars[:3]:
        v1.summary.histogram(var.op.name, var)
    v1.summary.merge_all()


def write(fmt: str, sess: Any, graph: Any, folder: Path, truth: Truth, rng: random.Random) -> None:
    """The format step shared by the recurrent families."""
    if fmt == "checkpoint":
        saver = v1.train.Saver(v1.global_variables(), max_to_keep=3)
        prefix = rng.choice(["model.ckpt", "save/model.ckpt", "checkpoints/rnn", "model"])
        truth.model = writers.write_checkpoint(sess, saver, folder, prefix, rng.choice([100, 2500, 42000]))
    elif fmt == "metagraph":
        truth.model = writers.write_metagraph(graph, folder, rng.choice(["model.meta", "rnn.meta"]),
                                              v1.train.Saver())
    elif fmt == "graphdef":
        name = rng.choice(["frozen_model.pb", "rnn_frozen.pb", "model.pb", "graph_frozen.pb", "char_rnn.pb"])
        truth.model = writers.write_graphdef(writers.freeze(sess, truth.outputs), folder, name)
    else:
        name = rng.choice(["frozen.pbtxt", "model.pbtxt", "graph.pbtxt"])
        truth.model = writers.write_graphdef(writers.freeze(sess, truth.outputs), folder, name)


def build(index: int, rng: random.Random, root: Path) -> Truth:
    kind, task, fmt, mode = PLAN[index]
    ident = f"{FAMILY}-{kind.replace('_', '')}-{task}-{fmt.replace('_', '')}-{index:03d}"
    folder = writers.fresh(root / FAMILY / ident)
    train_graph = fmt in ("checkpoint", "metagraph")
    vocab, units, n = rng.choice([40, 96, 500]), rng.choice([8, 16]), rng.choice([2, 3, 7])
    steps = rng.choice([None, None, 20, 35])
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as sess:
        v1.set_random_seed(index)
        tokens = v1.placeholder(tf.int32, [None, steps], name=naming.styled(rng, naming.pick(rng, naming.TOKEN_INPUTS)))
        inputs, feeds = [tokens], []
        lengths = None
        if task != "charlm" and rng.random() < 0.6:
            lengths = v1.placeholder(tf.int32, [None], name=naming.pick(rng, naming.LENGTH_INPUTS))
            inputs.append(lengths)
        keep, switches = keep_prob(mode, rng)
        scope = naming.scope_path(rng, rng.choice([0, 1]))
        with v1.variable_scope(scope or None, default_name="model"):
            x = embed(tokens, vocab, 8, "embedding")
            outputs, found = _network(kind, task, rng, x, lengths, keep, units, n, vocab, inputs)
        truth = Truth(ident, FAMILY, fmt, "", names(inputs), names(outputs), "", mode_switches=switches)
        if train_graph:
            labels = v1.placeholder(tf.int32, [None, steps] if task != "classify" else [None],
                                    name=naming.pick(rng, naming.LABELS))
            logits = found["logits"]
            loss = tf.reduce_mean(v1.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits),
                                  name=rng.choice(["loss", "cost", "xent", None]))
            axis = 1 if task == "classify" else 2
            correct = tf.equal(tf.argmax(logits, axis, output_type=tf.int32), labels)
            v1.summary.scalar("accuracy", tf.reduce_mean(tf.cast(correct, tf.float32), name="accuracy"))
            feeds.append(labels)
            train_tail(rng, loss, feeds)
            truth.labels = names(feeds)
        sess.run(v1.global_variables_initializer())
        write(fmt, sess, graph, folder, truth, rng)
        truth.notes = (f"dynamic_rnn {kind} {task}" + (", sequence lengths fed" if lengths is not None else "")
                       + ("; training graph" if train_graph else "; frozen"))
    return writers.finish(folder, truth)


def _network(kind: str, task: str, rng: random.Random, x: Any, lengths: Any, keep: Any, units: int, n: int,
             vocab: int, inputs: list[Any]) -> tuple[list[Any], dict[str, Any]]:
    """The recurrent body and head; returns the fetched outputs and the logits (for the loss)."""
    if task == "charlm":
        return _char_lm(kind, rng, x, keep, units, vocab, inputs)
    if kind == "bidir":
        fw, bw = make_cell("lstm", units, keep), make_cell("lstm", units, keep)
        (out_fw, out_bw), state = v1.nn.bidirectional_dynamic_rnn(fw, bw, x, sequence_length=lengths,
                                                                  dtype=tf.float32)
        seq = tf.concat([out_fw, out_bw], 2)
        width = 2 * units
    else:
        seq, state = v1.nn.dynamic_rnn(make_cell(kind, units, keep), x, sequence_length=lengths, dtype=tf.float32)
        width = units
    with v1.variable_scope(rng.choice(["output", "softmax", "fc", "dense"])):
        w = v1.get_variable("W", [width, n])
        b = v1.get_variable("b", [n], initializer=v1.zeros_initializer())
        if task == "classify":
            logits = v1.nn.xw_plus_b(last_state(kind, state), w, b, name=rng.choice(naming.LOGIT_WORDS))
        else:
            flat = tf.reshape(seq, [-1, width])
            logits = tf.reshape(tf.matmul(flat, w) + b, tf.concat([tf.shape(seq)[:2], [n]], 0),
                                name=rng.choice(naming.LOGIT_WORDS))
    probs = tf.nn.softmax(logits, name=naming.pick(rng, [*naming.OUTPUT_WORDS, None]))
    return [probs], {"logits": logits}


def _char_lm(kind: str, rng: random.Random, x: Any, keep: Any, units: int, vocab: int,
             inputs: list[Any]) -> tuple[list[Any], dict[str, Any]]:
    """A char-rnn: initial state fed, probabilities and final state fetched."""
    cell = make_cell(kind, units, keep)
    state_feeds: list[Any] = []

    def state_placeholder(name: str) -> Any:
        ph = v1.placeholder(tf.float32, [None, units], name=name)
        state_feeds.append(ph)
        return ph

    if kind == "gru":
        initial: Any = state_placeholder(rng.choice(["initial_state", "state_in", "h0"]))
    elif kind == "multi":
        initial = tuple(RNN.LSTMStateTuple(state_placeholder(f"c_in_{i}"), state_placeholder(f"h_in_{i}"))
                        for i in range(2))
    else:
        initial = RNN.LSTMStateTuple(state_placeholder("c_in"), state_placeholder("h_in"))
    inputs.extend(state_feeds)
    seq, final = v1.nn.dynamic_rnn(cell, x, initial_state=initial)
    with v1.variable_scope("rnnlm"):
        w = v1.get_variable("softmax_w", [units, vocab])
        b = v1.get_variable("softmax_b", [vocab])
        logits = tf.reshape(tf.matmul(tf.reshape(seq, [-1, units]), w) + b,
                            tf.concat([tf.shape(seq)[:2], [vocab]], 0), name="logits")
    probs = tf.nn.softmax(logits, name=rng.choice(["probs", "probabilities", "next_char"]))
    flat = list(tf.nest.flatten(final))
    if rng.random() < 0.5:
        flat = [tf.identity(t, name=f"final_state_{i}") for i, t in enumerate(flat)]
    return [probs, *flat], {"logits": logits}
