"""Choose the interface: the outputs (given, from a SignatureDef, or the recommended heads), the inputs they need
(given, from the signature, or placeholders and pipeline cut points), and the mode switches among them."""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector.graph import GraphAnalysis, InferredShape, TensorRef, shape_from_consumers
from tfscout.inspector.load import Signature
from tfscout.inspector.rank.confidence import Confidence
from tfscout.inspector.rank.cuts import CutPoint, find_cut_points, hash_cuts, parse_example_cuts
from tfscout.inspector.rank.given import choose_signature, given_shapes, resolve_names, split_names
from tfscout.inspector.rank.modes import find_mode_switches
from tfscout.inspector.rank.outputs import OutputScore, rank_outputs
from tfscout.inspector.report import ModeSwitch

SIGNATURE_CONFIDENCE = 0.97


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
    confidence: Confidence = field(default_factory=Confidence)


def _signature_refs(a: GraphAnalysis, names: list[str]) -> list[TensorRef] | None:
    refs = [a.graph.resolve(n) for n in names]
    return None if any(r is None for r in refs) else refs  # type: ignore[return-value]


def _outputs(a: GraphAnalysis, out_names: list[str], sig: Signature | None, ranked: list[OutputScore],
             notes: list[str]) -> tuple[list[TensorRef], Signature | None]:
    if out_names:
        return resolve_names(a.graph, out_names, "output", a.source.path), sig
    if sig is not None and (refs := _signature_refs(a, list(sig.outputs.values()))):
        return refs, sig
    if sig is not None:
        notes.append(f"signature '{sig.name}' names tensors that are not in the graph; ignored")
    return [s.ref for s in ranked if s.recommended], None


def choose_interface(a: GraphAnalysis, inputs: str | list[str] | None = None,
                     outputs: str | list[str] | None = None, signature: str | None = None) -> Interface:
    g = a.graph
    in_names = split_names(inputs)
    out_names = split_names(outputs)
    ranking = rank_outputs(a)
    sig = choose_signature(a.source, signature) if not (in_names and out_names) else None
    notes: list[str] = []
    out_refs, sig = _outputs(a, out_names, sig, ranking.candidates, notes)
    confidence = ranking.confidence
    if out_names:
        confidence = Confidence(1.0, ["the outputs were given"])
    elif sig is not None:
        confidence = Confidence(SIGNATURE_CONFIDENCE, [f"the outputs of signature '{sig.name}'"])
    in_refs: list[TensorRef] | None = None
    sig_switches: dict[int, ModeSwitch] = {}
    if in_names:
        in_refs = resolve_names(g, in_names, "input", a.source.path)
    elif sig is not None and not out_names and sig.inputs and (refs := _signature_refs(a, list(sig.inputs.values()))):
        sig_switches = find_mode_switches(a, [r.node for r in refs])
        in_refs = [r for r in refs if r.node not in sig_switches]
    parsed: list[CutPoint] = []
    if in_refs and not in_names:  # a serialized tf.Example: feed the parsed features
        in_refs, parsed = parse_example_cuts(g, in_refs, out_refs)
        in_refs, hashed = hash_cuts(g, in_refs, out_refs, parsed)
        parsed += hashed
        chosen = frozenset(r.node for r in in_refs)
        decoded, cut_away = find_cut_points(a, g.ancestors({r.node for r in out_refs}, stop=set(chosen)), chosen)
        if decoded:  # a signature's encoded images or audio: feed what the decoding hands on
            in_refs = [c.ref for c in decoded] + [r for r in in_refs if r.node not in cut_away]
            parsed += decoded
    stop = {r.node for r in in_refs} if in_refs else set()
    needed = g.ancestors({r.node for r in out_refs}, stop=stop)
    candidates = [p for p in a.feedable if p in needed and p not in stop and p not in a.computed_defaults]
    switches = {**sig_switches, **find_mode_switches(a, candidates), **_unread_switches(a, needed)}
    cuts: list[CutPoint] = []
    if in_refs is None:
        cuts, cut_away = find_cut_points(a, needed)
        in_refs = [c.ref for c in cuts]
        in_refs += [TensorRef(p, 0) for p in candidates if p not in switches and p not in cut_away]
        in_refs, hashed = hash_cuts(g, in_refs, out_refs, cuts)
        cuts += hashed
        stop = {r.node for r in in_refs}
        needed = g.ancestors({r.node for r in out_refs}, stop=stop)
    else:
        extra = [p for p in candidates if p not in switches and g.ops[p] != "PlaceholderWithDefault"]
        if extra and in_names:
            names = ", ".join(g.names[p] + ":0" for p in extra[:4])
            notes.append(f"the outputs also need {names}, not among the given inputs: tf2onnx would add "
                         "them as extra inputs")
    return Interface(
        inputs=in_refs, outputs=out_refs, mode_switches=switches, cuts=parsed + cuts, signature=sig,
        given_inputs=bool(in_names), given_outputs=bool(out_names),
        shapes=given_shapes(in_names), ranked_outputs=ranking.candidates, subgraph=needed, notes=notes,
        confidence=confidence,
    )


def _unread_switches(a: GraphAnalysis, needed: set[int]) -> dict[int, ModeSwitch]:
    """Placeholders the structure shows to be training switches (a predicate, a dropout rate or keep
    probability) that the outputs do not read (dropout on an RNN's unused sequence while the final state is
    used): still the graph's switches, fixed at inference so that no other fetch sees training behaviour."""
    structural = [p for p in a.feedable if p not in needed and p not in a.roles.labels
                  and (flag := a.flags.get(p)) is not None and flag.kind in ("predicate", "keep", "rate")]
    found = find_mode_switches(a, structural)
    for switch in found.values():
        switch.reasons.append("the recommended outputs do not read it")
    return found


def input_shape(a: GraphAnalysis, iface: Interface, ref: TensorRef) -> list[int] | None:
    """The shape of an input tensor: as given with its name (``x:0[1,28,28,1]``), else the static one with
    what its consumers need filled in (see :func:`inferred_input_shape`)."""
    given = iface.shapes.get(a.graph.tensor_name(ref))
    if given is not None:
        return given
    inferred = inferred_input_shape(a, iface, ref)
    return inferred.shape if inferred is not None else a.shapes.shape(ref)


def inferred_input_shape(a: GraphAnalysis, iface: Interface, ref: TensorRef) -> InferredShape | None:
    """The shape an input's consumers need where the graph leaves its rank or dimensions open (not for a
    shape given with its name)."""
    if a.graph.tensor_name(ref) in iface.shapes:
        return None
    return shape_from_consumers(a.graph, a.shapes, ref, a.shapes.shape(ref))
