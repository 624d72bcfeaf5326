"""What the UI works on: a loaded model with its indexes, and the user's choice of interface.

Plain Python with no Textual: the screens' workers call these functions and post the results
as messages. Everything slow lives here, so it can be timed and tested without a terminal.
"""

from __future__ import annotations

import shlex
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from tfscout.errors import UsageError
from tfscout.inspector import (
    Graph,
    GraphAnalysis,
    Interface,
    NodeSearch,
    Report,
    ScopeIndex,
    analyse_path,
    choose_interface,
    parse_shape_suffix,
    report_for,
    shape_suffix,
)

Progress = Callable[[str, float], None]  # (what is happening, fraction done 0..1)
LOAD_STAGES = ("reading the model", "indexing node names", "grouping name scopes")


@dataclass
class LoadedModel:
    """A model ready to browse: the analysis, the search index and the name-scope tree."""

    path: str
    tags: list[str] | None
    analysis: GraphAnalysis
    search: NodeSearch
    scopes: ScopeIndex
    seconds: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def graph(self) -> Graph:
        return self.analysis.graph

    @property
    def title(self) -> str:
        src = self.analysis.source
        return f"{src.format}, {len(self.analysis.graph):,} nodes"


def load_model(path: str, tags: list[str] | None = None, progress: Progress | None = None) -> LoadedModel:
    """Read ``path`` and build what browsing needs (ranking comes later, in :func:`compute_report`)."""
    seconds: dict[str, float] = {}

    def step(k: int) -> None:
        if progress is not None:
            progress(LOAD_STAGES[k], k / len(LOAD_STAGES))

    step(0)
    t = time.perf_counter()
    analysis = analyse_path(path, tags)
    seconds["read"] = time.perf_counter() - t
    g = analysis.graph
    step(1)
    t = time.perf_counter()
    search = NodeSearch(g.names, g.ops)
    seconds["search index"] = time.perf_counter() - t
    step(2)
    t = time.perf_counter()
    scopes = ScopeIndex(g.names)
    seconds["scope index"] = time.perf_counter() - t
    return LoadedModel(path=path, tags=tags, analysis=analysis, search=search, scopes=scopes, seconds=seconds)


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
        raise UsageError(f"'{raw}' is not a number", "type a value such as 1.0") from None


def parse_shape(text: str) -> list[int]:
    """``1,28,28,1`` or ``[?, 28, 28, 1]`` -> ``[1, 28, 28, 1]`` (``?`` and ``-1`` mean any size)."""
    body = text.strip()
    if not body.startswith("["):
        body = f"[{body}]"
    _name, shape = parse_shape_suffix("t" + body)
    if shape is None or any(d < -1 for d in shape):
        raise UsageError(f"cannot read the shape '{text}'", "write it as 1,28,28,1; ? or -1 for any size")
    return shape


@dataclass(frozen=True)
class Choice:
    """The user's edits on top of the recommendation; ``None`` means "as recommended"."""

    inputs: tuple[str, ...] | None = None
    outputs: tuple[str, ...] | None = None
    shapes: tuple[tuple[str, tuple[int, ...]], ...] = ()
    mode_values: tuple[tuple[str, Any], ...] = ()
    opset: int | None = None

    @property
    def edited(self) -> bool:
        return self != Choice(opset=self.opset)

    def shape_of(self, tensor: str) -> list[int] | None:
        for name, shape in self.shapes:
            if name == tensor:
                return list(shape)
        return None

    def input_args(self) -> list[str] | None:
        """Inputs as choose_interface takes them: ``name:port[shape]``."""
        if self.inputs is None:
            return None
        return [name + shape_suffix(self.shape_of(name)) for name in self.inputs]

    def output_args(self) -> list[str] | None:
        return list(self.outputs) if self.outputs is not None else None

    def toggle_input(self, tensor: str, current: list[str]) -> Choice:
        names = list(self.inputs) if self.inputs is not None else list(current)
        names = [n for n in names if n != tensor] if tensor in names else names + [tensor]
        return replace(self, inputs=tuple(names))

    def toggle_output(self, tensor: str, current: list[str]) -> Choice:
        names = list(self.outputs) if self.outputs is not None else list(current)
        if tensor in names and len(names) == 1:
            raise UsageError(f"{tensor} is the only output", "choose another output first, then drop this one")
        names = [n for n in names if n != tensor] if tensor in names else names + [tensor]
        return replace(self, outputs=tuple(names))

    def with_shape(self, tensor: str, shape: list[int], current: list[str]) -> Choice:
        """Fix an input's shape; the inputs become explicit so that the shape sticks to them."""
        names = list(self.inputs) if self.inputs is not None else list(current)
        if tensor not in names:
            names.append(tensor)
        shapes = tuple((n, s) for n, s in self.shapes if n != tensor) + ((tensor, tuple(shape)),)
        return replace(self, inputs=tuple(names), shapes=shapes)

    def with_mode_value(self, switch: str, value: Any) -> Choice:
        values = tuple((n, v) for n, v in self.mode_values if n != switch) + ((switch, value),)
        return replace(self, mode_values=values)

    def with_opset(self, opset: int | None) -> Choice:
        return replace(self, opset=opset)


def compute_report(model: LoadedModel, choice: Choice,
                   cancelled: Callable[[], bool] = lambda: False) -> tuple[Interface, Report] | None:
    """Rank and pre-check the interface the choice describes; None when cancelled before starting.

    Calls are serialised per model: the analysis caches what it computes and is not meant to
    be filled by two threads at once.
    """
    with model.lock:
        if cancelled():
            return None
        a = model.analysis
        iface = choose_interface(a, choice.input_args(), choice.output_args())
        values = dict(choice.mode_values)
        for switch in iface.mode_switches.values():
            if switch.name in values:
                switch.value = values[switch.name]
        return iface, report_for(a, iface, choice.opset)


def chosen_inputs(report: Report) -> list[str]:
    return [c.name for c in report.recommended_inputs]


def chosen_outputs(report: Report) -> list[str]:
    return [c.name for c in report.recommended_outputs]


def switch_text(value: Any) -> str:
    """A mode switch value as ``--switch`` reads it back: true/false, or the number."""
    return str(value).lower() if isinstance(value, bool) else repr(value)


def convert_command(model: LoadedModel, report: Report, out: str, switches: dict[str, Any] | None = None) -> str:
    """The ``tfscout convert`` command that reproduces a conversion started from the UI."""
    ins = [c.name + shape_suffix(c.shape) for c in report.recommended_inputs]
    argv = ["tfscout", "convert", model.path, "-o", out]
    if ins:
        argv += ["--inputs", ",".join(ins)]
    argv += ["--outputs", ",".join(chosen_outputs(report))]
    argv += ["--opset", str(report.opset.recommended)]
    if model.tags:
        argv += ["--tag", ",".join(model.tags)]
    for name, value in (switches or {}).items():
        argv += ["--switch", f"{name}={switch_text(value)}"]
    return " ".join(shlex.quote(a) for a in argv)
