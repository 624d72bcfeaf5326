"""Models fed encoded bytes: JPEG / PNG decoding (string placeholder -> DecodeJpeg -> resize -> normalise) and
WAV decoding (DecodeWav -> AudioSpectrogram -> Mfcc, the speech-commands way). The truth input is the string
placeholder; every tensor after the decoding and before the model is an acceptable cut."""

from __future__ import annotations

import functools

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import Head, classifier, model_scope, new_graph, train
from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.writers import Case, Interface, save

JPEGS = ("inception", "retrain", "map_fn", "png", "serving", "decode_image", "train")
WAVS = ("speech_frozen", "speech_train", "float_samples", "spectrogram", "speech_frozen")
SAMPLES, WINDOW, STRIDE = 8000, 480, 160


@functools.cache
def encoded(kind: str, size: int) -> bytes:
    """A small encoded image or sound, for the truth check."""
    pixels = (np.random.default_rng(size).random((size, size, 3)) * 255).astype(np.uint8)
    with tf.Graph().as_default(), v1.Session() as sess:
        if kind == "jpeg":
            return bytes(sess.run(tf.image.encode_jpeg(pixels)))
        if kind == "png":
            return bytes(sess.run(tf.image.encode_png(pixels)))
        audio = np.sin(np.arange(SAMPLES, dtype=np.float32) / 10.0).reshape(-1, 1) * 0.5
        return bytes(sess.run(tf.audio.encode_wav(audio, 16000)))


def _cnn(case: Case, layers: Layers, x: Tensor, classes: int, train_it: bool) -> Head:
    nm = case.names
    with model_scope(layers):
        h = x
        for i in range(case.rng.randint(1, 3)):
            h = layers.pool(layers.conv(h, case.pick((8, 16)), scope=nm.layer("conv", i + 1)))
        h = layers.flatten(h)
        return classifier(case, layers, h, classes, "softmax", train=train_it)


def build_jpeg(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        kind = JPEGS[case.index % len(JPEGS)]
        fmt = {"serving": "saved_model", "train": "checkpoint"}.get(kind) or case.pick(("graphdef", "graphdef", "graphdef_text"))
        size = case.pick((32, 48, 64))
        chain: list[Tensor] = []
        if kind in ("map_fn", "serving"):
            contents = v1.placeholder(tf.string, [None], name=case.pick(("image_bytes", "encoded_image_string_tensor", "jpegs", None)))

            def decode(one: Tensor) -> Tensor:
                image = tf.image.decode_jpeg(one, channels=3)
                return v1.image.resize_images(tf.image.convert_image_dtype(image, tf.float32), [size, size])

            x = tf.map_fn(decode, contents, dtype=tf.float32)
            chain.append(x)
        else:
            name = {"inception": "DecodeJpeg/contents", "retrain": "DecodeJPGInput"}.get(kind) or nm("image")
            contents = v1.placeholder(tf.string, [], name=name)
            if kind == "png":
                image = tf.image.decode_png(contents, channels=3)
            elif kind == "decode_image":
                image = tf.io.decode_image(contents, channels=3, expand_animations=False)
            else:
                image = tf.image.decode_jpeg(contents, channels=3, name="DecodeJpeg" if kind == "inception" else None)
            chain.append(image)
            chain.append(tf.cast(image, tf.float32))
            chain.append(tf.expand_dims(chain[-1], 0))
            chain.append(v1.image.resize_bilinear(chain[-1], [size, size]))
            x = chain[-1]
        if case.chance(0.7):
            chain.append(tf.subtract(x, 128.0 if kind != "map_fn" and kind != "serving" else 0.5))
            chain.append(tf.multiply(chain[-1], 1.0 / 128.0, name="Mul" if kind in ("inception", "retrain") else None))
            x = chain[-1]
        x.set_shape([None, size, size, 3])
        head = _cnn(case, layers, x, case.pick((5, 10, 1001)), train_it=kind == "train")
        train(case, head, layers)
        iface = Interface(inputs=[contents], outputs=head.outputs, labels=head.labels, cut_ok=chain)
        iface.feeds[contents] = (np.array([encoded("jpeg", size + 3)] * 2, dtype=object) if kind in ("map_fn", "serving")
                                 else encoded("png" if kind == "png" else "jpeg", size + 3))
        notes = f"{kind}: encoded image string -> decode -> resize -> normalise -> CNN, names {nm.style}"
        return save(case, graph, fmt, kind, iface, notes)


def build_wav(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        kind = WAVS[case.index % len(WAVS)]
        fmt = case.pick(("checkpoint", "metagraph") if kind == "speech_train" else ("graphdef", "graphdef", "graphdef_text"))
        chain: list[Tensor] = []
        iface = Interface(inputs=[], outputs=[])
        if kind == "speech_train":  # the training graph reads fingerprints computed outside it
            frames = 1 + (SAMPLES - WINDOW) // STRIDE
            x = v1.placeholder(tf.float32, [None, frames * 40], name="fingerprint_input" if nm.style != "auto" else None)
            iface.inputs.append(x)
        else:
            if kind == "float_samples":
                samples = v1.placeholder(tf.float32, [SAMPLES, 1], name=case.pick(("decoded_sample_data", "samples", "audio", None)))
                rate = tf.constant(16000)
                iface.inputs.append(samples)
                iface.feeds[samples] = np.sin(np.arange(SAMPLES, dtype=np.float32) / 10.0).reshape(-1, 1)
            else:
                wav = v1.placeholder(tf.string, [], name="wav_data" if nm.style != "auto" else None)
                decoded = tf.audio.decode_wav(wav, desired_channels=1, desired_samples=SAMPLES, name="decoded_sample_data")
                samples, rate = decoded.audio, decoded.sample_rate
                iface.inputs.append(wav)
                iface.feeds[wav] = encoded("wav", 0)
            spectrogram = tf.raw_ops.AudioSpectrogram(input=samples, window_size=WINDOW, stride=STRIDE,
                                                      magnitude_squared=True, name="AudioSpectrogram")
            # acceptable cuts come after the last op tf2onnx cannot convert (DecodeWav, AudioSpectrogram, Mfcc)
            chain = [spectrogram]
            if kind == "spectrogram":
                features = v1.log(spectrogram + 1e-6)
            else:
                features = tf.raw_ops.Mfcc(spectrogram=spectrogram, sample_rate=rate, dct_coefficient_count=40, name="Mfcc")
                chain = []
            chain.append(features)
            frames, bins = int(features.shape[1]), int(features.shape[2])
            x = tf.reshape(features, [-1, frames * bins])
            chain.append(x)
        with model_scope(layers, []):
            h = layers.dense(x, case.pick((64, 128)), "relu", scope=nm.layer("hidden", 1))
            keep = None
            if kind == "speech_train":
                keep = v1.placeholder(tf.float32, name="dropout_prob" if nm.style != "auto" else None)
                h = v1.nn.dropout(h, keep_prob=keep)
            head = classifier(case, layers, h, 12, "softmax", train=kind == "speech_train")
        probs = tf.identity(head.outputs[0], name="labels_softmax") if nm.style != "auto" else head.outputs[0]
        head.outputs = [probs]
        train(case, head, layers)
        iface.outputs = head.outputs
        iface.labels = head.labels
        iface.cut_ok = chain
        if keep is not None:
            iface.switches[keep] = 1.0
        notes = {"speech_train": "the speech-commands training graph: fingerprints fed directly, dropout_prob is a keep probability",
                 "float_samples": "float samples -> AudioSpectrogram -> Mfcc -> model"}.get(
            kind, "wav_data string -> DecodeWav -> AudioSpectrogram -> " + ("log" if kind == "spectrogram" else "Mfcc")
            + " -> model")
        return save(case, graph, fmt, kind, iface, notes + f", names {nm.style}")
