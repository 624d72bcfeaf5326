"""Write a built graph in one of the TF1 formats, and the ``truth.json`` beside it.

Formats: a frozen GraphDef (binary or text), a training checkpoint (``PREFIX-N.meta`` with its data and the
``checkpoint`` file), a bare MetaGraphDef, a TF1 SavedModel. ``finish`` checks that every tensor the truth
names is in the written file, drops the labels and switches that freezing pruned away, and writes the truth.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import tfenv

tf = tfenv.load()
v1 = tf.compat.v1

from google.protobuf import text_format  # noqa: E402
from tensorflow.core.framework import graph_pb2  # noqa: E402
from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2  # noqa: E402

GENERATOR = "tf-" + ".".join(tf.__version__.split(".")[:2])


@dataclass
class Truth:
    id: str
    family: str
    format: str
    model: str
    inputs: list[str]
    outputs: list[str]
    notes: str
    mode_switches: dict[str, Any] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    cut_ok: list[str] = field(default_factory=list)
    also_ok: list[list[str]] = field(default_factory=list)
    generator: str = GENERATOR

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for optional in ("cut_ok", "also_ok"):
            if not data[optional]:
                del data[optional]
        order = ["id", "family", "generator", "format", "model", "inputs", "cut_ok", "outputs", "also_ok",
                 "mode_switches", "labels", "notes"]
        return {key: data[key] for key in order if key in data}


def names(tensors: Any) -> list[str]:
    return [t.name for t in tensors]


def node_names(tensor_names: list[str]) -> list[str]:
    return sorted({name.rsplit(":", 1)[0] for name in tensor_names})


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def freeze(sess: Any, outputs: list[str], keep: tuple[str, ...] = ()) -> Any:
    """The 2017 freeze script: variables to constants, pruned to the output nodes (and ``keep``)."""
    graph_def = sess.graph.as_graph_def()
    return v1.graph_util.convert_variables_to_constants(sess, graph_def, node_names(list(outputs) + list(keep)))


def write_graphdef(graph_def: Any, folder: Path, name: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name.endswith((".pbtxt", ".txt", ".prototxt")):
        path.write_text(text_format.MessageToString(graph_def))
    else:
        path.write_bytes(graph_def.SerializeToString(deterministic=True))
    return name


def write_checkpoint(sess: Any, saver: Any, folder: Path, prefix: str, step: int) -> str:
    """``saver.save`` with a global step: ``PREFIX-STEP.meta`` beside ``.index``, ``.data-*``, ``checkpoint``."""
    target = folder / prefix
    target.parent.mkdir(parents=True, exist_ok=True)
    saved = saver.save(sess, str(target), global_step=step)
    state = target.parent / "checkpoint"  # Saver writes absolute paths: keep the folder movable
    state.write_text(state.read_text().replace(str(target.parent) + "/", ""))
    return str(Path(saved + ".meta").relative_to(folder))


def write_metagraph(graph: Any, folder: Path, name: str, saver: Any = None) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    saver_def = saver.as_saver_def() if saver is not None else None
    v1.train.export_meta_graph(filename=str(path), graph=graph, saver_def=saver_def,
                               as_text=name.endswith(".pbtxt"))
    return name


def signature(inputs: dict[str, Any], outputs: dict[str, Any], method: str = "predict") -> Any:
    methods = {"predict": v1.saved_model.signature_constants.PREDICT_METHOD_NAME,
               "classify": v1.saved_model.signature_constants.CLASSIFY_METHOD_NAME,
               "regress": v1.saved_model.signature_constants.REGRESS_METHOD_NAME}
    return v1.saved_model.signature_def_utils.build_signature_def(
        inputs={k: v1.saved_model.utils.build_tensor_info(t) for k, t in inputs.items()},
        outputs={k: v1.saved_model.utils.build_tensor_info(t) for k, t in outputs.items()},
        method_name=methods[method])


def write_saved_model(sess: Any, folder: Path, subdir: str, signatures: dict[str, Any],
                      tags: list[str] | None = None) -> str:
    target = folder / subdir
    if target.exists():
        shutil.rmtree(target)
    builder = v1.saved_model.Builder(str(target))
    builder.add_meta_graph_and_variables(sess, tags or [v1.saved_model.tag_constants.SERVING],
                                         signature_def_map=signatures, strip_default_attrs=True)
    builder.save()
    return subdir


def serving_signature(saved_model_dir: Path) -> tuple[list[str], list[str]]:
    """The inputs and outputs a server calls in the 'serve' MetaGraphDef of a written SavedModel:
    serving_default, or else the predict-method signature (estimators with several raw inputs drop
    serving_default when it is a classify or regress signature)."""
    meta = serving_metagraph(saved_model_dir)
    sigs = meta.signature_def
    predict = [k for k in sorted(sigs) if sigs[k].method_name == "tensorflow/serving/predict"]
    sig = sigs["serving_default"] if "serving_default" in sigs else sigs[predict[0]]
    return sorted(t.name for t in sig.inputs.values()), sorted(t.name for t in sig.outputs.values())


def serving_metagraph(saved_model_dir: Path) -> Any:
    model = saved_model_pb2.SavedModel()
    model.ParseFromString((saved_model_dir / "saved_model.pb").read_bytes())
    for meta in model.meta_graphs:
        if "serve" in meta.meta_info_def.tags:
            return meta
    return model.meta_graphs[0]


def _graph_of(path: Path, fmt: str) -> Any:
    if fmt == "saved_model":
        return serving_metagraph(path if path.is_dir() else path.parent).graph_def
    if fmt in ("checkpoint", "metagraph"):
        meta = meta_graph_pb2.MetaGraphDef()
        if path.suffix == ".pbtxt":
            text_format.Parse(path.read_text(), meta)
        else:
            meta.ParseFromString(path.read_bytes())
        return meta.graph_def
    graph_def = graph_pb2.GraphDef()
    if fmt == "graphdef_text":
        text_format.Parse(path.read_text(), graph_def)
    else:
        graph_def.ParseFromString(path.read_bytes())
    return graph_def


def _settle_bytes(folder: Path) -> None:
    """Re-serialize the binary protos TensorFlow wrote with map fields in a fixed order, so that two runs
    write the same bytes (the messages are equal either way)."""
    for path in sorted(folder.rglob("*")):
        if path.name == "saved_model.pb":
            message: Any = saved_model_pb2.SavedModel()
        elif path.suffix == ".meta":
            message = meta_graph_pb2.MetaGraphDef()
        else:
            continue
        message.ParseFromString(path.read_bytes())
        path.write_bytes(message.SerializeToString(deterministic=True))


def finish(folder: Path, truth: Truth) -> Truth:
    """Check the truth against the written file, drop what freezing pruned, write ``truth.json``."""
    _settle_bytes(folder)
    graph_def = _graph_of(folder / truth.model, truth.format)
    present = {node.name for node in graph_def.node}
    read = {inp.lstrip("^").rsplit(":", 1)[0] for node in graph_def.node for inp in node.input}
    for function in graph_def.library.function:
        read |= {inp.lstrip("^").split(":", 1)[0] for node in function.node_def for inp in node.input}

    def there(tensor: str) -> bool:
        return tensor.rsplit(":", 1)[0] in present

    def used(tensor: str) -> bool:
        return tensor.rsplit(":", 1)[0] in read

    missing = [t for t in truth.inputs + truth.outputs + truth.cut_ok if not there(t)]
    missing += [t for group in truth.also_ok for t in group if not there(t)]
    if missing:
        raise RuntimeError(f"{truth.id}: truth names tensors not in {truth.model}: {missing}")
    unread = [t for t in truth.inputs if not used(t)]
    if unread:
        raise RuntimeError(f"{truth.id}: truth inputs that nothing in {truth.model} reads: {unread}")
    # A feed that freezing pruned, or that nothing reads, is neither a label nor a switch of this file.
    truth.labels = [t for t in truth.labels if used(t)]
    truth.mode_switches = {t: v for t, v in truth.mode_switches.items() if used(t)}
    (folder / "truth.json").write_text(json.dumps(truth.as_json(), indent=1) + "\n")
    return truth
