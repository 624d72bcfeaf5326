"""Ops that touch the host: files, processes, the network, or arbitrary Python.

tf2onnx's constant folding executes TensorFlow ops whose inputs are constant, so converting a
hostile graph can read or write files. Such ops are listed wherever they are; a subgraph that
contains them is refused unless the user passes ``--allow-unsafe``.
"""

from __future__ import annotations

from tfscout.inspector.graph import Graph
from tfscout.inspector.report import UnsafeOp

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
    "FileSystemSetConfiguration": "changes file-system settings",
}


def _print_to_file(graph: Graph, i: int) -> bool:
    stream = graph.attr(i, "output_stream")
    return stream is not None and stream.s.startswith(b"file://")


def scan_unsafe(graph: Graph, subgraph: set[int] | None = None) -> list[UnsafeOp]:
    """Every host-touching op in the graph, grouped by op type; ``in_subgraph`` when one is in it."""
    found: dict[str, list[int]] = {}
    for i, op in enumerate(graph.ops):
        if op in UNSAFE_OPS or (op == "PrintV2" and _print_to_file(graph, i)):
            found.setdefault(op, []).append(i)
    out = []
    for op, nodes in sorted(found.items()):
        reason = UNSAFE_OPS.get(op, "prints to a file")
        inside = subgraph is not None and any(i in subgraph for i in nodes)
        out.append(UnsafeOp(op=op, nodes=[graph.names[i] for i in nodes], reasons=[reason], in_subgraph=inside))
    return out
