"""What a scan finds: one row per model, and the scan as a whole."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class ScanRow:
    """One model of a scan: what it is, its recommended interface, what blocks it, or why it failed."""

    path: str  # relative to the scanned folder
    format: str | None
    size: int  # bytes of every file of the model
    nodes: int | None = None
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    blocking: list[str] = field(default_factory=list)  # op types tf2onnx will not convert (or load)
    opset: int | None = None  # recommended
    unsafe: list[str] = field(default_factory=list)  # op types not known to be safe, anywhere
    unsafe_on_path: list[str] = field(default_factory=list)  # those that converting would run
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanRow:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @classmethod
    def from_stored(cls, data: Any) -> ScanRow | None:
        """A row read back from a state file, or None when any field has the wrong type (a damaged or
        planted line): such a row is never used."""
        if not isinstance(data, dict) or set(data) - set(_KINDS) or not {"path", "size"} <= set(data):
            return None
        for name, kind in _KINDS.items():
            if name in data and not _fits(data[name], kind):
                return None
        return cls.from_dict(data)


# What each field of a stored row may hold: "str", "int", "str?" (or null), "[str]".
_KINDS = {"path": "str", "format": "str?", "size": "int", "nodes": "int?", "inputs": "[str]", "outputs": "[str]",
          "blocking": "[str]", "opset": "int?", "unsafe": "[str]", "unsafe_on_path": "[str]", "error": "str?"}


def _fits(value: Any, kind: str) -> bool:
    if kind.endswith("?"):
        return value is None or _fits(value, kind[:-1])
    if kind == "[str]":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)


@dataclass
class ScanResult:
    folder: str
    rows: list[ScanRow]
    reused: int = 0  # rows taken from the state file
    inspected: int = 0
    older_checkpoints: int = 0
    state_file: str | None = None

    @property
    def errors(self) -> list[ScanRow]:
        return [r for r in self.rows if r.error]
