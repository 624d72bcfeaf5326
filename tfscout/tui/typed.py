"""What the user types into the dialogs, read and checked: shapes against the graph, mode values, opsets.

Each reader raises UsageError with a message that says what is allowed, so that a dialog can
show it under the text and stay open.
"""

from __future__ import annotations

from typing import Any

from tfscout.errors import UsageError
from tfscout.inspector import validate_opset

ANY = -1


def shape_hint(graph_shape: list[int] | None) -> str:
    """``?,24,24,3`` for a graph shape of [-1, 24, 24, 3]: what the user may type."""
    if graph_shape is None:
        return "1,28,28,1"
    if not graph_shape:
        return "[] (a scalar)"
    return ",".join("?" if d < 0 else str(d) for d in graph_shape)


def _size(token: str, allowed: str) -> int:
    text = token.strip()
    if text in ("?", "-1"):
        return ANY
    if text.isascii() and text.isdigit() and int(text) >= 1:
        return int(text)
    raise UsageError(f"'{text}' is not a size",
                     f"each size is a whole number of 1 or more, or ? for any size; the graph allows {allowed}")


def parse_shape(text: str, graph_shape: list[int] | None = None, tensor: str = "the input") -> list[int]:
    """``1,28,28,1`` or ``[?, 28, 28, 1]`` -> ``[1, 28, 28, 1]``, checked against the graph's shape.

    The rank must be the graph's, and a size the graph fixes must stay that size; ``?`` (or -1)
    leaves a size open. ``[]`` is a scalar, allowed only where the graph does not say otherwise.
    """
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1].strip()
    allowed = shape_hint(graph_shape)
    if not body:
        if text.strip() == "[]" and not graph_shape:
            return []
        if graph_shape == []:
            return []
        raise UsageError(f"no shape given for {tensor}", f"type its sizes, e.g. {allowed}; [] for a scalar"
                         if graph_shape is None else f"the graph allows {allowed} (? for any size)")
    dims = [_size(part, allowed) for part in body.split(",")]
    if graph_shape is None:
        return dims
    if len(dims) != len(graph_shape):
        raise UsageError(f"{tensor} has {len(graph_shape)} dimension{'s' if len(graph_shape) != 1 else ''} "
                         f"in the graph, not {len(dims)}", f"type {len(graph_shape)} sizes: the graph allows {allowed}")
    for k, (typed, known) in enumerate(zip(dims, graph_shape, strict=True)):
        if known >= 0 and typed != known:
            raise UsageError(f"dimension {k + 1} of {tensor} is {known} in the graph, not "
                             f"{'?' if typed < 0 else typed}",
                             f"keep it {known}: the graph allows {allowed} (? for any size)")
    return dims


def parse_value(text: str, dtype: str | None) -> Any:
    """A mode switch's value typed by the user, read according to the placeholder's dtype."""
    raw = text.strip()
    low = raw.lower()
    if dtype == "bool" or low in ("true", "false"):
        if low in ("true", "1", "yes", "on"):
            return True
        if low in ("false", "0", "no", "off"):
            return False
        raise UsageError(f"'{raw}' is not a boolean", "type true or false")
    try:
        if dtype and dtype.startswith(("int", "uint")):
            return int(raw)
        return float(raw)
    except ValueError:
        example = "a whole number such as 0" if dtype and dtype.startswith(("int", "uint")) else "a number such as 1.0"
        raise UsageError(f"'{raw}' is not a number", f"type {example}") from None


def parse_opset(text: str) -> int | None:
    """An opset number, or None (empty) for the recommended one."""
    raw = text.strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise UsageError(f"'{raw}' is not an opset number", "type a number such as 15, or nothing for the recommended one")
    opset = int(raw)
    validate_opset(opset)
    return opset
