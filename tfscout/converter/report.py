"""The ConversionReport: what ``convert``, ``freeze`` and ``verify`` did, as JSON-serialisable dataclasses.

Text and JSON are separate renderers of the same objects (see :mod:`tfscout.converter.render`).
The JSON keys promised by DESIGN.md come first: ``onnx, inputs, outputs, opset, verified,
max_abs_diff, steps, problems``; everything after them is extra.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tfscout.defaults import DEFAULT_ATOL, DEFAULT_RTOL
from tfscout.inspector import TensorInfo

STAGES = ("inspect", "freeze", "repair", "reference", "tf2onnx", "validate", "verify", "write")


@dataclass
class Step:
    """One thing done to the model on the way to ONNX, and what came of it.

    ``status`` is ``done`` (the step changed something), ``skipped`` (nothing to do), ``warning``
    (done, with a caveat in ``detail``) or ``failed``.
    """

    stage: str
    name: str
    status: str
    detail: str = ""
    nodes: list[str] = field(default_factory=list)


@dataclass
class Problem:
    """Why the result cannot be trusted (or was not produced), and how to get past it."""

    kind: str  # unsafe | unsupported | tf2onnx | invalid_onnx | mismatch | tf_run | ort_run | training | ...
    message: str
    fix: str = ""
    nodes: list[str] = field(default_factory=list)


@dataclass
class OutputError:
    """How one output of onnxruntime compares with TensorFlow on the same inputs."""

    name: str
    ok: bool
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None
    mismatched: int = 0
    total: int = 0
    tf_shape: list[int] | None = None
    onnx_shape: list[int] | None = None
    tf_dtype: str | None = None
    onnx_dtype: str | None = None
    note: str = ""
    sample: str = ""  # which sample it was measured on ("batch 3, signed and large values")


@dataclass
class Divergence:
    """Where TensorFlow and onnxruntime first part along the path: the earliest tensor that differs
    while everything it is computed from still matches."""

    tf_tensor: str
    tf_op: str
    onnx_node: str
    max_abs_diff: float | None
    max_rel_diff: float | None
    compared: int = 0  # tensors compared on both sides
    sample: str = ""
    note: str = ""
    repro: dict[str, str] = field(default_factory=dict)  # what was written: graph, onnx, inputs -> path


@dataclass
class Latency:
    """How long one run of the same batch takes: the median of ``runs`` timed runs after ``warmup``."""

    onnxruntime_ms: float | None = None
    tensorflow_ms: float | None = None
    runs: int = 0
    warmup: int = 0
    threads: int = 0
    batch: str = ""  # the inputs' shapes

    @property
    def speedup(self) -> float | None:
        if not self.onnxruntime_ms or not self.tensorflow_ms:
            return None
        return self.tensorflow_ms / self.onnxruntime_ms


@dataclass
class Sample:
    """One set of inputs TensorFlow answered (written by the freeze child)."""

    label: str
    feeds_path: str
    reference_path: str


@dataclass
class ModelStructure:
    """One side of the comparison: a model's inputs, outputs, opset and op counts."""

    inputs: list[TensorInfo] = field(default_factory=list)
    outputs: list[TensorInfo] = field(default_factory=list)
    op_counts: dict[str, int] = field(default_factory=dict)
    nodes: int = 0
    opset: int | None = None
    domains: dict[str, int] = field(default_factory=dict)  # ONNX: opset per domain


@dataclass
class StructureComparison:
    """The frozen TensorFlow graph beside the ONNX model, and what differs at their edges."""

    tensorflow: ModelStructure = field(default_factory=ModelStructure)
    onnx: ModelStructure = field(default_factory=ModelStructure)
    differences: list[str] = field(default_factory=list)


@dataclass
class ConversionReport:
    """The result of ``convert_model`` / ``verify_model`` / ``freeze_model``."""

    onnx: str | None = None
    inputs: list[TensorInfo] = field(default_factory=list)
    outputs: list[TensorInfo] = field(default_factory=list)
    opset: int | None = None
    verified: bool = False
    max_abs_diff: float | None = None
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # extras
    model: str = ""
    format: str = ""
    frozen: str | None = None
    mode_switches: dict[str, Any] = field(default_factory=dict)
    errors: list[OutputError] = field(default_factory=list)
    structure: StructureComparison = field(default_factory=StructureComparison)
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    sample: str | None = None
    tf2onnx_command: str = ""
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage: freeze, tf2onnx, check
    warnings: list[str] = field(default_factory=list)
    first_divergence: Divergence | None = None
    latency: Latency | None = None
    polyfilled: dict[str, list[str]] = field(default_factory=dict)  # op type -> nodes rewritten before tf2onnx

    @property
    def exit_code(self) -> int:
        """0 only when what was asked for is there and can be trusted, with no problem: the ONNX model
        matched TensorFlow (convert, verify) or the frozen graph was written (freeze); 1 otherwise."""
        done = self.verified or self.frozen is not None
        return 0 if done and not self.problems else 1

    def add_step(self, stage: str, name: str, status: str, detail: str = "",
                 nodes: list[str] | None = None) -> Step:
        step = Step(stage, name, status, detail, list(nodes or []))
        self.steps.append(step)
        return step

    def add_problem(self, kind: str, message: str, fix: str = "", nodes: list[str] | None = None) -> Problem:
        problem = Problem(kind, message, fix, list(nodes or []))
        self.problems.append(problem)
        return problem

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        return data


@dataclass
class FrozenGraph:
    """What the freeze child built: the frozen inference GraphDef and, when asked, TensorFlow's answers.

    ``feed_names`` maps each input's name (as in the original graph, and in the ONNX model) to the
    tensor that feeds it in the frozen graph; they differ only when a cut tensor was not port 0.
    """

    path: str
    inputs: list[TensorInfo] = field(default_factory=list)
    outputs: list[TensorInfo] = field(default_factory=list)
    feed_names: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    structure: ModelStructure = field(default_factory=ModelStructure)
    samples: list[Sample] = field(default_factory=list)
    needs_contrib: bool = False
    tf_latency: Latency | None = None  # TensorFlow's, on the last sample
    polyfilled: dict[str, list[str]] = field(default_factory=dict)
    tf2onnx_path: str = ""  # what tf2onnx converts: ``path`` with the polyfills applied (``path`` when none)
    tables_path: str | None = None  # the contents of vocabulary tables filled from constants (.npz)

    @property
    def feeds_path(self) -> str | None:
        return self.samples[0].feeds_path if self.samples else None

    @property
    def reference_path(self) -> str | None:
        return self.samples[0].reference_path if self.samples else None
