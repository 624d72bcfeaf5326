"""The report's candidate inputs and outputs: every tensor worth naming, scored, with its reasons."""

from __future__ import annotations

from tfscout.inspector import optypes
from tfscout.inspector.formats import shape_text
from tfscout.inspector.graph import GraphAnalysis, TensorRef, has_token
from tfscout.inspector.rank.cuts import parsed_feature
from tfscout.inspector.rank.interface import Interface, inferred_input_shape, input_shape
from tfscout.inspector.report import TensorCandidate

INPUT_WORDS = frozenset({"input", "inputs", "x", "image", "images", "img", "data", "features", "feature",
                         "in", "tokens", "ids", "sequence", "audio", "wav", "text", "query", "src", "source"})
_MAX_OUTPUT_CANDIDATES = 12
# The reason a tensor named with --inputs/--outputs carries (the UI puts its own in place of it).
GIVEN_REASON = "given on the command line"


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
            if cut.fed is not None:
                buckets = g.attr(i, "num_buckets")
                count = f", {buckets.i} buckets" if buckets is not None else ""
                reasons.append(f"cut point: TensorFlow hashes {g.tensor_name(cut.fed)} into buckets here "
                               f"({op}{count}), which ONNX cannot do alike; feed the bucket ids (the same op: "
                               "tf.strings.to_hash_bucket_fast for StringToHashBucketFast)")
            else:
                reasons.append(f"cut point: data arrives from {src} through {chain}; feed the decoded tensor here")
            if op in optypes.PARSE_EXAMPLE_OPS and (feature := parsed_feature(g, i, ref.port)):
                reasons.append(f"the {feature} of the serialized tf.Example")
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
            reasons.append("meets the prediction in the loss or a metric without reaching a weight: a training "
                           "label, not an inference input")
        elif i in roles.machinery:
            kind, score = "training", 0.05
            reasons.append("feeds only training or saving machinery (learning rate, checkpoint path ...)")
        elif i in a.computed_defaults:
            kind, score = "default", 0.15
            reasons.append("its default is computed from the data path: fed only to bypass it (in training); "
                           "the data comes from upstream")
        elif op in optypes.PLACEHOLDER_OPS:
            kind, score = "unused", 0.2
            reasons.append("not needed by the recommended outputs")
        if op == "PlaceholderWithDefault":
            reasons.append("has a default value: optional to feed")
            score -= 0.1
        if op in optypes.PLACEHOLDER_OPS and has_token(g.names[i], INPUT_WORDS):
            score += 0.05
            reasons.append("named like a data input")
        inferred = inferred_input_shape(a, iface, ref)
        if inferred is not None:
            reasons.append(f"shape {shape_text(inferred.shape)} {inferred.reason} (the graph does not "
                           f"declare {'it' if a.shapes.shape(ref) is None else 'all of it'})")
        dtype = g.dtype(ref)
        if dtype == "string" and ref in chosen:
            reasons.append("a string input: tf2onnx needs onnxruntime-extensions for string ops")
        out.append(TensorCandidate(
            name=name, dtype=dtype, shape=input_shape(a, iface, ref), score=round(min(max(score, 0.0), 0.99), 3),
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
        elif scored is not None and scored.recommended:
            reasons.insert(0, "recommended by the dataflow; not chosen here")
        kind = "loss" if ref.node in a.roles.losses else "head"
        out.append(TensorCandidate(
            name=name, dtype=g.dtype(ref), shape=a.shapes.shape(ref), score=score,
            recommended=ref in chosen, reasons=reasons, op=g.ops[ref.node], kind=kind,
        ))
    out.sort(key=lambda c: (not c.recommended, -c.score, c.name))
    return out
