"""Generator A's families: each a ``build(case) -> Truth`` and how many graphs it makes (needs TensorFlow)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.devcorpus import Truth
from bench.devcorpus.families import mlp
from bench.devcorpus.writers import Case


@dataclass(frozen=True)
class Family:
    name: str
    count: int
    build: Callable[[Case], Truth]
    about: str


FAMILIES: tuple[Family, ...] = (
    Family("mlp", 12, mlp.build, "raw MLPs, named and unnamed; training checkpoints and frozen"),
)
