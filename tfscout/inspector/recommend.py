"""Build the Report: ranked inputs and outputs, mode switches, the recommended set and the command."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import optypes
from tfscout.inspector.analysis import GraphAnalysis
from tfscout.inspector.choose import choose_signature, given_shapes, resolve_names, split_names
from tfscout.inspector.graph import TensorRef
from tfscout.inspector.modes import find_mode_switches
from tfscout.inspector.names import has_token, is_auto_name
from tfscout.inspector.outputs import OutputScore, choose_heads, rank_outputs
from tfscout.inspector.pipeline import CutPoint, find_cut_points
from tfscout.inspector.report import ModeSwitch, TensorCandidate
from tfscout.inspector.signatures import Signature

INPUT_WORDS = frozenset({"input", "inputs", "x", "image", "images", "img", "data", "features", "feature",
                         "in", "tokens", "ids", "sequence", "audio", "wav", "text", "query", "src", "source"})
_MAX_OUTPUT_CANDIDATES = 12
# The reason a tensor named with --inputs/--outputs carries (the UI puts its own in place of it).
GIVEN_REASON = "given on the command line"


@dataclass
class Interface:
    """The chosen inputs, outputs and mode switches, with how they were chosen."""

    inputs: list[TensorRef]
    outputs: list[TensorRef]
    mode_switches: dict[int, ModeSwitch]
    cuts: list[CutPoint] = field(default_factory=list)
    signature: Signature | None = None
    given_inputs: bool = False
    given_outputs: bool = False
    shapes: dict[str, list[int]] = field(default_factory=dict)
    ranked_outputs: list[OutputScore] = field(default_factory=list)
    subgraph: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def _signature_refs(a: GraphAnalysis, names: list[str]) -> list[TensorRef] | None:
    refs = [a.graph.resolve(n) for n in names]
    return None if any(r is None for r in refs) else refs  # type: ignore[return-value]


def choose_interface(a: GraphAnalysis, inputs: str | list[str] | None = None,
                     outputs: str | list[str] | None = None, signature: str | None = None) -> Interface:
    g = a.graph
    in_names = split_names(inputs)
    out_names = split_names(outputs)
    ranked = rank_outputs(a)
    sig = choose_signature(a.source, signature) if not (in_names and out_names) else None
    notes: list[str] = []
    if out_names:
        out_refs = resolve_names(g, out_names, "output", a.source.path)
    elif sig is not None and (refs := _signature_refs(a, list(sig.outputs.values()))):
        out_refs = refs
    else:
        if sig is not None:
            notes.append(f"signature '{sig.name}' names tensors that are not in the graph; ignored")
            sig = None
        out_refs = [s.ref for s in choose_heads(ranked)]
    in_refs: list[TensorRef] | None = None
    if in_names:
        in_refs = resolve_names(g, in_names, "input", a.source.path)
    elif sig is not None and not out_names and sig.is_predict and sig.inputs:
        in_refs = _signature_refs(a, list(sig.inputs.values()))
    stop = {r.node for r in in_refs} if in_refs else set()
    needed = g.ancestors({r.node for r in out_refs}, stop=stop)
    candidates = [p for p in a.feedable if p in needed and p not in stop]
    switches = find_mode_switches(a, candidates)
    cuts: list[CutPoint] = []
    if in_refs is None:
        cuts, cut_away = find_cut_points(a, needed)
        in_refs = [c.ref for c in cuts]
        in_refs += [TensorRef(p, 0) for p in candidates if p not in switches and p not in cut_away]
        stop = {r.node for r in in_refs}
        needed = g.ancestors({r.node for r in out_refs}, stop=stop)
    else:
        extra = [p for p in candidates if p not in switches and g.ops[p] != "PlaceholderWithDefault"]
        if extra and in_names:
            names = ", ".join(g.names[p] + ":0" for p in extra[:4])
            notes.append(f"the outputs also need {names}, not among the given inputs: tf2onnx would add "
                         "them as extra inputs")
    return Interface(
        inputs=in_refs, outputs=out_refs, mode_switches=switches, cuts=cuts, signature=sig,
        given_inputs=bool(in_names), given_outputs=bool(out_names),
        shapes=given_shapes(in_names), ranked_outputs=ranked, subgraph=needed, notes=notes,
    )


# ---------------------------------------------------------------------------------------------
# Candidates for the report


def _shape_of(a: GraphAnalysis, iface: Interface, ref: TensorRef) -> list[int] | None:
    given = iface.shapes.get(a.graph.tensor_name(ref))
    return given if given is not None else a.shapes.shape(ref)


def input_candidates(a: GraphAnalysis, iface: Interface) -> list[TensorCandidate]:
    g = a.graph
    roles = a.roles
    chosen = set(iface.inputs)
    out: list[TensorCandidate] = []
    sig_inputs = set(iface.signature.inputs.values()) if iface.signature else set()
    cut_by_ref = {c.ref: c for c in iface.cuts}
    seen: set[TensorRef] = set()
    refs = list(iface.inputs) + [TensorRef(p, 0) for p in a.feedable]
    for ref in refs:
        if ref in seen or ref.node in iface.mode_switches:
            continue
        seen.add(ref)
        i = ref.node
        name = g.tensor_name(ref)
        op = g.ops[i]
        reasons: list[str] = []
        score = 0.5
        kind = "placeholder" if op in optypes.PLACEHOLDER_OPS else "tensor"
        cut = cut_by_ref.get(ref)
        replaces: list[str] = []
        if cut is not None:
            kind = "cut"
            replaces = [g.tensor_name(TensorRef(r, 0)) for r in cut.replaces]
            chain = " -> ".join(dict.fromkeys(cut.chain)) or "a pipeline"
            src = ", ".join(replaces) or "a queue or dataset"
            reasons.append(f"cut point: data arrives from {src} through {chain}; feed the decoded tensor here")
            score = 0.9
        if ref in chosen:
            score = max(score, 0.85)
            if iface.given_inputs:
                reasons.append(GIVEN_REASON)
            elif name in sig_inputs:
                reasons.append(f"an input of signature '{iface.signature.name}'")  # type: ignore[union-attr]
                score = 0.97
            else:
                reasons.append("needed by the recommended outputs")
        elif i in roles.labels:
            kind, score = "label", 0.1
            reasons.append("feeds only the loss and metrics: a training label, not an inference input")
        elif i in roles.machinery:
            kind, score = "training", 0.05
            reasons.append("feeds only training or saving machinery (learning rate, checkpoint path ...)")
        elif op in optypes.PLACEHOLDER_OPS:
            kind, score = "unused", 0.2
            reasons.append("not needed by the recommended outputs")
        if op == "PlaceholderWithDefault":
            reasons.append("has a default value: optional to feed")
            score -= 0.1
        if op in optypes.PLACEHOLDER_OPS and has_token(g.names[i], INPUT_WORDS):
            score += 0.05
            reasons.append("named like a data input")
        dtype = g.dtype(ref)
        if dtype == "string" and ref in chosen:
            reasons.append("a string input: tf2onnx needs onnxruntime-extensions for string ops")
        out.append(TensorCandidate(
            name=name, dtype=dtype, shape=_shape_of(a, iface, ref), score=round(min(max(score, 0.0), 0.99), 3),
            recommended=ref in chosen, reasons=reasons, op=op, kind=kind, cuts=replaces,
        ))
    out.sort(key=lambda c: (not c.recommended, -c.score, c.name))
    return out


def output_candidates(a: GraphAnalysis, iface: Interface) -> list[TensorCandidate]:
    g = a.graph
    chosen = set(iface.outputs)
    by_ref = {s.ref: s for s in iface.ranked_outputs}
    sig_outputs = set(iface.signature.outputs.values()) if iface.signature else set()
    refs = list(iface.outputs) + [s.ref for s in iface.ranked_outputs if s.ref not in chosen]
    out = []
    for ref in refs[: max(_MAX_OUTPUT_CANDIDATES, len(iface.outputs))]:
        scored = by_ref.get(ref)
        reasons = list(scored.reasons) if scored else []
        score = scored.score if scored else 0.5
        name = g.tensor_name(ref)
        if ref in chosen:
            if iface.given_outputs:
                reasons.insert(0, GIVEN_REASON)
            elif name in sig_outputs:
                reasons.insert(0, f"an output of signature '{iface.signature.name}'")  # type: ignore[union-attr]
                score = max(score, 0.97)
        kind = "head"
        if ref.node in a.roles.losses:
            kind = "loss"
        out.append(TensorCandidate(
            name=name, dtype=g.dtype(ref), shape=a.shapes.shape(ref), score=score,
            recommended=ref in chosen, reasons=reasons, op=g.ops[ref.node], kind=kind,
        ))
    out.sort(key=lambda c: (not c.recommended, -c.score, c.name))
    return out


def describe_node(a: GraphAnalysis, i: int) -> str:
    name = a.graph.names[i]
    return name if not is_auto_name(name, a.graph.ops[i]) else f"{name} ({a.graph.ops[i]})"
