"""The inspector's entry point: a path in, a Report out."""

from __future__ import annotations

from pathlib import Path

from tfscout.inspector.graph import GraphAnalysis, TensorRef
from tfscout.inspector.load import load_source
from tfscout.inspector.precheck import PrecheckResult, SupportTable, run_precheck
from tfscout.inspector.rank import (
    Interface,
    choose_interface,
    command_spec,
    input_candidates,
    output_candidates,
    tf2onnx_command,
)
from tfscout.inspector.report import OpsetAdvice, Report, SignatureInfo
from tfscout.inspector.safety import check_interface


def analyse_path(path: str | Path, tags: list[str] | None = None) -> GraphAnalysis:
    """Load a model and wrap it for analysis (no ranking yet); big constants stay on disk."""
    return GraphAnalysis(load_source(path, tags, lazy_constants=True))


def _training_notes(a: GraphAnalysis, iface: Interface) -> list[str]:
    notes = []
    roles = a.roles
    if roles.backward:
        notes.append(f"a training graph: {len(roles.backward)} gradient/optimizer nodes, not part of inference")
    if roles.labels:
        names = ", ".join(a.graph.names[p] + ":0" for p in sorted(roles.labels))
        notes.append(f"training labels (not inputs): {names}")
    for sw in iface.mode_switches.values():
        notes.append(f"mode switch {sw.name} must be {sw.value!r} at inference")
    return notes


def report_for(a: GraphAnalysis, iface: Interface, opset: int | None = None,
               output_path: str = "model.onnx", support: SupportTable | None = None,
               extra_opsets: dict[str, int] | None = None, check: PrecheckResult | None = None) -> Report:
    """The Report on a chosen interface: its candidates, the pre-check (at ``opset``, or ``check`` when it
    already ran on this interface), the unsafe ops, and the tf2onnx command."""
    g = a.graph
    src = a.source
    inputs = input_candidates(a, iface)
    outputs = output_candidates(a, iface)
    if check is None:
        check = run_precheck(a, iface, opset, support, extra_opsets)
    safety = check_interface(src, g, iface.outputs, [*iface.inputs, *(TensorRef(p, 0) for p in iface.mode_switches)])
    extras = {**check.needed_extra_opsets, **check.extra_opsets}
    spec = command_spec(a, iface, opset or check.recommended_opset,
                        ",".join(f"{d}:{v}" for d, v in sorted(extras.items())) or None, output_path)
    return Report(
        path=src.path, format=src.format, nodes=len(g), inputs=inputs, outputs=outputs,
        mode_switches=list(iface.mode_switches.values()),
        unsafe_ops=safety.unsafe_ops(), refused=safety.refused,
        confidence=iface.confidence.value, confidence_reasons=list(iface.confidence.reasons),
        tf2onnx_command=tf2onnx_command(src, spec),
        model_file=src.model_file, size_bytes=src.size_bytes, functions=src.function_count,
        checkpoint_prefix=src.checkpoint_prefix, tags=src.tags, tag_sets=src.tag_sets,
        signatures=[SignatureInfo(s.name, s.method, s.inputs, s.outputs, s.tags,
                                  used=iface.signature is not None and s.name == iface.signature.name)
                    for s in src.signatures],
        training_graph=a.roles.is_training_graph, training_notes=_training_notes(a, iface),
        op_counts=dict(sorted(g.op_counts().items(), key=lambda kv: (-kv[1], kv[0]))),
        subgraph_nodes=len(iface.subgraph), names_given=iface.given_inputs or iface.given_outputs,
        constants_on_disk=len(src.elided_constants), constant_bytes_on_disk=sum(src.elided_constants.values()),
        warnings=list(src.warnings) + g.warnings() + iface.notes + check.warnings,
        unsupported=check.issues, opset=OpsetAdvice(check.required_opset, check.recommended_opset),
        precheck=check.summary(),
    )


def inspect_model(path: str | Path, inputs: str | list[str] | None = None, outputs: str | list[str] | None = None,
                  opset: int | None = None, tags: list[str] | None = None, signature: str | None = None,
                  support: SupportTable | None = None, extra_opsets: dict[str, int] | None = None) -> Report:
    """Load ``path`` (any TF1 format), rank its interface, pre-check it and return the Report."""
    a = analyse_path(path, tags)
    iface = choose_interface(a, inputs, outputs, signature)
    return report_for(a, iface, opset, support=support, extra_opsets=extra_opsets)
