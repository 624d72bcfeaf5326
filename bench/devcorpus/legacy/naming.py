"""Names the way 2016-2019 authors wrote them: their own words, camelCase, TensorFlow's auto names, odd words.

Every choice goes through the caller's seeded ``random.Random``, so the same run builds the same names.
``None`` means "let TensorFlow name it" (``Placeholder_3``, ``MatMul_2``, ``add_1``).
"""

from __future__ import annotations

import random

# A vocabulary per role. The odd words at the end of each list are in no list a tool could carry.
IMAGE_INPUTS = ["images", "input", "inputs", "x", "inp", "image", "batch", "input_images", "inputImage",
                "in_tensor", "img", "data", "features", "frames", "pixels", "X", "input_1", "tensor_in",
                "rgb", "observations", "quokka", "snapshot_px", None]
VECTOR_INPUTS = ["x", "features", "input", "inputs", "inp", "X", "data", "in_tensor", "batch", "inputVec",
                 "input_x", "measurements", "vec", "row", "readings", "zorblax", None]
TOKEN_INPUTS = ["input_ids", "tokens", "words", "inputs", "input_x", "x", "sentence", "word_ids", "inputData",
                "char_ids", "text", "seq", "ids", "batch", "utterance", "glyphs", None]
LENGTH_INPUTS = ["seq_len", "sequence_length", "lengths", "seqlen", "input_lengths", "seqLengths", "lens",
                 "x_len", "n_steps", None]
LABELS = ["labels", "y", "y_", "targets", "label", "Y", "y_true", "gt", "target", "labels_ph", "truth",
          "answers", "yTrue", None]
KEEP_PROB = ["keep_prob", "keep_probability", "dropout_keep_prob", "kp", "keepProb", "dropout", "keep",
             "dropout_keep", "retain", None]
IS_TRAINING = ["is_training", "is_train", "training", "phase_train", "train_mode", "isTraining", "phase",
               "mode", "trainFlag", "bn_train", None]
LEARNING_RATE = ["learning_rate", "lr", "learningRate", "step_size", "eta", None]
OUTPUT_WORDS = ["probs", "predictions", "output", "prob", "Predictions", "softmax", "y_pred", "out",
                "scores", "outputProbs", "probabilities", "result", "yhat", "answer", "verdict"]
LOGIT_WORDS = ["logits", "Logits", "fc_out", "scores_raw", "pre_softmax", "unscaled", "linear", "out_raw"]
TOP_SCOPES = ["", "", "", "model", "net", "tower_0", "Model", "network", "graph", "inference", "main",
              "vgg_small", "MyNet", "lenet", "classifier", "cnn", "clf", "brain", "pipeline_v2"]


def pick(rng: random.Random, words: list[str | None]) -> str | None:
    return words[rng.randrange(len(words))]


def pick_named(rng: random.Random, words: list[str | None], fallback: str) -> str:
    """A word from ``words`` that is never ``None`` (for scopes and layer names an author must write)."""
    word = pick(rng, words)
    return word if word else fallback


def camel(word: str) -> str:
    head, *rest = word.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def styled(rng: random.Random, word: str | None) -> str | None:
    """The author's style: as written, camelCase, or all words run together."""
    if word is None:
        return None
    roll = rng.random()
    if roll < 0.15:
        return camel(word)
    if roll < 0.22:
        return word.replace("_", "")
    return word


def scope_path(rng: random.Random, depth: int | None = None) -> str:
    """'' or a scope such as 'model', 'tower_0', 'net/block3' (no trailing slash)."""
    if depth is None:
        depth = rng.choice([0, 0, 1, 1, 1, 2])
    parts: list[str] = []
    for level in range(depth):
        if level == 0:
            word = pick(rng, TOP_SCOPES)  # type: ignore[arg-type]
            if word:
                parts.append(word)
        else:
            parts.append(rng.choice(["block", "stage", "layer", "unit", "group"]) + str(rng.randint(1, 4)))
    return "/".join(parts)
