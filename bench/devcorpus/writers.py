"""One graph of the corpus: its seeded RNG and names (:class:`Case`), and the writers of every TF1 format.

``save(case, graph, fmt, variant, interface, notes)`` writes the graph as a frozen ``.pb``, a ``.pbtxt``
(frozen, or the raw training graph as ``tf.train.write_graph`` left it), a ``model.ckpt-N`` checkpoint
with its data, a lone ``.meta``, or a TF1 SavedModel with one or several signatures, under the file names
people used. It then checks the truth against what it wrote: every name exists in the written graph, and
feeding the truth inputs and switches alone computes the truth outputs in TensorFlow (on the frozen graph
itself for the GraphDef formats). Labels and switches that freezing pruned away are dropped from the truth.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.devcorpus import FORMATS, SwitchValue, Truth, case_seed, write_truth
from bench.devcorpus.layers import Tensor, tf, v1
from bench.devcorpus.naming import Namer

GENERATOR = "tf-" + ".".join(tf.__version__.split(".")[:2])
FORMAT_TAG = {"graphdef": "pb", "graphdef_text": "pbtxt", "checkpoint": "ckpt", "metagraph": "meta",
              "saved_model": "sm"}
FROZEN_NAMES = ("frozen_model.pb", "frozen_graph.pb", "model.pb", "output_graph.pb", "graph.pb",
                "optimized_graph.pb", "frozen_inference_graph.pb", "model.bytes", "inference_graph.pb",
                "{word}.pb", "{word}_frozen.pb")
TEXT_NAMES = ("graph.pbtxt", "model.pbtxt", "frozen.pbtxt", "{word}.pbtxt", "graph_def.txt", "model.pb")
META_NAMES = ("graph.meta", "model.meta", "train_graph.meta", "inference.meta", "{word}.meta")
CKPT_PREFIXES = ("model.ckpt", "model.ckpt", "model.ckpt", "model", "my_model", "ckpt", "{word}.ckpt",
                 "train/model.ckpt", "checkpoints/{word}")
EXPORT_DIRS = ("export/1", "saved_model", "export/{stamp}", "serving/001", "{word}/1", ".")


@dataclass
class Case:
    """One graph being built: its family, index, folder, seeded RNG and names."""

    family: str
    index: int
    out: Path
    seed: int = 0
    rng: random.Random = field(init=False)
    names: Namer = field(init=False)
    remarks: list[str] = field(default_factory=list)  # what the writer did that the truth's notes should say

    def __post_init__(self) -> None:
        self.seed = case_seed(self.family, self.index)
        self.rng = random.Random(self.seed)
        self.names = Namer(self.rng)

    def pick(self, options: Any) -> Any:
        return self.rng.choice(list(options))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def fmt(self, allowed: tuple[str, ...] = FORMATS, weights: tuple[float, ...] | None = None) -> str:
        """The graph's format; without weights the family's graphs take the allowed formats in turn."""
        if weights is not None:
            return self.rng.choices(allowed, weights=weights)[0]
        return allowed[self.index % len(allowed)]

    def filename(self, pattern: str) -> str:
        return pattern.format(word=self.names.word(), stamp=1500000000 + self.rng.randint(0, 60000000))


@dataclass
class Interface:
    """The author's inference interface, as the tensors the build kept in Python variables."""

    inputs: list[Tensor]
    outputs: list[Tensor]
    switches: dict[Tensor, SwitchValue] = field(default_factory=dict)
    labels: list[Tensor] = field(default_factory=list)
    cut_ok: list[Tensor] = field(default_factory=list)
    also_ok: list[list[Tensor]] = field(default_factory=list)
    feeds: dict[Tensor, Any] = field(default_factory=dict)   # example values where the dtype or shape needs one
    tail: list[Tensor] = field(default_factory=list)         # kept when a graph is frozen with its training tail
    signatures: dict[str, tuple[dict[str, Tensor], dict[str, Tensor]]] | None = None
    extra_outputs: list[Tensor] = field(default_factory=list)  # for a second SavedModel signature


def save(case: Case, graph: Any, fmt: str, variant: str, iface: Interface, notes: str) -> Truth:
    """Write ``graph`` in ``fmt`` under ``out/<family>/<id>/``, check the truth, write ``truth.json``."""
    case_id = f"{case.family}-{variant}-{FORMAT_TAG[fmt]}-{case.index:03d}"
    folder = case.out / case.family / case_id
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    with graph.as_default():
        saver = v1.train.Saver(max_to_keep=3, save_relative_paths=True) if fmt == "checkpoint" or (fmt != "saved_model" and case.chance(0.6)) else None
        with v1.Session(graph=graph) as sess:
            sess.run([v1.global_variables_initializer(), v1.local_variables_initializer(), v1.tables_initializer()])
            if fmt in ("graphdef", "graphdef_text"):
                model, written = _write_graphdef(case, sess, graph, fmt, iface, folder)
            else:
                _check(sess, iface, iface.inputs, graph.as_graph_def())
                model = {"checkpoint": _write_checkpoint, "metagraph": _write_metagraph,
                         "saved_model": _write_saved_model}[fmt](case, sess, saver, iface, folder)
                written = graph.as_graph_def()
    present = {n.name for n in written.node}

    def kept(tensors: list[Tensor]) -> list[str]:
        return list(dict.fromkeys(t.name for t in tensors if t.op.name in present))

    missing = [t.name for t in [*iface.inputs, *iface.outputs] if t.op.name not in present]
    if missing:
        raise AssertionError(f"{case_id}: truth tensors not in the written graph: {missing}")
    truth = Truth(id=case_id, family=case.family, generator=GENERATOR, format=fmt, model=model,
                  inputs=[t.name for t in iface.inputs], outputs=[t.name for t in iface.outputs],
                  cut_ok=kept(iface.cut_ok), also_ok=[[t.name for t in s] for s in iface.also_ok],
                  mode_switches={t.name: v for t, v in iface.switches.items() if t.op.name in present},
                  labels=kept(iface.labels), notes="; ".join([notes, *case.remarks]))
    write_truth(folder, truth)
    return truth


# -- the formats -----------------------------------------------------------------------------------
def _write_graphdef(case: Case, sess: Any, graph: Any, fmt: str, iface: Interface, folder: Path) -> tuple[str, Any]:
    frozen_text = fmt == "graphdef" or case.chance(0.5)
    if frozen_text:
        targets = [t.op.name for t in [*iface.outputs, *iface.tail]]
        if iface.tail:
            case.remarks.append("frozen with its loss")
        if iface.tail and case.chance(0.5):  # frozen with the loss and the summary on it, as some were
            targets += [op.name for op in graph.get_operations()
                        if op.type == "ScalarSummary" and any(t in iface.tail for t in op.inputs)]
            case.remarks.append("and the loss's summary")
        written = v1.graph_util.convert_variables_to_constants(sess, _unref(graph.as_graph_def()), targets)
    else:  # the training graph as tf.train.write_graph(sess.graph_def, ...) left it, variables and all
        written = graph.as_graph_def()
        case.remarks.append("the training graph as written, variables unfrozen")
    name = case.filename(case.pick(FROZEN_NAMES if fmt == "graphdef" else TEXT_NAMES))
    v1.train.write_graph(written, str(folder), name, as_text=fmt == "graphdef_text")
    if frozen_text:
        _check_frozen(written, iface)
    else:
        _check(sess, iface, iface.inputs, written)
    return name, written


def _unref(graph_def: Any) -> Any:
    """The fix everyone pasted (tensorflow#3628) so a graph with moving averages assigned inside a tf.cond
    imports after freezing: RefSwitch -> Switch, AssignSub -> Sub, AssignAdd -> Add, Assign -> Identity."""
    for node in graph_def.node:
        if node.op == "RefSwitch":
            node.op = "Switch"
        elif node.op in ("AssignSub", "AssignAdd"):
            node.op = "Sub" if node.op == "AssignSub" else "Add"
            node.attr.pop("use_locking", None)
        elif node.op == "Assign":
            node.op = "Identity"
            node.attr.pop("use_locking", None)
            node.attr.pop("validate_shape", None)
            if len(node.input) == 2:
                node.input[0] = node.input[1]
                del node.input[1]
    return graph_def


def _write_checkpoint(case: Case, sess: Any, saver: Any, iface: Interface, folder: Path) -> str:
    prefix = case.filename(case.pick(CKPT_PREFIXES))
    (folder / prefix).parent.mkdir(parents=True, exist_ok=True)
    step = case.pick((None, 1, 1000, 1200, 5000, 20000, 42000, 100000, case.rng.randint(1, 99999)))
    path = saver.save(sess, str(folder / prefix), global_step=step)
    if step is not None and case.chance(0.3):  # a training run leaves several checkpoints; the last is the one
        path = saver.save(sess, str(folder / prefix), global_step=step + case.pick((500, 1000, 2000)))
        case.remarks.append("two checkpoints")
    rel = Path(path).relative_to(folder).as_posix()
    where = case.pick(("meta", "meta", "meta", "prefix", "folder"))
    if where != "folder" and case.chance(0.25):  # inherited: the `checkpoint` file names the author's machine
        state = Path(path).parent / "checkpoint"
        home = f"/home/{case.names.word()}/{case.pick(('train', 'models', 'runs/exp3', 'tmp/logdir'))}/"
        case.remarks.append("the checkpoint file names paths on the author's machine")
        entries = [line.partition(": ") for line in state.read_text().splitlines() if line]
        state.write_text("".join(f'{key}: "{home}{value.strip(chr(34))}"\n' for key, _, value in entries))
    if where == "meta":
        return rel + ".meta"
    if where == "prefix":
        return rel
    return Path(rel).parent.as_posix()


def _write_metagraph(case: Case, sess: Any, saver: Any, iface: Interface, folder: Path) -> str:
    name = case.filename(case.pick(META_NAMES))
    v1.train.export_meta_graph(filename=str(folder / name), saver_def=saver.as_saver_def() if saver else None)
    return name


def _write_saved_model(case: Case, sess: Any, saver: Any, iface: Interface, folder: Path) -> str:
    export = case.filename(case.pick(EXPORT_DIRS))
    target = folder / export
    if target != folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    builder = v1.saved_model.Builder(str(target) if target != folder else str(folder / "_tmp_export"))
    signatures = iface.signatures or _default_signatures(case, iface)
    defs = {key: v1.saved_model.predict_signature_def(inputs=ins, outputs=outs) for key, (ins, outs) in signatures.items()}
    builder.add_meta_graph_and_variables(sess, [v1.saved_model.tag_constants.SERVING], signature_def_map=defs)
    builder.save()
    if target == folder:  # exported straight into the folder: move saved_model.pb and variables/ up
        for item in (folder / "_tmp_export").iterdir():
            item.rename(folder / item.name)
        (folder / "_tmp_export").rmdir()
    return case.pick((export, export, f"{export}/saved_model.pb")).removeprefix("./")


def _keyed(tensors: list[Tensor]) -> dict[str, Tensor]:
    """Signature keys from the tensors' last name component, made unique (``Placeholder``, ``Placeholder_1``)."""
    keyed: dict[str, Tensor] = {}
    for t in tensors:
        key = t.op.name.rsplit("/", 1)[-1].replace("-", "_") + ("" if t.value_index == 0 else f"_{t.value_index}")
        base, n = key, 0
        while key in keyed:
            n += 1
            key = f"{base}_{n}"
        keyed[key] = t
    return keyed


def _default_signatures(case: Case, iface: Interface) -> dict[str, tuple[dict[str, Tensor], dict[str, Tensor]]]:
    fed = [s for s in iface.switches if s.op.type == "Placeholder"]
    ins = _keyed([*iface.inputs, *fed])
    sigs = {"serving_default": (ins, _keyed(iface.outputs))}
    if iface.extra_outputs and case.chance(0.5):
        sigs[case.pick(("predict", "scores", "logits", "debug"))] = (ins, _keyed([*iface.outputs, *iface.extra_outputs]))
    scores = iface.outputs[0]
    if len(iface.outputs) == 1 and scores.op.type == "Softmax" and scores.shape.rank == 2 and case.chance(0.35):
        # TF Serving's mnist example: a classification signature with the classes beside the scores
        classes = tf.argmax(scores, 1, name=case.pick(("classes", "predicted_classes", None)))
        sigs[case.pick(("classify", "predict_class", "classification"))] = (ins, {"classes": classes, "scores": scores})
    if len(sigs) == 1 and case.chance(0.2):
        sigs = {case.pick(("predict_images", "predict", "serving")): sigs["serving_default"]}
    return sigs


# -- the checks ------------------------------------------------------------------------------------
def example_value(t: Tensor, given: dict[Tensor, Any], rng: np.random.Generator) -> Any:
    if t in given:
        return given[t]
    dtype = t.dtype.base_dtype
    if t.shape.rank is None:
        raise AssertionError(f"{t.name}: unknown rank; give an example value in Interface.feeds")
    shape = [d if d is not None else (2 if i == 0 else 4) for i, d in enumerate(t.shape.as_list())]
    if dtype == tf.bool:
        return np.zeros(shape, bool)
    if dtype.is_integer:
        return rng.integers(0, 3, shape).astype(dtype.as_numpy_dtype)
    if dtype.is_floating:
        return rng.standard_normal(shape).astype(dtype.as_numpy_dtype)
    raise AssertionError(f"{t.name}: {dtype.name}; give an example value in Interface.feeds")


def _feed(iface: Interface, present: set[str]) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    feed = {t.name: example_value(t, iface.feeds, rng) for t in iface.inputs}
    feed.update({t.name: v for t, v in iface.switches.items() if t.op.name in present})
    return feed


def _fetches(iface: Interface) -> list[str]:
    return [t.name for t in iface.outputs] + [t.name for s in iface.also_ok for t in s]


def _check(sess: Any, iface: Interface, inputs: list[Tensor], graph_def: Any) -> None:
    """The truth inputs and switches alone compute the truth outputs."""
    present = {n.name for n in graph_def.node}
    sess.run(_fetches(iface), _feed(iface, present))


def _check_frozen(graph_def: Any, iface: Interface) -> None:
    present = {n.name for n in graph_def.node}
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph_def, name="")
        with v1.Session(graph=g) as sess:
            sess.run(_fetches(iface), _feed(iface, present))
