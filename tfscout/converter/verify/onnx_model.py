"""Reading and writing ONNX models: what a model takes, gives and holds (its structure), and the model of
constants written for a graph whose outputs depend on no input.

The functions ending in ``_child`` run in a child process (onnx is imported there); the others run in
the caller.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from tfscout.converter.report import ConversionReport, FrozenGraph, ModelStructure, TensorInfo
from tfscout.errors import ModelLoadError
from tfscout.procs import run_function

_ONNX_TYPES = {1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
               8: "string", 9: "bool", 10: "float16", 11: "float64", 12: "uint32", 13: "uint64",
               14: "complex64", 15: "complex128", 16: "bfloat16"}



def _value_info(v: Any) -> TensorInfo:
    t = v.type.tensor_type
    shape: list[int] | None = None
    if t.HasField("shape"):
        shape = [d.dim_value if d.HasField("dim_value") else -1 for d in t.shape.dim]
    return TensorInfo(v.name, _ONNX_TYPES.get(t.elem_type), shape)


def structure_of(model: Any) -> ModelStructure:
    counts: dict[str, int] = {}
    for node in model.graph.node:
        key = node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"
        counts[key] = counts.get(key, 0) + 1
    init = {i.name for i in model.graph.initializer}
    domains = {(o.domain or "ai.onnx"): int(o.version) for o in model.opset_import}
    return ModelStructure(
        inputs=[_value_info(v) for v in model.graph.input if v.name not in init],
        outputs=[_value_info(v) for v in model.graph.output],
        op_counts=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        nodes=len(model.graph.node), opset=domains.get("ai.onnx"), domains=domains,
    )


def describe_child(onnx_path: str) -> ModelStructure:
    import onnx

    try:
        model = onnx.load(onnx_path, load_external_data=False)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not an ONNX model"
        raise ModelLoadError(f"not a readable ONNX model ({type(exc).__name__})",
                             "pass the .onnx file tfscout convert or tf2onnx wrote", path=onnx_path) from None
    return structure_of(model)


def constant_model_child(reference_path: str, output_names: list[str], opset: int, onnx_path: str) -> None:
    """An ONNX model of constants: for graphs whose outputs depend on no input at all."""
    import onnx
    from onnx import helper, numpy_helper

    from tfscout.converter.verify.reference import load_arrays

    values = load_arrays(reference_path)
    nodes, outputs = [], []
    for k, name in enumerate(output_names):
        array = values[f"out_{k}"]
        nodes.append(helper.make_node("Constant", [], [name], value=numpy_helper.from_array(array, name)))
        outputs.append(helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(array.dtype),
                                                     list(array.shape)))
    graph = helper.make_graph(nodes, "constants", [], outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="tfscout")
    onnx.save(model, onnx_path)


def write_constant_model(report: ConversionReport, frozen: FrozenGraph, onnx_file: Path, opset: int,
                         timeout: float, cancel: threading.Event | None) -> None:
    """No inputs: tf2onnx refuses such a graph, and its outputs are TensorFlow's answers, as constants."""
    if frozen.reference_path is None:
        report.add_step("tf2onnx", "run tf2onnx", "skipped", "the graph has no inputs and TensorFlow gave no outputs")
        return
    run_function("tfscout.converter.verify.onnx_model:constant_model_child",
                 {"reference_path": frozen.reference_path, "output_names": [o.name for o in frozen.outputs],
                  "opset": opset, "onnx_path": str(onnx_file)},
                 what="writing the ONNX model", timeout=timeout, cancel=cancel)
    report.add_step("tf2onnx", "outputs without inputs become constants", "done",
                    "no output depends on an input (tf2onnx needs inputs): the ONNX model holds TensorFlow's "
                    "values as Constant nodes")


def describe(onnx_file: Path, timeout: float, cancel: threading.Event | None) -> ModelStructure:
    return run_function("tfscout.converter.verify.onnx_model:describe_child",
                        {"onnx_path": str(onnx_file)}, what="reading the ONNX model", timeout=timeout,
                        cancel=cancel)
