"""Messages that workers post when slow work finishes or moves on. Workers never touch widgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from tfscout.inspector import NodeInfo, SearchResult
from tfscout.tui.session import LoadedModel, Ranked


@dataclass
class LoadProgress(Message):
    """Loading moved on to ``stage``; ``fraction`` of the work is done."""

    stage: str
    fraction: float


@dataclass
class ModelLoaded(Message):
    """The graph is read and indexed: browsing and search work from here on."""

    model: LoadedModel


@dataclass
class LoadFailed(Message):
    message: str


@dataclass
class ReportReady(Message):
    """The interface and pre-check for choice number ``generation``."""

    generation: int
    ranked: Ranked
    seconds: float


@dataclass
class TrainingMarks(Message):
    """Which nodes, and how many per scope, only training uses (for the scope tree's marks)."""

    model: LoadedModel
    counts: dict[str, int]
    nodes: set[int]


@dataclass
class ReportFailed(Message):
    generation: int
    message: str


@dataclass
class DetailsReady(Message):
    """The facts about the node to show (computed off the UI thread: shapes can take a moment)."""

    info: NodeInfo


@dataclass
class SearchDone(Message):
    result: SearchResult
    seconds: float


@dataclass
class ConvertProgress(Message):
    stage: str
    message: str


@dataclass
class ConvertFinished(Message):
    report: Any  # tfscout.converter.report.ConversionReport
    out: str


@dataclass
class ConvertFailed(Message):
    message: str
    cancelled: bool = False


@dataclass
class ExportFinished(Message):
    path: str
    nodes: int
    truncated: int


@dataclass
class ExportFailed(Message):
    message: str
