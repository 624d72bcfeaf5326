"""Recurrent text models written with ``tf.while_loop`` and TensorArrays (control flow v1): RNN / LSTM / GRU
classifiers, taggers and char-RNN language models fed their state; seq2seq with a greedy-decoding loop."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import Head, dropout_switch, model_scope, new_graph, train
from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.training import minimize
from bench.devcorpus.writers import Case, Interface, save

VOCAB = 30
Step = Callable[[Tensor, list[Tensor]], tuple[Tensor, list[Tensor]]]


@dataclass
class Cell:
    kind: str
    units: int
    states: int  # tensors in the state: 2 for LSTM (c, h), 1 otherwise
    step: Step


def make_cell(layers: Layers, kind: str, in_dim: int, units: int, scope: str | None) -> Cell:
    """The weights of one cell (created outside the loop) and its step function."""
    with layers.scope(scope):
        if kind == "lstm":
            w = layers.var("kernel", [in_dim + units, 4 * units], scoped=scope is not None)
            b = layers.var("bias", [4 * units], "zeros", scoped=scope is not None)

            def lstm(x: Tensor, state: list[Tensor]) -> tuple[Tensor, list[Tensor]]:
                c, h = state
                i, j, f, o = tf.split(tf.matmul(tf.concat([x, h], 1), w) + b, 4, axis=1)
                c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
                h = tf.sigmoid(o) * tf.tanh(c)
                return h, [c, h]

            return Cell(kind, units, 2, lstm)
        if kind == "gru":
            wg = layers.var("gates_kernel", [in_dim + units, 2 * units], scoped=scope is not None)
            wc = layers.var("candidate_kernel", [in_dim + units, units], scoped=scope is not None)

            def gru(x: Tensor, state: list[Tensor]) -> tuple[Tensor, list[Tensor]]:
                (h,) = state
                r, u = tf.split(tf.sigmoid(tf.matmul(tf.concat([x, h], 1), wg)), 2, axis=1)
                c = tf.tanh(tf.matmul(tf.concat([x, r * h], 1), wc))
                h = u * h + (1 - u) * c
                return h, [h]

            return Cell(kind, units, 1, gru)
        w = layers.var("W", [in_dim + units, units], scoped=scope is not None)
        b = layers.var("b", [units], "zeros", scoped=scope is not None)

        def rnn(x: Tensor, state: list[Tensor]) -> tuple[Tensor, list[Tensor]]:
            h = tf.tanh(tf.matmul(tf.concat([x, state[0]], 1), w) + b)
            return h, [h]

        return Cell(kind, units, 1, rnn)


def unroll(cell: Cell, inputs: Tensor, initial: list[Tensor], lengths: Tensor | None = None,
           name: str | None = None) -> tuple[Tensor, list[Tensor]]:
    """Run ``cell`` over time-major ``inputs`` [T, B, D] with a while loop; outputs [T, B, units]."""
    steps = tf.shape(inputs)[0]
    inputs_ta = tf.TensorArray(tf.float32, size=steps).unstack(inputs)
    outputs_ta = tf.TensorArray(tf.float32, size=steps)

    def body(t: Tensor, *loop: Tensor) -> tuple[Tensor, ...]:
        *state, out = loop
        h, new_state = cell.step(inputs_ta.read(t), list(state))
        if lengths is not None:  # past a sequence's length its state stays and its output is zero
            alive = tf.expand_dims(t < lengths, 1)
            new_state = [tf.where(tf.tile(alive, [1, cell.units]), n, s) for n, s in zip(new_state, state, strict=True)]
            h = h * tf.cast(alive, tf.float32)
        return (t + 1, *new_state, out.write(t, h))

    _, *final, outputs = v1.while_loop(lambda t, *_: t < steps, body, [tf.constant(0), *initial, outputs_ta],
                                       name=name)
    return outputs.stack(), final


def zero_state(cell: Cell, batch: Tensor) -> list[Tensor]:
    return [tf.zeros(tf.stack([batch, cell.units])) for _ in range(cell.states)]


def build_rnn(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("checkpoint", "graphdef", "saved_model", "checkpoint", "metagraph", "graphdef", "graphdef_text"))
        task = ("classify", "tagger", "charrnn", "classify")[case.index % 4]
        kind = case.pick(("lstm", "gru", "rnn", "lstm"))
        steps = None if case.chance(0.7) else case.pick((20, 50, 100))
        ids = v1.placeholder(tf.int32, [None, 1] if task == "charrnn" and case.chance(0.5) else [None, steps],
                             name=nm("ids"))
        lengths = (v1.placeholder(tf.int32, [None], name=nm("lengths"))
                   if task != "charrnn" and case.chance(0.4) else None)
        drop = dropout_switch(case, kind=case.pick(("none", "keep", "legacy", "rate")))
        units, emb_dim, classes = case.pick((16, 32, 64)), case.pick((8, 16, 32)), case.pick((2, 5, 10))
        iface = Interface(inputs=[ids] + ([lengths] if lengths is not None else []), outputs=[])
        with model_scope(layers) as scopes:
            with layers.scope(case.pick(("embedding", "embeddings", "embed", None))):
                emb = layers.var("embedding_matrix" if case.chance(0.5) else "W", [VOCAB, emb_dim], scoped=True)
            x = tf.nn.embedding_lookup(emb, ids)
            if drop.kind != "none":
                x = layers.dropout(x, drop.kind, drop.tensor)
            cell = make_cell(layers, kind, emb_dim, units, case.pick(("rnn", "lstm_cell", "cell", "encoder", None)))
            batch = tf.shape(ids)[0]
            if task == "charrnn":
                initial = [v1.placeholder(tf.float32, [None, units], name=f"initial_state_{i}" if nm.style != "auto" else None)
                           for i in range(cell.states)]
                iface.inputs += initial
            else:
                initial = zero_state(cell, batch)
            outputs, final = unroll(cell, tf.transpose(x, [1, 0, 2]), initial, lengths)
            outputs = tf.transpose(outputs, [1, 0, 2])
            if task == "classify":
                logits = layers.dense(final[-1], classes, None, scope=nm("head"))
                probs = tf.nn.softmax(logits, name=nm("probs"))
                labels = v1.placeholder(tf.int64, [None], name=nm("label"))
                xent = v1.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
                iface.outputs = [probs]
            else:
                out_classes = VOCAB if task == "charrnn" else classes
                flat = tf.reshape(outputs, [-1, units])
                logits = tf.reshape(layers.dense(flat, out_classes, None, scope=nm("head")),
                                    tf.stack([batch, -1, out_classes]))
                probs = tf.nn.softmax(logits, name=nm("probs"))
                labels = v1.placeholder(tf.int32, [None, steps], name=nm("label"))
                xent = v1.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
                iface.outputs = [probs]
                if task == "charrnn":
                    iface.outputs += [tf.identity(s, name=f"final_state_{i}" if nm.style != "auto" else None)
                                      for i, s in enumerate(final)]
        loss = tf.reduce_mean(xent, name=nm("loss"))
        head = train(case, Head(logits, iface.outputs, labels=[labels], loss=loss, scalars=[loss]), layers)
        iface.labels = head.labels
        drop.add_to(iface.switches)
        iface.feeds[ids] = np.random.default_rng(1).integers(0, VOCAB, (2, ids.shape[1] or 6)).astype(np.int32)
        if lengths is not None:
            iface.feeds[lengths] = np.array([ids.shape[1] or 6, 3], np.int32)
        notes = (f"{kind} {task} with a while loop, names {nm.style}" + (f", scopes {'/'.join(scopes)}" if scopes else "")
                 + (", sequence lengths" if lengths is not None else "") + (f", dropout {drop.kind}" if drop.kind != "none" else "")
                 + (", feeds its state and fetches the final state" if task == "charrnn" else ""))
        return save(case, graph, fmt, f"{kind}-{task}", iface, notes)


def build_seq2seq(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("checkpoint", "graphdef", "saved_model", "metagraph", "checkpoint", "graphdef_text"))
        kind = case.pick(("lstm", "gru", "lstm"))
        units, emb_dim, max_len = case.pick((16, 32)), case.pick((8, 16)), case.pick((10, 20, 30))
        go, tgt_vocab = 1, case.pick((20, 40))
        src = v1.placeholder(tf.int32, [None, None], name=nm("ids"))
        src_len = v1.placeholder(tf.int32, [None], name=nm("lengths")) if case.chance(0.4) else None
        dec_in = v1.placeholder(tf.int32, [None, None], name="decoder_inputs" if nm.style != "auto" else None)
        targets = v1.placeholder(tf.int32, [None, None], name=nm("label"))
        weights = v1.placeholder(tf.float32, [None, None], name="target_weights") if case.chance(0.4) else None
        with model_scope(layers, [case.pick(("seq2seq", "model", "nmt", "translate"))] if case.chance(0.5) else []):
            with layers.scope("encoder" if nm.style != "auto" else None):
                src_emb = layers.var("embedding", [VOCAB, emb_dim], scoped=True)
                enc = make_cell(layers, kind, emb_dim, units, "cell")
                batch = tf.shape(src)[0]
                _, state = unroll(enc, tf.transpose(tf.nn.embedding_lookup(src_emb, src), [1, 0, 2]),
                                  zero_state(enc, batch), src_len)
            with layers.scope("decoder" if nm.style != "auto" else None):
                tgt_emb = layers.var("embedding", [tgt_vocab, emb_dim], scoped=True)
                dec = make_cell(layers, kind, emb_dim, units, "cell")
                w_out = layers.var("output_kernel", [units, tgt_vocab], scoped=True)
                b_out = layers.var("output_bias", [tgt_vocab], "zeros", scoped=True)
                # teacher forcing: the training decoder reads decoder_inputs
                train_out, _ = unroll(dec, tf.transpose(tf.nn.embedding_lookup(tgt_emb, dec_in), [1, 0, 2]), state)
                train_logits = tf.tensordot(tf.transpose(train_out, [1, 0, 2]), w_out, 1) + b_out
                decoded = _greedy(dec, tgt_emb, w_out, b_out, state, batch, go, max_len, nm("decoded"))
        xent = v1.nn.sparse_softmax_cross_entropy_with_logits(labels=targets, logits=train_logits)
        loss = tf.reduce_sum(xent * weights) / tf.reduce_sum(weights) if weights is not None else tf.reduce_mean(xent)
        loss = tf.identity(loss, name=nm("loss"))
        training = minimize(nm, loss)
        iface = Interface(inputs=[src] + ([src_len] if src_len is not None else []), outputs=[decoded],
                          labels=[dec_in, targets, *([weights] if weights is not None else []), *training.feeds])
        iface.feeds[src] = np.random.default_rng(2).integers(0, VOCAB, (2, 7)).astype(np.int32)
        if src_len is not None:
            iface.feeds[src_len] = np.array([7, 4], np.int32)
        notes = (f"{kind} encoder-decoder, teacher-forced training decoder and a greedy decoding loop of {max_len} "
                 f"steps sharing its weights, names {nm.style}" + (", source lengths" if src_len is not None else ""))
        return save(case, graph, fmt, kind, iface, notes)


def _greedy(cell: Cell, emb: Tensor, w: Tensor, b: Tensor, state: list[Tensor], batch: Tensor, go: int,
            max_len: int, name: str | None) -> Tensor:
    """Decode greedily: each step's argmax is the next step's input; [B, max_len] token ids."""
    tokens_ta = tf.TensorArray(tf.int32, size=max_len)

    def body(t: Tensor, token: Tensor, *loop: Tensor) -> tuple[Tensor, ...]:
        *st, out = loop
        h, new_state = cell.step(tf.nn.embedding_lookup(emb, token), list(st))
        next_token = tf.argmax(tf.matmul(h, w) + b, 1, output_type=tf.int32)
        return (t + 1, next_token, *new_state, out.write(t, next_token))

    start = tf.fill(tf.expand_dims(batch, 0), go)
    _, _, *_, tokens = v1.while_loop(lambda t, *_: t < max_len, body, [tf.constant(0), start, *state, tokens_ta],
                                     name="greedy_decode")
    return tf.transpose(tokens.stack(), [1, 0], name=name)
