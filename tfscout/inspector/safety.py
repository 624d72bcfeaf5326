"""Ops that touch the host: files, processes, the network, or arbitrary Python.

tf2onnx's constant folding executes TensorFlow ops whose inputs are constant, so converting a
hostile graph can read or write files. Such ops are listed wherever they are (in the graph and in
its function library); a subgraph that would run them is refused unless the user passes
``--allow-unsafe``. TensorFlow runs more than the data ancestors of the outputs: the control
dependencies of what it runs, and the bodies of the functions it calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tfscout.errors import ModelProblem
from tfscout.inspector.graph import Graph, function_library, functions_called
from tfscout.inspector.report import UnsafeOp

# What comes of running an unsafe op, as the refusal says it (the default: converting).
CONVERTING = "converting would execute them (tf2onnx folds constants by running TensorFlow)"

UNSAFE_OPS: dict[str, str] = {
    "ReadFile": "reads any file on the host",
    "WriteFile": "writes any file on the host",
    "MatchingFiles": "lists files on the host (glob)",
    "DeleteSessionTensor": "deletes session state",
    "Save": "writes a checkpoint file", "SaveV2": "writes checkpoint files", "SaveSlices": "writes a checkpoint file",
    "Restore": "reads a checkpoint file", "RestoreV2": "reads checkpoint files", "RestoreSlice": "reads a checkpoint file",
    "MergeV2Checkpoints": "moves and deletes checkpoint files",
    "PyFunc": "runs arbitrary Python code", "PyFuncStateless": "runs arbitrary Python code",
    "EagerPyFunc": "runs arbitrary Python code",
    "WholeFileReader": "reads files", "WholeFileReaderV2": "reads files",
    "TextLineReader": "reads files", "TextLineReaderV2": "reads files",
    "TFRecordReader": "reads files", "TFRecordReaderV2": "reads files",
    "FixedLengthRecordReader": "reads files", "FixedLengthRecordReaderV2": "reads files",
    "LMDBReader": "reads an LMDB database",
    "TFRecordDataset": "reads files", "TFRecordDatasetV2": "reads files",
    "TextLineDataset": "reads files", "FixedLengthRecordDataset": "reads files",
    "FixedLengthRecordDatasetV2": "reads files", "LMDBDataset": "reads an LMDB database",
    "ExperimentalLMDBDataset": "reads an LMDB database", "CSVDataset": "reads files", "CSVDatasetV2": "reads files",
    "ExperimentalCSVDataset": "reads files", "MatchingFilesDataset": "lists files on the host",
    "ExperimentalMatchingFilesDataset": "lists files on the host",
    "SqlDataset": "queries a database", "ExperimentalSqlDataset": "queries a database",
    "SaveDataset": "writes files", "SaveDatasetV2": "writes files", "LoadDataset": "reads files",
    "SnapshotDataset": "writes and reads files", "SnapshotDatasetV2": "writes and reads files",
    "CacheDataset": "may write a cache file", "CacheDatasetV2": "may write a cache file",
    "DatasetToTFRecord": "writes files", "ExperimentalDatasetToTFRecord": "writes files",
    "InitializeTableFromTextFile": "reads a vocabulary file", "InitializeTableFromTextFileV2": "reads a vocabulary file",
    "ImmutableConst": "memory-maps a file", "LoadAndRemapMatrix": "reads checkpoint files",
    "CreateSummaryFileWriter": "writes event files", "CreateSummaryDbWriter": "writes a database",
    "WriteSummary": "writes event files", "WriteScalarSummary": "writes event files",
    "WriteHistogramSummary": "writes event files", "WriteImageSummary": "writes event files",
    "WriteAudioSummary": "writes event files", "WriteGraphSummary": "writes event files",
    "WriteRawProtoSummary": "writes event files",
    "DebugIdentity": "can write tensors to debug URLs (files, gRPC)",
    "DebugIdentityV2": "can write tensors to debug URLs", "DebugNanCount": "can write to debug URLs",
    "DebugNumericSummary": "can write to debug URLs",
    "GenerateBigQueryReaderPartitions": "reads from BigQuery", "BigQueryReader": "reads from BigQuery",
    "DataServiceDataset": "connects to a network service", "DataServiceDatasetV2": "connects to a network service",
    "DataServiceDatasetV3": "connects to a network service", "DataServiceDatasetV4": "connects to a network service",
    "Rpc": "calls a network service", "TryRpc": "calls a network service",
    "RpcClient": "calls a network service", "RpcCall": "calls a network service",
    "DecodeProtoV2": "can load proto descriptors from files",
    "EncodeProto": "can load proto descriptors from files",
    "FileSystemSetConfiguration": "changes file-system settings",
    "ReaderRead": "reads files through a reader", "ReaderReadV2": "reads files through a reader",
    "ReaderReadUpTo": "reads files through a reader", "ReaderReadUpToV2": "reads files through a reader",
    "ReaderRestoreState": "restores a file reader", "ReaderRestoreStateV2": "restores a file reader",
    "FlushSummaryWriter": "writes event files", "CloseSummaryWriter": "writes event files",
    "ImportEvent": "writes event files",
    "GenerateVocabRemapping": "reads vocabulary files",
    "SnapshotDatasetReader": "reads files", "SnapshotNestedDatasetReader": "reads files",
    "SnapshotChunkDataset": "reads files", "ListSnapshotChunksDataset": "lists files on the host",
    "DistributedSave": "writes files",
    "KafkaDataset": "connects to a network service", "KinesisDataset": "connects to a network service",
    "IgniteDataset": "connects to a network service",
    "GcsConfigureCredentials": "changes cloud credentials", "GcsConfigureBlockCache": "changes cloud settings",
    "RemoteCall": "runs a function on another (network) device",
    "RpcServer": "starts a network server", "RpcServerStart": "starts a network server",
    "RpcServerRegister": "serves functions over the network",
    "CollectiveReduce": "talks to other processes over the network",
    "CollectiveReduceV2": "talks to other processes over the network",
    "CollectiveReduceV3": "talks to other processes over the network",
    "CollectiveGather": "talks to other processes over the network",
    "CollectiveGatherV2": "talks to other processes over the network",
    "CollectiveBcastSend": "talks to other processes over the network",
    "CollectiveBcastRecv": "talks to other processes over the network",
    "CollectiveBcastSendV2": "talks to other processes over the network",
    "CollectiveBcastRecvV2": "talks to other processes over the network",
    "CollectiveAllToAllV2": "talks to other processes over the network",
    "CollectiveAllToAllV3": "talks to other processes over the network",
    "CollectiveReduceScatterV2": "talks to other processes over the network",
    "CollectiveInitializeCommunicator": "talks to other processes over the network",
}


def _print_to_file(attrs: Any) -> bool:
    stream = attrs.get("output_stream")
    return stream is not None and stream.s.startswith(b"file://")


def _is_unsafe(op: str, attrs: Any) -> bool:
    return op in UNSAFE_OPS or (op == "PrintV2" and _print_to_file(attrs))


def _run_set(graph: Graph, subgraph: set[int]) -> set[int]:
    """The subgraph and everything TensorFlow runs with it through control dependencies."""
    controls = [c for i in subgraph for c in graph.control_inputs[i] if c not in subgraph]
    return subgraph | graph.ancestors(controls, control=True) if controls else subgraph


def scan_unsafe(graph: Graph, subgraph: set[int] | None = None) -> list[UnsafeOp]:
    """Every host-touching op in the graph and its function library, grouped by op type.

    ``in_subgraph`` is set when running ``subgraph`` would run one: it is in it, behind a control
    dependency of it, or in a function it calls. Ops inside functions are named ``function/node``.
    """
    found: dict[str, list[tuple[str, bool]]] = {}
    run = _run_set(graph, subgraph) if subgraph is not None else set()
    for i, op in enumerate(graph.ops):
        if op in UNSAFE_OPS or (op == "PrintV2" and _print_to_file(graph.node(i).attr)):
            found.setdefault(op, []).append((graph.names[i], i in run))
    library = function_library(graph)
    if library:
        called = set(functions_called(graph, run, library))
        for name, function in library.items():
            for node in function.node_def:
                if _is_unsafe(node.op, node.attr):
                    found.setdefault(node.op, []).append((f"{name}/{node.name}", name in called))
    out = []
    for op, nodes in sorted(found.items()):
        reason = UNSAFE_OPS.get(op, "prints to a file")
        out.append(UnsafeOp(op=op, nodes=[n for n, _ in nodes], reasons=[reason],
                            in_subgraph=any(inside for _, inside in nodes)))
    return out


def unsafe_to_run(graph: Graph) -> list[UnsafeOp]:
    """The host-touching ops that running all of ``graph`` would run (a frozen graph, an initializer)."""
    return [u for u in scan_unsafe(graph, set(range(len(graph)))) if u.in_subgraph]


def refuse_unsafe(unsafe: Iterable[UnsafeOp], path: str, consequence: str = CONVERTING) -> None:
    """Raise ModelProblem when any of ``unsafe`` would run (``in_subgraph``).

    The one refusal of freeze, convert, verify, ``check --confirm`` and the TUI; ``--allow-unsafe`` is
    not calling it.
    """
    on_path = [u for u in unsafe if u.in_subgraph]
    if not on_path:
        return
    ops = ", ".join(f"{u.op} ({u.reasons[0] if u.reasons else 'touches the host'})" for u in on_path[:4])
    nodes = [n for u in on_path for n in u.nodes][:6]
    raise ModelProblem(
        f"the graph between the inputs and outputs holds ops that touch files or run host code: {ops}; "
        f"e.g. node {nodes[0] if nodes else '?'}; {consequence}",
        "cut them away with --inputs/--outputs, or pass --allow-unsafe if you trust this model"
        + (f" (nodes: {', '.join(nodes)})" if len(nodes) > 1 else ""),
        path=path,
    )
