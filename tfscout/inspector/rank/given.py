"""Choose the interface: user-given names, a SignatureDef, or the ranked guesses.

Resolves names the user gave (``name`` or ``name:port``) with close-match suggestions, and picks
the SignatureDef that describes inference when a model has several.
"""

from __future__ import annotations

from tfscout.errors import UnknownNameError, UsageError
from tfscout.inspector.graph import Graph, TensorRef, close_matches
from tfscout.inspector.load import ModelSource, Signature


def split_names(text: str | list[str] | None) -> list[str]:
    """``"a:0,b"`` or ``["a:0", "b"]`` -> ``["a:0", "b"]``; a trailing ``[shape]`` is kept."""
    if text is None:
        return []
    parts = text if isinstance(text, list) else [text]
    out: list[str] = []
    for part in parts:
        depth = 0
        current = ""
        for ch in part:
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
            if ch == "," and depth == 0:
                if current.strip():
                    out.append(current.strip())
                current = ""
            else:
                current += ch
        if current.strip():
            out.append(current.strip())
    return out


def parse_shape_suffix(name: str) -> tuple[str, list[int] | None]:
    """``"x:0[1,28,28,1]"`` -> ``("x:0", [1, 28, 28, 1])``."""
    if not name.endswith("]") or "[" not in name:
        return name, None
    base, _, dims = name[:-1].partition("[")
    try:
        shape = [int(d) if d.strip() not in ("?", "") else -1 for d in dims.split(",")] if dims.strip() else []
    except ValueError:
        raise UsageError(f"cannot read the shape in '{name}'", "write it as name:0[1,224,224,3]; -1 for any size") from None
    return base, shape


def resolve_names(graph: Graph, names: list[str], what: str, model: str) -> list[TensorRef]:
    """Turn user-given tensor names into TensorRefs, or fail with close matches."""
    refs = []
    for raw in names:
        name, _shape = parse_shape_suffix(raw)
        ref = graph.resolve(name)
        if ref is None:
            guesses = close_matches(name.split(":")[0] if ":" in name else name, graph.names)
            fix = f"did you mean {', '.join(g + ':0' for g in guesses)}?" if guesses else \
                "run `tfscout inspect` to list candidates, or `tfscout tui` to browse the graph"
            raise UnknownNameError(f"no {what} named '{name}' in the graph", fix, path=model)
        count = graph.num_outputs(ref.node)
        if ref.port >= count:
            raise UnknownNameError(
                f"'{graph.names[ref.node]}' has {count} output{'s' if count != 1 else ''}, so '{name}' does not exist",
                f"use {graph.names[ref.node]}:0" + (f" .. :{count - 1}" if count > 1 else ""), path=model)
        refs.append(ref)
    return refs


def given_shapes(names: list[str]) -> dict[str, list[int]]:
    out = {}
    for raw in names:
        base, shape = parse_shape_suffix(raw)
        if shape is not None:
            out[base if ":" in base else base + ":0"] = shape
    return out


def choose_signature(source: ModelSource, name: str | None = None) -> Signature | None:
    """The signature describing inference: the one asked for, else serving_default (whatever its method: tf2onnx
    and TF Serving use it), else one with the predict method, else the first."""
    sigs = [s for s in source.signatures if s.outputs]
    if name is not None:
        for s in source.signatures:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in source.signatures) or "none"
        raise UsageError(f"no signature named '{name}'", f"available signatures: {known}", path=source.path)
    if not sigs:
        return None
    for s in sigs:
        if s.name == "serving_default":
            return s
    predict = [s for s in sigs if s.is_predict]
    return predict[0] if predict else sigs[0]
