"""What the UI works on: a loaded model with its indexes, and the user's choice of interface.

Plain Python with no Textual: the screens' workers call these functions and post the results
as messages. Everything slow lives here, so it can be timed and tested without a terminal.
"""

from __future__ import annotations

import shlex
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tfscout.errors import UsageError
from tfscout.inspector import (
    GIVEN_REASON,
    Graph,
    GraphAnalysis,
    Interface,
    NodeSearch,
    Report,
    ScopeIndex,
    analyse_path,
    choose_interface,
    optypes,
    report_for,
    shape_suffix,
)

Progress = Callable[[str, float], None]  # (what is happening, fraction done 0..1)
LOAD_STAGES = ("reading the model", "indexing node names", "grouping name scopes")
HAND_PICKED = "chosen by hand"
# Ends of a graph that are never a model's output: where to look when no output is recommended.
NOT_A_LEAD = optypes.MACHINERY_OPS | optypes.CONST_OPS | optypes.PLACEHOLDER_OPS | optypes.VARIABLE_OPS


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


@dataclass(frozen=True)
class Choice:
    """The user's edits on top of the recommendation; ``None`` means "as recommended"."""

    inputs: tuple[str, ...] | None = None
    outputs: tuple[str, ...] | None = None
    shapes: tuple[tuple[str, tuple[int, ...]], ...] = ()
    mode_values: tuple[tuple[str, Any], ...] = ()
    opset: int | None = None
    launched: tuple[str, ...] = ()  # the names given on the command line (the rest are chosen by hand)

    @property
    def edited(self) -> bool:
        """Anything set on top of the recommendation, the opset included."""
        return replace(self, launched=()) != Choice()

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

    def toggle_input(self, tensor: str, current: list[str], needed: Iterable[str] = ()) -> Choice:
        """Add or drop an input; dropping one the outputs need is refused (tf2onnx would add it back)."""
        names = list(self.inputs) if self.inputs is not None else list(current)
        if tensor in names and tensor in set(needed):
            raise UsageError(f"{tensor} is needed by the chosen outputs",
                             "to replace it, make a tensor below it an input (i): it is then left out by itself")
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

    def without_inputs(self, dropped: set[str]) -> Choice:
        """The choice with ``dropped`` left out of the inputs (no inputs left: as recommended)."""
        if self.inputs is None:
            return self
        names = tuple(n for n in self.inputs if n not in dropped)
        shapes = tuple((n, s) for n, s in self.shapes if n not in dropped)
        return replace(self, inputs=names or None, shapes=shapes)


@dataclass
class Ranked:
    """One choice worked out: the interface, its report, and what the screens need beside them."""

    choice: Choice                   # the choice, less any input the outputs turned out not to need
    iface: Interface
    report: Report
    graph_shapes: dict[str, list[int] | None]  # each candidate input's shape in the graph itself
    dropped: list[str] = field(default_factory=list)   # inputs left out: the outputs do not need them
    leads: list[str] = field(default_factory=list)     # where to look when no output is recommended
    on_path: dict[str, int] = field(default_factory=dict)  # scope -> nodes on the path below it


def scope_counts(names: Sequence[str], nodes: Iterable[int]) -> dict[str, int]:
    """How many of ``nodes`` each name scope holds, below it at any depth (the root is "")."""
    direct = Counter(names[i].rpartition("/")[0] for i in nodes)
    out: Counter[str] = Counter()
    for scope, n in direct.items():
        while scope:
            out[scope] += n
            scope = scope.rpartition("/")[0]
        out[""] += n
    return dict(out)


def _hand_picked(report: Report, choice: Choice) -> None:
    """Tensors chosen in the UI say so, instead of "given on the command line"."""
    for c in report.inputs + report.outputs:
        if c.recommended and c.name not in choice.launched:
            c.reasons = [HAND_PICKED if r == GIVEN_REASON else r for r in c.reasons]


def _leads(model: LoadedModel, limit: int = 5) -> list[str]:
    """Tensors no node reads as data, deepest first: where to look for an output when none stands out
    (a head that only a control dependency waits on is not taken for an output by the ranking)."""
    g = model.graph
    depth = model.analysis.depth
    ends = [i for i in range(len(g)) if not g.consumers[i] and g.num_outputs(i) > 0 and g.ops[i] not in NOT_A_LEAD]
    ends.sort(key=lambda i: (-depth[i], g.names[i]))
    return [f"{g.names[i]}:0" for i in ends[:limit]]


def _rank(model: LoadedModel, choice: Choice) -> tuple[Interface, Report]:
    a = model.analysis
    iface = choose_interface(a, choice.input_args(), choice.output_args())
    values = dict(choice.mode_values)
    for switch in iface.mode_switches.values():
        if switch.name in values:
            switch.value = values[switch.name]
    return iface, report_for(a, iface, choice.opset)


def compute_report(model: LoadedModel, choice: Choice,
                   cancelled: Callable[[], bool] = lambda: False) -> Ranked | None:
    """Rank and pre-check the interface the choice describes; None when cancelled before starting.

    Chosen inputs that the chosen outputs do not need (an output above them, or a cut below them)
    are left out, and said so. Calls are serialised per model: the analysis caches what it
    computes and is not meant to be filled by two threads at once.
    """
    with model.lock:
        if cancelled():
            return None
        g = model.graph
        iface, report = _rank(model, choice)
        dropped: list[str] = []
        if choice.inputs is not None:
            unneeded = {g.tensor_name(r) for r in iface.inputs if r.node not in iface.subgraph}
            if unneeded:
                dropped = [n for n in choice.inputs if n in unneeded]
                choice = choice.without_inputs(unneeded)
                iface, report = _rank(model, choice)
        _hand_picked(report, choice)
        shapes = model.analysis.shapes
        graph_shapes = {}
        for c in report.inputs:
            ref = g.resolve(c.name)
            graph_shapes[c.name] = shapes.shape(ref) if ref is not None else None
        leads = _leads(model) if not report.recommended_outputs else []
        return Ranked(choice=choice, iface=iface, report=report, graph_shapes=graph_shapes, dropped=dropped,
                      leads=leads, on_path=scope_counts(g.names, iface.subgraph))


def training_scopes(model: LoadedModel) -> tuple[dict[str, int], set[int]]:
    """The nodes inference never runs (gradients, optimizer, loss, saving, summaries), and how many
    of them each scope holds."""
    with model.lock:
        roles = model.analysis.roles
        g = model.graph
        nodes = {i for i in range(len(g)) if not roles.inference(i)}
        return scope_counts(g.names, nodes), nodes


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
