"""The conversion plan: which tensors to feed and fetch, the mode switches, and the safety verdict.

Built in the calling process from the inspector's analysis (no TensorFlow), then handed to the
child processes that freeze, convert and verify. Everything here pickles.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfscout.converter.report import TensorInfo
from tfscout.defaults import DEFAULT_OPSET
from tfscout.errors import UnsureOutputs, UsageError
from tfscout.inspector import OpIssue, Report, model_files, optypes, validate_opset

# Below this confidence in the recommended outputs (and with no --outputs given) convert stops and asks: on the
# development corpus at least 99% of the recommended sets at or above it are right (docs/ACCURACY.md).
CONFIDENCE_THRESHOLD = 0.9


@dataclass
class PlannedInput:
    """A tensor the ONNX model will take as input."""

    name: str  # as in the TensorFlow graph: ``x:0``, ``IteratorGetNext:3``
    dtype: str | None
    shape: list[int] | None
    op: str = ""
    kind: str = "placeholder"  # placeholder | cut | tensor
    replaces: list[str] = field(default_factory=list)


@dataclass
class PlannedSwitch:
    name: str
    value: Any
    dtype: str | None = None
    needs_value: bool = False  # a setting fixed at inference whose value nobody can guess


def require_switch_values(plan: ConversionPlan) -> None:
    """Stop when a mode switch has no value to fix it to (a scalar setting without a default)."""
    missing = [s.name for s in plan.mode_switches if s.needs_value and s.value is None]
    if missing:
        given = " ".join(f"--switch {n}=VALUE" for n in missing)
        raise UsageError(f"no inference value is known for the setting(s) {', '.join(missing)}",
                         f"give them: {given}", path=plan.model)


@dataclass
class ConversionPlan:
    """Everything the child processes need to build the frozen inference graph."""

    model: str
    format: str
    tags: list[str] | None
    inputs: list[PlannedInput]
    outputs: list[TensorInfo]
    mode_switches: list[PlannedSwitch] = field(default_factory=list)
    opset: int = DEFAULT_OPSET
    allow_unsafe: bool = False
    model_path: str = ""  # ``model`` made absolute: the children run in an empty folder of their own
    checkpoint_prefix: str | None = None
    saved_model_dir: str | None = None
    warnings: list[str] = field(default_factory=list)
    blocking: list[OpIssue] = field(default_factory=list)  # the pre-check's verdict on the original graph

    @property
    def input_names(self) -> list[str]:
        return [i.name for i in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return [o.name for o in self.outputs]


def plan_from_report(report: Report, tags: list[str] | None, opset: int | None,
                     allow_unsafe: bool = False) -> ConversionPlan:
    """The plan for the recommended (or given) interface of an inspected model."""
    inputs = [PlannedInput(c.name, c.dtype, c.shape, c.op, c.kind, list(c.cuts))
              for c in report.recommended_inputs]
    outputs = [TensorInfo(c.name, c.dtype, c.shape) for c in report.recommended_outputs]
    if not outputs:
        raise UsageError("no output was found or given", "name the outputs with --outputs",
                         path=report.path)
    if report.confidence < CONFIDENCE_THRESHOLD:
        _stop_unsure(report)
    switches = [PlannedSwitch(s.name, s.value, s.dtype, s.needs_value) for s in report.mode_switches]
    validate_opset(opset)
    plan = ConversionPlan(
        model=report.path, format=report.format, tags=tags or (report.tags or None), inputs=inputs,
        outputs=outputs, mode_switches=switches,
        opset=opset if opset is not None else report.opset.recommended, allow_unsafe=allow_unsafe,
        model_path=os.path.abspath(report.path), checkpoint_prefix=report.checkpoint_prefix,
        warnings=list(report.warnings), blocking=list(report.blocking),
    )
    return plan


def _stop_unsure(report: Report) -> None:
    top = sorted(report.outputs, key=lambda c: (not c.recommended, -c.score))[:5]
    names = ", ".join(f"{c.name} ({c.score:.2f})" for c in top)
    guess = ",".join(c.name for c in report.recommended_outputs)
    raise UnsureOutputs(
        f"the recommended outputs are a guess (confidence {report.confidence:.2f}, below {CONFIDENCE_THRESHOLD}); "
        f"candidates: {names}",
        f"name the outputs: --outputs {guess} (or others of the candidates; `tfscout inspect` says why)",
        path=report.path)


def parse_switch_value(text: str) -> Any:
    """``true``/``false`` -> bool, ``1`` -> int, ``0.5`` -> float."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        return int(low)
    except ValueError:
        pass
    try:
        return float(low)
    except ValueError:
        raise UsageError(f"cannot read the mode switch value '{text}'", "use true, false or a number") from None


def apply_switches(plan: ConversionPlan, report: Report, values: dict[str, Any]) -> None:
    """Mode switch values given by the caller replace the detected ones; a placeholder named here that
    was not detected as a switch becomes one (and stops being an input)."""
    by_name = {s.name: s for s in plan.mode_switches}
    known = {c.name: c for c in report.inputs}
    for raw, value in values.items():
        name = raw if ":" in raw else f"{raw}:0"
        if name in by_name:
            by_name[name].value = value
            by_name[name].needs_value = False
            continue
        candidate = known.get(name)
        if candidate is None or candidate.op not in optypes.PLACEHOLDER_OPS:
            raise UsageError(f"'{raw}' is not a placeholder of this graph, so it cannot be a mode switch",
                             "name a placeholder (see `tfscout inspect --all`)", path=report.path)
        switch = PlannedSwitch(name, value, candidate.dtype)
        plan.mode_switches.append(switch)
        by_name[name] = switch
        plan.inputs = [i for i in plan.inputs if i.name != name]


def check_output_path(out: str | Path, force: bool) -> Path:
    """The output file, checked before any work: not a directory, not an existing file without ``force``,
    and a place where a file of that name can be created (the folder exists, is a folder, takes files,
    and the name is not too long)."""
    path = Path(out)
    _check_name_length(path)
    if path.is_dir():
        raise UsageError("the output is a directory", "give a file name such as model.onnx", path=str(path))
    if path.exists() and not force:
        raise UsageError("the output file exists", "pass --force to overwrite it, or choose another name",
                         path=str(path))
    parent = path.parent
    if not parent.exists():
        raise UsageError("the output directory does not exist", "create it first", path=str(path))
    if not parent.is_dir():
        raise UsageError(f"the output's folder {parent} is not a folder", "choose another output path",
                         path=str(path))
    try:
        with tempfile.TemporaryFile(dir=parent, prefix=".tfscout-"):
            pass
    except OSError as exc:
        raise UsageError(f"cannot create a file in {parent} ({exc.strerror or exc})",
                         "choose an output in a folder you can write to", path=str(path)) from None
    return path


def _check_name_length(path: Path) -> None:
    """The output's name, and the temporary name it is written through first, fit the file system."""
    try:
        limit = os.pathconf(path.parent, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    longest = len(os.fsencode(path.name)) + len("..XXXXXXXX.tmp")  # publish's temporary name
    if longest > limit:
        raise UsageError(f"the output's name is {len(os.fsencode(path.name))} bytes long, too long for its "
                         f"folder (at most {limit - (longest - len(os.fsencode(path.name)))})",
                         "choose a shorter name", path=str(path))


def refuse_model_files(out: Path, report: Report) -> None:
    """Never write over a file of the model (followed through links and ``..``), with or without --force."""
    if not out.exists():
        return
    target = os.path.realpath(out)
    for name in model_files(report.model_file, report.format, report.checkpoint_prefix):
        if os.path.realpath(name) == target or (os.path.exists(name) and os.path.samefile(name, out)):
            raise UsageError(f"the output is a file of the model ({name})",
                             "write the output somewhere else; tfscout never writes over the model's files",
                             path=str(out))
