"""Generator A's families: each a ``build(case) -> Truth`` and how many graphs it makes (needs TensorFlow)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.devcorpus import Truth
from bench.devcorpus.families import cnn, decoding, extras, generative, heads, mlp, pipelines, rnn, switches
from bench.devcorpus.writers import Case


@dataclass(frozen=True)
class Family:
    name: str
    count: int
    build: Callable[[Case], Truth]
    about: str


FAMILIES: tuple[Family, ...] = (
    Family("mlp", 12, mlp.build, "raw MLPs, named and unnamed; training checkpoints and frozen"),
    Family("rnn", 8, rnn.build_rnn, "RNN/LSTM/GRU text models written with while loops and TensorArrays"),
    Family("seq2seq", 6, rnn.build_seq2seq, "encoder-decoder with a teacher-forced decoder and a greedy loop"),
    Family("cnn", 10, cnn.build, "hand-written CNNs, batch norm in training mode with an is_training switch"),
    Family("autoencoder", 7, generative.build_autoencoder, "dense, conv, denoising and variational autoencoders"),
    Family("detector", 7, heads.build_detector, "multi-head detectors: boxes, scores, classes; NMS"),
    Family("keypoints", 6, heads.build_keypoints, "keypoint models: heatmaps and the keypoints from them"),
    Family("queue", 8, pipelines.build_queue, "inputs through queues and readers, no data placeholder"),
    Family("tfdata", 7, pipelines.build_tfdata, "inputs through tf.data iterators"),
    Family("jpeg", 7, decoding.build_jpeg, "encoded image strings decoded in the graph (JPEG, PNG)"),
    Family("wav", 5, decoding.build_wav, "WAV decoding, spectrogram and MFCC in the graph (speech commands)"),
    Family("switches", 10, switches.build_switches, "every kind of mode switch, plain and with defaults"),
    Family("pwd", 6, switches.build_pwd, "PlaceholderWithDefault as a data input: bottlenecks, constant defaults"),
    Family("auxhead", 6, extras.build_auxhead, "auxiliary heads feeding only an auxiliary loss; metrics"),
    Family("summaries", 6, extras.build_summaries, "summaries of every kind, on the model and on the output"),
    Family("unnamed", 8, extras.build_unnamed, "completely unnamed graphs"),
    Family("gan", 7, generative.build_gan, "GAN generators trained beside their discriminator, both losses"),
)
