"""Autoencoders (dense, convolutional, denoising, variational) and GAN generators trained beside their
discriminator (both losses, two optimizers with their var_lists; a DCGAN-style sampler sharing the weights)."""

from __future__ import annotations

import numpy as np

from bench.devcorpus import Truth
from bench.devcorpus.families.common import model_scope, new_graph, training_switch
from bench.devcorpus.layers import Layers, Tensor, tf, v1
from bench.devcorpus.training import minimize, regression_loss, summaries
from bench.devcorpus.writers import Case, Interface, save

AUTOENCODERS = ("dense", "conv", "denoising", "vae", "dense", "noisy_cond", "conv")


def build_autoencoder(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        fmt = case.fmt(("checkpoint", "graphdef", "saved_model", "metagraph", "graphdef", "checkpoint", "graphdef_text"))
        kind = AUTOENCODERS[case.index % len(AUTOENCODERS)]
        conv = kind == "conv"
        dim: int = case.pick((784, 64, 100, 20))
        shape = [None, 28, 28, 1] if conv else [None, dim]
        x = v1.placeholder(tf.float32, shape, name=nm("image" if conv else "input"))
        iface = Interface(inputs=[x], outputs=[])
        target = x
        source = x
        if kind == "denoising":  # the author feeds corrupted inputs and the clean ones as the target
            target = v1.placeholder(tf.float32, shape, name=case.pick(("x_clean", "clean", "target", "y", None)))
            iface.labels.append(target)
        elif kind == "noisy_cond":
            is_training = training_switch(case)
            source = tf.cond(is_training, lambda: x + 0.3 * v1.random_normal(tf.shape(x)), lambda: x)
            iface.switches[is_training] = False
        extra_loss = None
        with model_scope(layers) as scopes:
            if conv:
                with layers.scope("encoder" if nm.style != "auto" else None):
                    h = layers.conv(source, 16, stride=2, scope=nm.layer("conv", 1))
                    code = layers.conv(h, 8, stride=2, scope=nm.layer("conv", 2))
                with layers.scope("decoder" if nm.style != "auto" else None):
                    h = layers.deconv(code, 16, 14, scope=nm.layer("conv", 3))
                    recon = layers.deconv(h, 1, 28, act="sigmoid", scope=nm.layer("conv", 4),
                                          out_name=nm("reconstruction"))
            else:
                sizes = [case.pick((64, 128, 256)) for _ in range(case.rng.randint(1, 3))]
                code_dim = case.pick((2, 8, 16, 32))
                h = source
                with layers.scope("encoder" if nm.style != "auto" else None):
                    for i, units in enumerate(sizes):
                        h = layers.dense(h, units, case.pick(("relu", "sigmoid", "tanh")), scope=nm.layer("hidden", i + 1))
                    if kind == "vae":
                        z_mean = layers.dense(h, code_dim, None, scope="z_mean", out_name="z_mean" if nm.style != "auto" else None)
                        z_log_var = layers.dense(h, code_dim, None, scope="z_log_sigma_sq")
                        eps = v1.random_normal(tf.shape(z_mean), 0, 1, dtype=tf.float32)
                        code = z_mean + tf.sqrt(tf.exp(z_log_var)) * eps
                        extra_loss = -0.5 * tf.reduce_sum(1 + z_log_var - tf.square(z_mean) - tf.exp(z_log_var), 1)
                    else:
                        code = layers.dense(h, code_dim, case.pick(("relu", "sigmoid", None)), scope="code" if nm.style != "auto" else None)
                h = code
                with layers.scope("decoder" if nm.style != "auto" else None):
                    for i, units in enumerate(reversed(sizes)):
                        h = layers.dense(h, units, case.pick(("relu", "sigmoid", "tanh")), scope=nm.layer("hidden", i + 1))
                    recon = layers.dense(h, dim, "sigmoid", scope=nm("head"), out_name=nm("reconstruction"))
        if extra_loss is not None:
            bce = -tf.reduce_sum(target * v1.log(1e-10 + recon) + (1 - target) * v1.log(1e-10 + 1 - recon), 1)
            loss = tf.reduce_mean(bce + extra_loss, name=nm("loss"))
        else:
            loss = regression_loss(nm, recon, target)
        training = minimize(nm, loss)
        summaries(nm, [loss], layers, x if conv else None)
        iface.outputs = [recon]
        iface.labels += training.feeds
        iface.tail = [loss] if case.chance(0.25) else []
        notes = (f"{kind} autoencoder ("
                 + ("its loss compares the output with the clean target, a training-only feed" if kind == "denoising"
                    else "its loss compares the output with the input, no label") + f"), names {nm.style}"
                 + (f", scopes {'/'.join(scopes)}" if scopes else ""))
        return save(case, graph, fmt, kind, iface, notes)


GANS = ("dcgan", "mlp", "cgan", "dcgan_sampler", "mlp", "dcgan", "cgan")


def build_gan(case: Case) -> Truth:
    nm = case.names
    with new_graph(case) as graph:
        layers = Layers(nm)
        layers.var_style = "get_variable"  # the discriminator is applied twice: its variables are reused
        fmt = case.fmt(("checkpoint", "graphdef", "checkpoint", "saved_model", "metagraph", "graphdef", "checkpoint"))
        kind = GANS[case.index % len(GANS)]
        conv = kind.startswith("dcgan")
        z_dim, classes = case.pick((16, 32, 100)), 10
        z = v1.placeholder(tf.float32, [None, z_dim], name=nm("latent"))
        y = v1.placeholder(tf.float32, [None, classes], name=case.pick(("y", "condition", "label", "c", None))) if kind == "cgan" else None
        real = v1.placeholder(tf.float32, [None, 28, 28, 1] if conv else [None, 784], name=nm("image"))
        is_training = training_switch(case) if kind == "dcgan" and case.chance(0.6) else None
        g_names = [f"g_h{i}" if case.chance(0.5) else f"g_{case.pick(('fc', 'deconv', 'layer'))}{i}" for i in range(3)]
        d_names = [f"d_h{i}" if case.chance(0.5) else f"d_{case.pick(('conv', 'fc', 'layer'))}{i}" for i in range(3)]
        g_scope, d_scope = case.pick((("generator", "discriminator"), ("G", "D"), ("gen", "disc"), ("g_net", "d_net")))

        def generator(noise: Tensor, train: bool | Tensor, reuse: bool) -> Tensor:
            with v1.variable_scope(g_scope, reuse=reuse):
                h = tf.concat([noise, y], 1) if y is not None else noise
                if conv:
                    h = layers.dense(h, 7 * 7 * 16, None, scope=g_names[0])
                    h = tf.reshape(h, [-1, 7, 7, 16])
                    h = tf.nn.relu(_bn(layers, h, train, g_names[0] + "_bn"))
                    h = layers.deconv(h, 8, 14, scope=g_names[1])
                    return layers.deconv(h, 1, 28, act="tanh", scope=g_names[2])
                h = layers.dense(h, 128, "leaky", scope=g_names[0])
                return layers.dense(h, 784, "tanh", scope=g_names[2])

        def discriminator(images: Tensor, reuse: bool) -> Tensor:
            with v1.variable_scope(d_scope, reuse=reuse):
                h = images
                if conv:
                    h = layers.conv(h, 8, stride=2, act="leaky", scope=d_names[0])
                    h = layers.conv(h, 16, stride=2, act="leaky", scope=d_names[1])
                    h = tf.reshape(h, [-1, 7 * 7 * 16])
                if y is not None:
                    h = tf.concat([h, y], 1)
                h = layers.dense(h, 64, "leaky", scope=d_names[1] + "_fc" if conv else d_names[1])
                return layers.dense(h, 1, None, scope=d_names[2])

        with model_scope(layers, []):
            fake = generator(z, True if is_training is None else is_training, reuse=False)
            d_real = discriminator(real, reuse=False)
            d_fake = discriminator(fake, reuse=True)
            sampler = generator(z, False, reuse=True) if kind == "dcgan_sampler" else None
        out = tf.identity(sampler if sampler is not None else fake, name=nm("generated"))

        def xent(logits: Tensor, ones: bool) -> Tensor:
            target = tf.ones_like(logits) if ones else tf.zeros_like(logits)
            return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, labels=target))

        d_loss = tf.add(xent(d_real, True), xent(d_fake, False), name="d_loss")
        g_loss = tf.identity(xent(d_fake, True), name="g_loss")
        d_vars = [v for v in v1.trainable_variables() if v.name.startswith(d_scope + "/")]
        g_vars = [v for v in v1.trainable_variables() if v.name.startswith(g_scope + "/")]
        d_train = minimize(nm, d_loss, var_list=d_vars, fed_lr=False)
        g_train = minimize(nm, g_loss, var_list=g_vars, fed_lr=False)
        summaries(nm, [d_loss, g_loss], None, tf.reshape(fake, [-1, 28, 28, 1]), style="scalars")
        iface = Interface(inputs=[z] + ([y] if y is not None else []), outputs=[out],
                          labels=[real, *d_train.feeds, *g_train.feeds])
        if is_training is not None:
            iface.switches[is_training] = False
        iface.feeds[z] = np.random.default_rng(3).standard_normal((2, z_dim)).astype(np.float32)
        notes = (f"{kind} GAN: the generator's output feeds the discriminator, whose two losses compare with "
                 f"constants (no label placeholder); real images are a training-only feed, names {nm.style}"
                 + (", a separate sampler path with inference batch norm" if sampler is not None else ""))
        return save(case, graph, fmt, kind, iface, notes)


def _bn(layers: Layers, x: Tensor, train: bool | Tensor, scope: str) -> Tensor:
    """The DCGAN batch norm: a Python bool picks batch statistics (updating the moving averages) or the
    moving averages; a tensor switches between them in the graph."""
    if not isinstance(train, bool):
        return layers.batch_norm(x, "assign", train, scope=scope)
    channels = int(x.shape[-1])
    with v1.variable_scope(scope):
        beta = v1.get_variable("beta", [channels], initializer=v1.zeros_initializer(), use_resource=False)
        gamma = v1.get_variable("gamma", [channels], initializer=v1.ones_initializer(), use_resource=False)
        moving_mean = v1.get_variable("moving_mean", [channels], initializer=v1.zeros_initializer(),
                                      trainable=False, use_resource=False)
        moving_var = v1.get_variable("moving_variance", [channels], initializer=v1.ones_initializer(),
                                     trainable=False, use_resource=False)
        if not train:
            return tf.nn.batch_normalization(x, moving_mean, moving_var, beta, gamma, 1e-5)
        mean, var = tf.nn.moments(x, [0, 1, 2])
        updates = [v1.assign(moving_mean, 0.9 * moving_mean + 0.1 * mean),
                   v1.assign(moving_var, 0.9 * moving_var + 0.1 * var)]
        with tf.control_dependencies(updates):
            return tf.nn.batch_normalization(x, mean, var, beta, gamma, 1e-5)
