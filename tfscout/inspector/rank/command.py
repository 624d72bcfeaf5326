"""The exact, runnable tf2onnx command for a chosen interface.

tf2onnx has no ``--input-shapes`` flag: shapes go inline on inputs (``--inputs "x:0[1,28,28,1]"``,
-1 for a dynamic dimension), and every name carries its port.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from tfscout.inspector.graph import GraphAnalysis, TensorRef
from tfscout.inspector.load import ModelSource
from tfscout.inspector.rank.interface import Interface, input_shape


@dataclass
class CommandSpec:
    inputs: list[tuple[str, list[int] | None]]
    outputs: list[str]
    opset: int
    signature: str | None = None
    use_default: list[str] = field(default_factory=list)
    extra_opset: str | None = None
    output_path: str = "model.onnx"


def shape_suffix(shape: list[int] | None) -> str:
    if shape is None:
        return ""
    return "[" + ",".join(str(d) for d in shape) + "]"


def _source_args(source: ModelSource, spec: CommandSpec) -> tuple[list[str], str]:
    """The source flag(s), and a step to run first when tf2onnx cannot read the file as it is."""
    fmt = source.format
    if fmt == "graphdef":
        return ["--graphdef", source.model_file], ""
    if fmt == "graphdef_text":
        binary = str(Path(source.model_file).with_suffix(".pb"))
        if binary == source.model_file:
            binary = source.model_file + ".binary.pb"
        prefix = f"tfscout freeze {shlex.quote(source.path)} -o {shlex.quote(binary)} && "
        return ["--graphdef", binary], prefix
    if fmt in ("checkpoint", "metagraph"):
        return ["--checkpoint", source.model_file], ""
    args = ["--saved-model", source.saved_model_dir or str(Path(source.model_file).parent)]
    if source.tags:
        args += ["--tag", ",".join(source.tags)]
    if spec.signature:
        args += ["--signature_def", spec.signature]
    return args, ""


def tf2onnx_argv(source: ModelSource, spec: CommandSpec) -> tuple[list[str], str]:
    """(argv after ``python -m tf2onnx.convert``, a shell step to run before it or "")."""
    argv, before = _source_args(source, spec)
    if spec.inputs:
        argv += ["--inputs", ",".join(name + shape_suffix(shape) for name, shape in spec.inputs)]
    if spec.outputs:
        argv += ["--outputs", ",".join(spec.outputs)]
    if spec.use_default:
        argv += ["--use_default", ",".join(spec.use_default)]
    argv += ["--opset", str(spec.opset)]
    if spec.extra_opset:
        argv += ["--extra_opset", spec.extra_opset]
    argv += ["--output", spec.output_path]
    return argv, before


def tf2onnx_command(source: ModelSource, spec: CommandSpec) -> str:
    argv, before = tf2onnx_argv(source, spec)
    return before + "python -m tf2onnx.convert " + " ".join(shlex.quote(a) for a in argv)


def command_spec(a: GraphAnalysis, iface: Interface, opset: int, extra_opset: str | None = None,
                 output_path: str = "model.onnx") -> CommandSpec:
    """The tf2onnx command's contents for an interface: names with ports, shapes inline, opset."""
    g = a.graph
    cmd_inputs = [(g.tensor_name(r), input_shape(a, iface, r)) for r in iface.inputs]
    for sw in iface.mode_switches.values():
        cmd_inputs.append((sw.name, a.shapes.shape(g.resolve(sw.name) or TensorRef(0, 0))))
    return CommandSpec(
        inputs=cmd_inputs, outputs=[g.tensor_name(r) for r in iface.outputs], opset=opset,
        signature=iface.signature.name if iface.signature and a.source.format == "saved_model" else None,
        extra_opset=extra_opset, output_path=output_path,
    )
