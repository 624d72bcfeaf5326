"""The attacks are real: one TensorFlow child runs every crafted model the way TensorFlow itself would,
each aimed at a probe of its own, so what touched the host is known model by model.

    python -m tests.security.attacks SPEC.json    # the child: SPEC lists the models and their probes

Raw GraphDefs are imported and run in a ``tf.compat.v1.Session`` (their variables' initializers first,
as a TF1 script does); the SavedModels and checkpoints are built in the child, aimed at their probe,
and loaded with TensorFlow's own loaders, which run their init, restore and asset ops. A model whose
work is a connection may never return (its client retries): it runs in a thread of its own, and the
child stays until the parent has seen every connection it waits for. Each session has threads of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import ROOT
from tests.security.hostile import BY_NAME, Probe, write_raw

WAIT = 300.0  # the most a connection or the child may take before the test fails (not a pass condition)


@dataclass(frozen=True)
class Attack:
    """One model for the child: a raw GraphDef file to run, or a loader model to build and load."""

    name: str
    path: str
    loader: bool
    feeds: tuple[str, ...]
    fetches: tuple[str, ...]
    background: bool
    outbox: str
    canary: str
    port: int


def _tensor(name: str) -> str:
    return name if ":" in name else f"{name}:0"


def attack_for(name: str, probe: Probe, folder: Path) -> Attack:
    """The model ``name`` aimed at ``probe``: raw GraphDefs written here, loader models left to the child."""
    hostile = BY_NAME[name]
    args = dict(zip(hostile.args[::2], hostile.args[1::2], strict=True))
    loader = hostile.runs == "loader"
    path = folder / name if loader else write_raw(name, probe, folder)
    return Attack(name, str(path), loader, tuple(_tensor(t) for t in args.get("--inputs", "x").split(",")),
                  tuple(_tensor(t) for t in args.get("--outputs", "y").split(",")), hostile.effect == "connect",
                  str(probe.outbox), str(probe.canary), probe.port)


@contextmanager
def tensorflow_child(attacks: list[Attack], spec: Path) -> Iterator[subprocess.Popen[str]]:
    """The child running ``attacks``; it prints ``done`` when every model not in the background has run,
    and leaves when its stdin is closed."""
    spec.write_text(json.dumps([a.__dict__ for a in attacks]))
    child = subprocess.Popen([sys.executable, "-m", "tests.security.attacks", str(spec)], cwd=ROOT, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    try:
        yield child
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def wait_for_done(child: subprocess.Popen[str]) -> list[str]:
    """The child's lines up to ``done`` (``ran NAME`` or ``failed NAME: why``); fails if it ends first."""
    assert child.stdout is not None
    lines: list[str] = []
    for line in child.stdout:
        if line.strip() == "done":
            return lines
        lines.append(line.strip())
    raise AssertionError(f"the TensorFlow child ended before it ran every model: {lines}")


# ---------------------------------------------------------------------------------------------
# The child


def _run_raw(tf: Any, np: Any, attack: Attack) -> None:
    graph_def = tf.compat.v1.GraphDef()
    graph_def.ParseFromString(Path(attack.path).read_bytes())
    with tf.Graph().as_default() as graph:
        tf.import_graph_def(graph_def, name="")
    with tf.compat.v1.Session(graph=graph, config=tf.compat.v1.ConfigProto(use_per_session_threads=True)) as sess:
        initializers = [op for op in graph.get_operations() if op.type in {"Assign", "AssignVariableOp"}]
        if initializers:
            sess.run(initializers)
        feeds = {}  # the given inputs, and every placeholder a cut leaves to be fed
        placeholders = [op.outputs[0].name for op in graph.get_operations() if op.type == "Placeholder"]
        for name in dict.fromkeys([*attack.feeds, *placeholders]):
            tensor = graph.get_tensor_by_name(name)
            dims = tensor.shape.as_list() if tensor.shape.rank is not None else [1, 2]
            feeds[tensor] = np.ones([d or 1 for d in dims], dtype=np.float32)
        sess.run([graph.get_tensor_by_name(name) for name in attack.fetches], feeds)


def _build_and_load(tf: Any, attack: Attack) -> None:
    from tests.security import hostile_tf

    probe, out = Probe(Path(attack.outbox), Path(attack.canary), attack.port), Path(attack.path)
    if attack.name == "checkpoint_restore_op":
        hostile_tf.checkpoint_restore_op(tf, out, probe)
        hostile_tf.load_with_tensorflow(out / "model.ckpt-1")
    elif attack.name == "asset_path":
        hostile_tf.asset_path(tf, out, probe, out.parent / f"{attack.name}_scratch")
        hostile_tf.load_with_tensorflow(out)
    else:
        hostile_tf.saved_model_with_init(tf, out, probe, attack.name)
        hostile_tf.load_with_tensorflow(out)


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _run(tf: Any, np: Any, attack: Attack) -> None:
    try:
        _build_and_load(tf, attack) if attack.loader else _run_raw(tf, np, attack)
        _say(f"ran {attack.name}")
    except Exception as exc:  # noqa: BLE001 - the work may be done before TensorFlow gives up on the rest
        _say(f"failed {attack.name}: {type(exc).__name__}: {str(exc).splitlines()[:3]}")


def main(spec: Path) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import numpy as np
    import tensorflow as tf

    tf.compat.v1.disable_eager_execution()
    attacks = [Attack(**{**fields, "feeds": tuple(fields["feeds"]), "fetches": tuple(fields["fetches"])})
               for fields in json.loads(spec.read_text())]
    for attack in attacks:
        if not attack.background:
            _run(tf, np, attack)
    for attack in attacks:  # after the rest: their blocked ops must not hold threads the others need
        if attack.background:
            threading.Thread(target=_run, args=(tf, np, attack), daemon=True).start()
    _say("done")
    sys.stdin.read()  # until the parent has seen what it waits for
    os._exit(0)  # the background models may still be retrying their connections


if __name__ == "__main__":
    main(Path(sys.argv[1]))
