"""The development corpus: legacy TF1 graphs with the interface their authors used, known by construction.

Every graph lives in its own folder ``out/devcorpus/<family>/<id>/`` with the model file(s) and a
``truth.json`` (the :class:`Truth` below). Two generators write there:

- ``python -m bench.devcorpus.build [--family F] [--out DIR]`` (TensorFlow 2.21, raw ``tf.compat.v1``
  ops; the families in ``bench/devcorpus/families/``);
- the generator in ``bench/devcorpus/legacy/`` (TensorFlow 2.15 with tf-slim and tf-keras, its own
  interpreter), writing into ``out/devcorpus/legacy-*/``.

``python -m bench.devcorpus.score`` runs ``tfscout inspect --json`` on every ``truth.json`` it finds
and scores the recommendation against it.

This module is imported by both generators and by the scorer: it uses the standard library only.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_OUT = ROOT / "out" / "devcorpus"
TRUTH_FILE = "truth.json"
FORMATS = ("graphdef", "graphdef_text", "checkpoint", "metagraph", "saved_model")
SwitchValue = bool | int | float


class TruthError(ValueError):
    """A truth.json that does not follow the format."""


@dataclass
class Truth:
    """What the author's own inference code fed and fetched, decided when the graph was built."""

    id: str
    family: str
    generator: str
    format: str
    model: str
    inputs: list[str]
    outputs: list[str]
    cut_ok: list[str] = field(default_factory=list)
    also_ok: list[list[str]] = field(default_factory=list)
    mode_switches: dict[str, SwitchValue] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for optional in ("cut_ok", "also_ok", "mode_switches", "labels"):
            if not data[optional]:
                del data[optional]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Truth:
        try:
            truth = cls(id=data["id"], family=data["family"], generator=data.get("generator", ""),
                        format=data["format"], model=data["model"], inputs=list(data["inputs"]),
                        outputs=list(data["outputs"]), cut_ok=list(data.get("cut_ok", [])),
                        also_ok=[list(s) for s in data.get("also_ok", [])],
                        mode_switches=dict(data.get("mode_switches", {})), labels=list(data.get("labels", [])),
                        notes=data.get("notes", ""))
        except (KeyError, TypeError) as exc:
            raise TruthError(f"truth is missing or mistypes {exc}") from exc
        truth.validate()
        return truth

    def validate(self) -> None:
        if self.format not in FORMATS:
            raise TruthError(f"{self.id}: format {self.format!r} is not one of {', '.join(FORMATS)}")
        if not self.outputs:
            raise TruthError(f"{self.id}: no outputs")
        names = [*self.inputs, *self.outputs, *self.cut_ok, *self.labels, *self.mode_switches,
                 *(n for s in self.also_ok for n in s)]
        bad = [n for n in names if not _is_tensor_name(n)]
        if bad:
            raise TruthError(f"{self.id}: not tensor names (name:port): {', '.join(bad)}")
        clash = set(self.inputs) & (set(self.labels) | set(self.mode_switches))
        if clash:
            raise TruthError(f"{self.id}: both an input and a label or switch: {', '.join(sorted(clash))}")


def _is_tensor_name(name: str) -> bool:
    node, sep, port = name.rpartition(":")
    return bool(node) and bool(sep) and port.isdigit()


def case_seed(family: str, index: int) -> int:
    """The seed of one graph: the same graph whether its family is built alone or with the others."""
    return zlib.crc32(f"{family}:{index}".encode())


def write_truth(folder: Path, truth: Truth) -> Path:
    truth.validate()
    path = folder / TRUTH_FILE
    path.write_text(json.dumps(truth.to_dict(), indent=1) + "\n")
    return path


def find_truths(root: Path) -> Iterator[tuple[Path, Truth]]:
    """Every ``truth.json`` under ``root`` (any generator), in a stable order, with its folder."""
    for path in sorted(root.rglob(TRUTH_FILE)):
        yield path.parent, Truth.from_dict(json.loads(path.read_text()))
