"""Read a big frozen GraphDef without copying its weights.

A frozen graph with hundreds of MB of constants is inspected without loading those constants:
the file is memory-mapped, small nodes are parsed in bounded chunks, and the tensor values of big
``Const`` nodes are left on disk (their dtype and shape are kept). Peak memory stays near the
size of the graph's structure, not of its weights.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field
from pathlib import Path

from tfscout.inspector.load.protos import GraphDef, WireError, WireReader, strip_node_tensors, top_level_spans

LAZY_MIN_FILE_BYTES = 32 * 1024 * 1024
BIG_NODE_BYTES = 256 * 1024
_CHUNK_BYTES = 16 * 1024 * 1024
_NODE_FIELD = 1


@dataclass
class LazyGraph:
    graph_def: GraphDef
    elided: dict[str, int] = field(default_factory=dict)  # node name -> bytes of tensor values left out

    @property
    def elided_bytes(self) -> int:
        return sum(self.elided.values())


def _parse_big_node(graph: GraphDef, view: memoryview, start: int, end: int, lazy: LazyGraph) -> None:
    field_ = next(WireReader(view[start:end]).fields())
    stripped, dropped = strip_node_tensors(field_.value, BIG_NODE_BYTES // 4)  # type: ignore[arg-type]
    node = graph.node.add()
    node.ParseFromString(stripped)
    if dropped:
        lazy.elided[node.name] = dropped


def read_graph_def_lazily(path: Path) -> LazyGraph:
    """Parse the binary GraphDef at ``path``, leaving the values of big tensors on disk.

    Raises WireError or protobuf's DecodeError when the file is damaged.
    """
    graph = GraphDef()
    lazy = LazyGraph(graph)
    failure: Exception | None = None
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        view = memoryview(mm)
        try:
            chunk_start = chunk_end = -1
            for number, wire_type, start, end in top_level_spans(view):
                if number == _NODE_FIELD and wire_type == 2 and end - start >= BIG_NODE_BYTES:
                    if chunk_start >= 0:
                        graph.MergeFromString(bytes(view[chunk_start:chunk_end]))
                        chunk_start = -1
                    _parse_big_node(graph, view, start, end, lazy)
                    continue
                if chunk_start < 0:
                    chunk_start = start
                chunk_end = end
                if chunk_end - chunk_start >= _CHUNK_BYTES:
                    graph.MergeFromString(bytes(view[chunk_start:chunk_end]))
                    chunk_start = -1
            if chunk_start >= 0:
                graph.MergeFromString(bytes(view[chunk_start:chunk_end]))
        except Exception as exc:  # noqa: BLE001 - raised again below, once the mapping is closed
            failure = exc.with_traceback(None)  # its traceback holds views into the mapping
        finally:
            view.release()
    if failure is not None:
        raise failure
    return lazy


__all__ = ["LAZY_MIN_FILE_BYTES", "LazyGraph", "WireError", "read_graph_def_lazily"]
