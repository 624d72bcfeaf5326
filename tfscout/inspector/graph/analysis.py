"""GraphAnalysis: one loaded model with the facts every ranking step shares, computed once."""

from __future__ import annotations

from functools import cached_property

from tfscout.inspector import optypes
from tfscout.inspector.graph.dataflow import Loops, dynamic_shapes, find_loops, value_reach
from tfscout.inspector.graph.flags import Flag, constant_default, find_flags
from tfscout.inspector.graph.graph import Graph, TensorRef
from tfscout.inspector.graph.opdefs import default_op_table
from tfscout.inspector.graph.roles import Roles, classify
from tfscout.inspector.graph.tensors import ShapeInference
from tfscout.inspector.load import ModelSource


class GraphAnalysis:
    """A model, its graph, and derived facts (roles, shapes, depths), each computed on first use."""

    def __init__(self, source: ModelSource) -> None:
        self.source = source
        table = default_op_table()
        if source.meta_graph is not None and source.meta_graph.meta_info_def.HasField("stripped_op_list"):
            table = table.with_op_list(source.meta_graph.meta_info_def.stripped_op_list)
        self.graph = Graph(source.graph_def, table)
        self.shapes = ShapeInference(self.graph)

    @cached_property
    def placeholders(self) -> list[int]:
        return [i for i, op in enumerate(self.graph.ops) if op in optypes.PLACEHOLDER_OPS]

    @cached_property
    def unknown_sources(self) -> list[int]:
        """Nodes without inputs whose op TensorFlow does not register (custom kernels, private ops):
        nothing can run them, so they must be fed."""
        g = self.graph
        return [i for i, op in enumerate(g.ops)
                if not g.inputs[i] and g.op_table.get(op) is None and op not in optypes.PLACEHOLDER_OPS
                and all(d not in ("resource", "variant") for d in g.output_dtypes(i))]

    @cached_property
    def feedable(self) -> list[int]:
        """Placeholders and unknown sources: the nodes a caller could feed."""
        return self.placeholders + self.unknown_sources

    @cached_property
    def roles(self) -> Roles:
        return classify(self.graph, self.shapes, self.source.collections, self.feedable)

    @cached_property
    def flags(self) -> dict[int, Flag]:
        """Placeholders that are mode flags by structure (graph/flags.py)."""
        roles = self.roles
        candidates = [p for p in self.placeholders if p not in roles.machinery and p not in roles.labels]
        return find_flags(self.graph, self.shapes, roles.batch, candidates)

    @cached_property
    def computed_defaults(self) -> set[int]:
        """PlaceholderWithDefaults whose default is computed (from the data path): ways into the graph to feed in
        training, not inputs; the data comes from upstream."""
        g = self.graph
        return {p for p in self.placeholders if g.ops[p] == "PlaceholderWithDefault" and g.inputs[p]
                and not constant_default(g, p)[0]}

    @cached_property
    def depth(self) -> list[int]:
        return self.graph.longest_depth()

    @cached_property
    def in_loop(self) -> set[int]:
        """Nodes inside TF1 while-loop frames: below an Enter, above the matching Exit."""
        g = self.graph
        enters = [i for i, op in enumerate(g.ops) if op in optypes.ENTER_OPS]
        if not enters:
            return set()
        return g.descendants(enters, stop={i for i, op in enumerate(g.ops) if op in optypes.EXIT_OPS})

    @cached_property
    def loops(self) -> Loops:
        return find_loops(self.graph)

    @cached_property
    def pipeline_seeds(self) -> list[int]:
        """Nodes where data enters from outside the feed mechanism: queues, iterators, decoders."""
        kinds = optypes.PIPELINE_OPS | optypes.QUEUE_OPS | optypes.DATASET_OPS | optypes.READER_OPS
        return [i for i, op in enumerate(self.graph.ops) if op in kinds and i not in self.roles.machinery]

    @cached_property
    def data_sources(self) -> list[int]:
        """Where the data enters: feedable nodes that are neither machinery, labels, mode flags nor computed
        defaults, and pipeline seeds."""
        roles, flags, computed = self.roles, self.flags, self.computed_defaults
        found = [p for p in self.feedable if p not in roles.machinery and p not in roles.labels
                 and p not in flags and p not in computed]
        return found + [i for i in self.pipeline_seeds if i not in found]

    @cached_property
    def value_reach(self) -> set[int]:
        """Nodes whose values depend on the data (not only through Shape/Size/Rank of a static shape)."""
        if not self.data_sources:
            return set()
        return value_reach(self.graph, self.data_sources, dynamic_shapes(self.graph))

    def tensor(self, ref: TensorRef) -> tuple[str, str | None, list[int] | None]:
        """(name, dtype, static shape) of a tensor."""
        return self.graph.tensor_name(ref), self.graph.dtype(ref), self.shapes.shape(ref)
