"""Names the way 2016-2019 authors gave them: chosen words, TensorFlow's own, camelCase, or none anyone lists.

A :class:`Namer` belongs to one graph and draws from that graph's seeded RNG. ``namer("input")``
returns a name for the role, or ``None`` when the style leaves naming to TensorFlow (``Placeholder_3``,
``add_1``, ``MatMul_2``). The vocabularies are what real scripts used; ``odd`` names are made-up words
in no list at all.
"""

from __future__ import annotations

import random

STYLES = ("author", "author", "auto", "camel", "odd", "mixed")

VOCAB: dict[str, tuple[str, ...]] = {
    "input": ("x", "X", "inp", "input", "inputs", "batch", "features", "in_tensor", "data", "input_x",
              "x_input", "input_data", "input_layer", "x-input", "tensor_in", "samples", "xs", "feed", "obs",
              "input_placeholder", "x_ph", "inputs_", "state", "vec", "input_tensor", "X_in"),
    "image": ("images", "image", "img", "input_image", "x", "inputs", "pixels", "image_batch", "input",
              "images_placeholder", "X", "input_images", "frames", "picture", "image_input", "imgs"),
    "ids": ("input_ids", "ids", "tokens", "inputs", "x", "word_ids", "input_x", "sentences", "chars",
            "text", "input_seq", "source", "seq", "encoder_inputs", "src_ids", "question"),
    "lengths": ("lengths", "seq_len", "sequence_length", "input_lengths", "seqlen", "src_len", "len"),
    "latent": ("z", "noise", "z_input", "latent", "random_z", "z_prior", "Z", "gen_input", "code"),
    "label": ("labels", "y", "y_", "Y", "targets", "target", "gt", "ground_truth", "label", "y_true",
              "input_y", "answers", "truth", "labels_placeholder", "y_ph", "onehot_labels", "Y_"),
    "keep_prob": ("keep_prob", "keep_prob", "dropout_keep_prob", "keep", "kp", "prob", "keep_probability",
                  "dropout", "p_keep", "keepProb", "keep_rate", "dropout_prob", "KP"),
    "rate": ("dropout_rate", "rate", "drop_rate", "dropout", "drop_prob", "p_drop", "dropoutRate"),
    "is_training": ("is_training", "is_train", "training", "train_phase", "phase", "phase_train", "mode",
                    "isTraining", "train_flag", "bn_train", "is_training_pl", "train_mode", "trainable"),
    "lr": ("learning_rate", "lr", "LR", "learningRate", "learning_rate_placeholder", "step_size"),
    "probs": ("probs", "prob", "probabilities", "softmax", "predictions", "prediction", "output", "out",
              "y", "y_pred", "pred", "scores", "result", "final_result", "output_node", "yhat", "Y_hat",
              "output_prob", "class_probs", "net_output", "softmax_output", "predict", "outputs"),
    "logits": ("logits", "logit", "scores", "fc_out", "out", "y_logits", "unscaled", "output", "net",
               "pre_softmax", "activations"),
    "regression": ("pred", "prediction", "y_pred", "output", "out", "y_hat", "value", "predictions",
                   "regression_output", "estimate", "price", "fx"),
    "reconstruction": ("reconstruction", "decoded", "x_hat", "output", "recon", "x_reconstr_mean",
                       "decoder_output", "reconstructed", "y", "out", "x_recon"),
    "generated": ("generated", "fake_images", "G", "gen_out", "samples", "generator_output", "fake",
                  "g_out", "output", "images_out", "x_fake"),
    "decoded": ("predictions", "decoded", "translations", "sample_id", "output_ids", "decoded_ids", "outputs",
                "infer_ids", "answer", "response", "greedy_ids"),
    "loss": ("loss", "cost", "cross_entropy", "total_loss", "xent", "train_loss", "objective", "error"),
    "accuracy": ("accuracy", "acc", "train_accuracy", "accuracy_op", "eval_accuracy", "correct_ratio"),
    "train_op": ("train_op", "train", "train_step", "optimizer", "optimize", "minimize", "update"),
    "scope": ("model", "net", "inference", "tower_0", "my_net", "Model", "network", "graph", "main",
              "classifier", "cnn", "dnn", "mlp", "nn", "encoder", "base", "Net", "fwd"),
    "head": ("output", "out", "fc_out", "softmax_linear", "logits", "final", "readout", "classifier", "top",
             "output_layer", "fc_final", "Logits"),
    "hidden": ("hidden", "fc", "dense", "layer", "h", "fully_connected", "hid", "Dense", "linear", "l"),
    "conv": ("conv", "conv2d", "Conv", "conv_layer", "c", "block", "convolution", "cv"),
}

_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"


def camel(name: str) -> str:
    """``keep_prob`` -> ``keepProb``; names without separators stay as they are."""
    parts = [p for p in name.replace("-", "_").split("_") if p]
    if not parts:
        return name
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


class Namer:
    """Names for one graph, in one style (``mixed`` draws a style for every name)."""

    def __init__(self, rng: random.Random, style: str | None = None) -> None:
        self.rng = rng
        self.style = style or rng.choice(STYLES)
        self._used: set[str] = set()

    def _style(self) -> str:
        if self.style == "mixed":
            return self.rng.choice(("author", "auto", "camel", "odd"))
        return self.style

    def __call__(self, role: str) -> str | None:
        style = self._style()
        if style == "auto":
            return None
        if style == "odd":
            return self.word()
        name = self.rng.choice(VOCAB[role])
        return camel(name) if style == "camel" else name

    def always(self, role: str) -> str:
        """A name even in the ``auto`` style (for what TensorFlow never names itself, such as a scope)."""
        name = self(role)
        return name if name is not None else self.rng.choice(VOCAB[role])

    def word(self) -> str:
        """A made-up word, different from the ones already given in this graph."""
        while True:
            syllables = self.rng.randint(2, 3)
            word = "".join(self.rng.choice(_CONSONANTS) + self.rng.choice(_VOWELS) for _ in range(syllables))
            if self.rng.random() < 0.3:
                word += self.rng.choice(_CONSONANTS)
            if word not in self._used:
                self._used.add(word)
                return word

    def layer(self, kind: str, index: int) -> str | None:
        """A layer's scope: ``fc1``, ``dense_2``, ``hidden3``, ``layer_1``, ``convLayer2``, ``Conv2d_1a_3x3`` ..."""
        style = self._style()
        if style == "auto":
            return None
        if style == "odd":
            return self.word()
        base = self.rng.choice(VOCAB[kind])
        form = self.rng.choice(("{b}{i}", "{b}_{i}", "{b}{i}", "{b}_{i}", "{b}{i}_{k}"))
        name = form.format(b=base, i=index, k=self.rng.choice(("1x1", "3x3", "a", "b")))
        return camel(name) if style == "camel" else name

    def scopes(self) -> list[str]:
        """Where the model lives: nowhere, ``model/``, ``tower_0/``, or nested like ``net/block3/unit_2/``."""
        shape = self.rng.choice(("none", "none", "one", "one", "nested"))
        if shape == "none":
            return []
        if shape == "one":
            return [self.word() if self._style() == "odd" else self.rng.choice(VOCAB["scope"])]
        return [self.rng.choice(VOCAB["scope"]), f"block{self.rng.randint(1, 4)}", f"unit_{self.rng.randint(1, 3)}"]
