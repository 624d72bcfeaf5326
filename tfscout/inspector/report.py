"""The Report: typed, JSON-serialisable results of inspecting a model.

Text, JSON and the TUI are separate renderers of the same objects.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tfscout.defaults import DEFAULT_OPSET
from tfscout.inspector.load import Signature

# The verdicts on which tf2onnx will not convert an op (a conditional one depends on a rewriter).
BLOCKING_STATUSES = frozenset({"needs_opset", "needs_extra_opset", "unsupported"})


@dataclass
class TensorInfo:
    """A tensor: name (``x:0``), dtype and static shape (-1: unknown dimension; None: unknown rank)."""

    name: str
    dtype: str | None = None
    shape: list[int] | None = None


@dataclass
class TensorCandidate:
    """A candidate input or output tensor with the evidence behind it."""

    name: str
    dtype: str | None
    shape: list[int] | None
    score: float
    recommended: bool = False
    reasons: list[str] = field(default_factory=list)
    op: str = ""
    kind: str = "placeholder"  # inputs: placeholder | cut | label | training | unused; outputs: head | loss ...
    cuts: list[str] = field(default_factory=list)  # for a cut point: the raw inputs it replaces


@dataclass
class ModeSwitch:
    """A placeholder that switches between training and inference, with its inference value."""

    name: str
    value: Any  # None when no value can be told (``needs_value``)
    dtype: str | None = None
    reasons: list[str] = field(default_factory=list)
    needs_value: bool = False  # a setting fixed at inference whose value the user must give


@dataclass
class OpIssue:
    """An op type in the subgraph that tf2onnx may not convert (see the pre-check)."""

    op: str
    nodes: list[str]
    status: str  # supported | needs_opset | needs_extra_opset | conditional | unsupported
    min_opset: int | None = None
    hint: str = ""
    domain: str | None = None
    remedy: str | None = None  # what `tfscout convert` does about it: polyfill | bypass (None: nothing)

    @property
    def blocks(self) -> bool:
        return self.status in BLOCKING_STATUSES


@dataclass
class UnsafeOp:
    op: str
    nodes: list[str]
    reasons: list[str] = field(default_factory=list)
    in_subgraph: bool = False


@dataclass(frozen=True)
class Finding:
    """One node whose op is not known to be safe: ``where`` says how it would run ("" when it would not)."""

    op: str
    node: str  # its name; ``function/node`` inside a function, ``constant > node`` inside a held GraphDef
    reason: str
    where: str = ""

    @property
    def runs(self) -> bool:
        return bool(self.where)


@dataclass
class OpsetAdvice:
    required: int | None = None
    recommended: int = DEFAULT_OPSET


@dataclass
class SignatureInfo(Signature):
    """A signature of the model, and whether the interface was taken from it."""

    used: bool = False


@dataclass
class PrecheckSummary:
    """What the pre-check of a Report ran at and found (``ran`` is false until it ran)."""

    ran: bool = False
    opset: int | None = None
    extra_opsets: list[str] = field(default_factory=list)  # enabled, as DOMAIN:VERSION
    table: str = ""
    subgraph_nodes: int = 0
    folded_nodes: int = 0
    checked_nodes: int = 0
    blocking: list[str] = field(default_factory=list)  # op types tf2onnx will not convert
    conditional: list[str] = field(default_factory=list)  # op types that depend on a rewriter
    required_opset: int | None = None
    recommended_opset: int | None = None
    needed_extra_opsets: list[str] = field(default_factory=list)
    load_blockers: dict[str, list[str]] = field(default_factory=dict)  # op types TensorFlow does not register
    op_types: dict[str, str] = field(default_factory=dict)  # op type -> its worst status on the path
    notes: list[str] = field(default_factory=list)

    @property
    def blocks(self) -> bool:
        """Whether tf2onnx, run as checked, will not convert the path (or not even load the graph)."""
        return bool(self.blocking or self.load_blockers)

    @property
    def blockers(self) -> list[str]:
        """Every op type that blocks: one tf2onnx will not convert, or one TensorFlow cannot load."""
        return sorted(set(self.blocking) | set(self.load_blockers))


@dataclass
class Report:
    path: str
    format: str
    nodes: int
    inputs: list[TensorCandidate] = field(default_factory=list)
    outputs: list[TensorCandidate] = field(default_factory=list)
    mode_switches: list[ModeSwitch] = field(default_factory=list)
    confidence: float = 0.0  # in the recommended (or given) output set as a whole, 0..1
    confidence_reasons: list[str] = field(default_factory=list)
    unsupported: list[OpIssue] = field(default_factory=list)
    unsafe_ops: list[UnsafeOp] = field(default_factory=list)
    refused: list[Finding] = field(default_factory=list)  # the unsafe nodes that would run: where and why
    opset: OpsetAdvice = field(default_factory=OpsetAdvice)
    tf2onnx_command: str = ""
    model_file: str = ""
    size_bytes: int = 0
    functions: int = 0
    checkpoint_prefix: str | None = None
    tags: list[str] = field(default_factory=list)
    tag_sets: list[list[str]] = field(default_factory=list)
    signatures: list[SignatureInfo] = field(default_factory=list)
    training_graph: bool = False
    training_notes: list[str] = field(default_factory=list)
    op_counts: dict[str, int] = field(default_factory=dict)
    subgraph_nodes: int = 0
    names_given: bool = False
    constants_on_disk: int = 0  # big constants whose values were not loaded (not needed to inspect)
    constant_bytes_on_disk: int = 0
    warnings: list[str] = field(default_factory=list)
    precheck: PrecheckSummary = field(default_factory=PrecheckSummary)

    @property
    def recommended_inputs(self) -> list[TensorCandidate]:
        return [c for c in self.inputs if c.recommended]

    @property
    def recommended_outputs(self) -> list[TensorCandidate]:
        return [c for c in self.outputs if c.recommended]

    @property
    def blocking(self) -> list[OpIssue]:
        return [u for u in self.unsupported if u.blocks]

    @property
    def blocks(self) -> bool:
        return self.precheck.blocks

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
