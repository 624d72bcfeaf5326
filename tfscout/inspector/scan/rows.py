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
    unsafe: list[str] = field(default_factory=list)  # op types that touch the host, anywhere
    unsafe_on_path: list[str] = field(default_factory=list)  # those between the inputs and outputs
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanRow:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


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
