"""What to do about an op type the pre-check flagged: one line, naming the flag or the cut to make."""

from __future__ import annotations

from tfscout.inspector import optypes
from tfscout.inspector.graph import GraphAnalysis

_DOMAIN_HINTS = {
    "ai.onnx.contrib": "convert with --extra_opset ai.onnx.contrib:{v} and run the model with "
                       "onnxruntime-extensions (it implements these string ops)",
    "com.microsoft": "convert with --extra_opset com.microsoft:{v} (onnxruntime's own contrib ops; "
                     "other runtimes lack them)",
}


# What `tfscout convert` does, before tf2onnx runs, about an op type tf2onnx cannot convert.
REMEDIES = {"polyfill": optypes.POLYFILLED_OPS, "polyfill-integer": optypes.INTEGER_POLYFILLED_OPS,
            "bypass": optypes.BYPASSED_DEBUG_OPS}
_REMEDY_TEXT = {
    "polyfill": "convert will polyfill it (rewrite it into ops tf2onnx converts, verified against TensorFlow)",
    "polyfill-integer": "convert will polyfill it for integer types (a float one stays unsupported: ONNX's ops "
                        "give no exact float remainder of a huge quotient)",
    "bypass": "convert will bypass it (an identity at inference)",
}


def convert_remedy(op: str, status: str = "unsupported", kind: str = "handler") -> str | None:
    """``polyfill``, ``polyfill-integer`` or ``bypass`` when `tfscout convert` takes care of an op type that tf2onnx has no handler
    for (a verdict ``unsupported`` of kind ``handler``), else None. The TUI and `tfscout check` both ask here."""
    if status != "unsupported" or kind != "handler":
        return None
    return next((name for name, ops in REMEDIES.items() if op in ops), None)


def remedy_text(remedy: str | None) -> str:
    return _REMEDY_TEXT.get(remedy or "", "")


def _first(nodes: list[str]) -> str:
    return nodes[0] if nodes else "it"


def hint_for(a: GraphAnalysis, op: str, status: str, nodes: list[str], min_opset: int | None,
             domain: str | None, domain_version: int | None, part: str | None, kind: str) -> str:
    hint = _hint_for(a, op, status, nodes, min_opset, domain, domain_version, part, kind)
    remedy = convert_remedy(op, status, kind)
    return f"{remedy_text(remedy)}; with plain tf2onnx: {hint}" if remedy is not None else hint


def _hint_for(a: GraphAnalysis, op: str, status: str, nodes: list[str], min_opset: int | None,
              domain: str | None, domain_version: int | None, part: str | None, kind: str) -> str:
    if status == "needs_opset":
        return f"raise the opset to {min_opset} (--opset {min_opset})"
    if status == "needs_extra_opset" and domain is not None:
        template = _DOMAIN_HINTS.get(domain, "convert with --extra_opset {d}:{v}")
        return template.format(d=domain, v=domain_version or 1)
    if status == "conditional":
        if kind == "cond":
            return ("tf.cond: tf2onnx rewrites Switch/Merge into an ONNX If when the pattern matches; "
                    "run `tfscout check --confirm` to be sure")
        return ("TF1 while loop / TensorArray / RNN cell: tf2onnx rewrites it into an ONNX Loop (or LSTM/GRU) "
                "when the pattern matches; run `tfscout check --confirm` to be sure")
    return _unsupported_hint(a, op, nodes, part, kind)


def _unsupported_hint(a: GraphAnalysis, op: str, nodes: list[str], part: str | None, kind: str) -> str:
    node = _first(nodes)
    if kind == "fused" and part:
        return f"its fused part {part} has no tf2onnx handler: cut the graph before {node}"
    if kind == "unknown_op":
        return ("TensorFlow itself does not register this op (a custom or private kernel), so tf2onnx cannot "
                f"load the graph: cut it out with --inputs/--outputs around {node}")
    if kind == "call":
        return f"{node} calls a function that is not in the graph's library"
    if op in optypes.IDENTITY_AT_INFERENCE_OPS:
        return (f"an identity at inference: bypass it (feed its first input straight to its consumers) "
                f"before converting, or cut the graph after {node}")
    if op in optypes.GRADIENT_OPS or op in optypes.OPTIMIZER_OPS:
        return ("training machinery on the path: choose inference outputs (--outputs) or export an "
                "inference graph")
    if op in optypes.PY_FUNC_OPS:
        return (f"runs host Python, which ONNX cannot hold: cut the graph before {node} and run that part "
                "outside the model")
    if op in optypes.PIPELINE_OPS or op in optypes.DATASET_OPS or op in optypes.QUEUE_OPS:
        return (f"preprocessing: move --inputs past it (e.g. --inputs {_after(a, nodes)}) and run it outside "
                "the model")
    return (f"cut the graph before {node} (make its inputs --outputs) and run it outside the model, or "
            f"convert with --custom-ops {op} and provide that op to onnxruntime")


def _after(a: GraphAnalysis, nodes: list[str]) -> str:
    """The tensor after the preprocessing chain that starts at ``nodes``, as a --inputs suggestion."""
    g = a.graph
    kinds = optypes.PIPELINE_OPS | optypes.DATASET_OPS | optypes.QUEUE_OPS
    start = [i for i in (g.find(n) for n in nodes) if i is not None]
    if not start:
        return f"{_first(nodes)}:0"
    depth = a.depth
    chain = g.descendants(start, through=kinds)
    last = max(chain, key=lambda i: (depth[i], g.names[i]))
    return f"{g.names[last]}:0"
