"""The reviewed half of the allowlist of ops tfscout lets TensorFlow run (see ``pure_ops``).

The rules in ``pure_ops`` read TensorFlow's op registry; what they cannot know is written here, each
decision with its reason, after reading the registry's lists in full:

- ``STRING_ATTRS``: every string attribute name in the registry, by what its value is. An attribute
  that names a file, a URL or host, a device, shared state or code leaves its op out. Attributes of
  other types hold numbers, types, shapes or constant tensors and cannot name anything outside the
  graph; function attributes are the functions rule.
- ``PURE_EXCLUSIONS``: ops the rules call pure that touch the host or run other code (file names in
  string *inputs*, collectives, processes, function runners the gate cannot follow).
- ``FUNCTION_CALLERS``: stateful ops whose only effect is that of the functions they call; with the
  stateless ops that take function attributes they are "pure if their functions are": the gate scans
  every function they reach (through any attribute, nested or listed) with the same allowlist.
- ``STATEFUL_SAFE``: ops the rules leave out for state (``is_stateful``, ref, resource or variant
  inputs and outputs) whose state lives in the session's memory only and that touch no host.
  Without them every dropout, dynamic_rnn, lookup table and variable read would be refused.
- ``CONDITIONAL``: ops that are safe only while one attribute holds one of a few known values.
- ``STATEFUL_REFUSED``: ops the rules already leave out, with the specific reason for the gate to
  show (queues, iterators, readers, savers ...), decided on review rather than left to a rule.
"""

from __future__ import annotations

CATEGORY_REASONS: dict[str, str] = {
    "file": "names a file, a path prefix or a file pattern on the host",
    "url": "names a URL, a host, an address or a network service",
    "device": "names devices, a mesh or a topology, which can be on other hosts",
    "shared": "names state shared beyond the node (a container, a shared name, a rendezvous key)",
    "code": "holds or names code to run (a Python callable, an MLIR module, a native call target)",
    "value": "a format, mode, key, label or text that the kernel interprets itself",
}
# Categories whose state is in the process's memory: allowed for STATEFUL_SAFE ops (variables,
# tables and TensorArrays have shared names; VarHandleOp lists its allowed devices).
IN_MEMORY_CATEGORIES = frozenset({"device", "shared"})
HOST_CATEGORIES = frozenset({"file", "url", "device", "shared", "code"})

STRING_ATTRS: dict[str, frozenset[str]] = {
    "file": frozenset({
        "descriptor_source", "file_name", "file_pattern", "filename", "log_dir_path", "memory_region_name",
        "output_file_path", "reader_path_prefix", "reader_prefix", "snapshot_name", "vocab_file",
        "writer_path_prefix", "writer_prefix"}),
    "url": frozenset({
        "cross_trainer_cache_options", "data_transfer_protocol", "debug_ops_spec", "debug_urls", "output_stream",
        "requested_dataset_id", "target_workers"}),
    "device": frozenset({
        "allowed_devices", "device_name", "device_names", "device_type", "devices", "embedding_partitions",
        "hbm_buffers_config", "host_compute_core", "input_layout", "input_layouts", "layout", "mesh",
        "output_layout", "recv_device", "send_device", "topology", "tpu_topology"}),
    "shared": frozenset({
        "batching_queue", "container", "containers", "id", "ids", "key", "recv_key", "sa_name", "send_key",
        "shared_name", "shared_names", "source", "stack_name", "table_name", "tensor_array_name", "tensor_name",
        "var_name"}),
    "code": frozenset({
        "backend_config", "call_target_name", "host_mlir_module", "mlir_module", "module", "target_name", "token"}),
    "value": frozenset({
        "a", "activation_mode", "align", "ancestors", "b", "bad_indices_policy", "batch_padding_policy",
        "cardinality_options", "combiner", "combiners", "communication_hint", "compression", "compression_type",
        "config", "config_proto", "context_dense_keys", "context_sparse_keys", "data_format", "dct_method",
        "debug_name", "delimiter", "dense_keys", "density_unit", "description", "deterministic", "dim_args_spec",
        "dimension_numbers", "direction", "disabled_checks", "display_name", "dst_format", "element_spec",
        "embedding_config", "encoding", "end", "equation", "error_msg", "errors", "executor_type",
        "feature_list_dense_keys", "feature_list_dense_missing_assumed_empty", "feature_list_sparse_keys",
        "field_delim", "field_names", "fill", "fill_mode", "filter_format", "final_op", "format", "frame_name",
        "func_name", "fused_ops", "input_encoding", "input_mode", "input_order", "input_quant_mode",
        "input_specs", "interpolation", "io_of_node", "kernel_type", "labels", "left_pad", "loss_type",
        "manual_sharding", "merge_op", "message", "message_format", "message_type", "metadata", "method",
        "mini_batch_in_csr", "mini_batch_splits", "mixed_priority_policy", "mode", "na_value", "node_name",
        "noise", "op_name", "op_names", "op_type", "optimization_configs", "output_encoding",
        "output_quant_mode", "output_specs", "padding", "padding_map", "pattern", "placeholder", "platforms",
        "pooling_type", "precision_config", "ragged_keys", "reduce_op", "reduce_type", "reduction",
        "reduction_type", "rewrite", "right_pad", "rnn_mode", "round_mode", "row_partition_types", "separator",
        "serialized_options", "set_operation", "sharding", "sparse_keys", "split_type", "src_format",
        "stateful_whitelist", "step_marker_location", "string_list_val", "string_val", "template",
        "tfdbg_context_id", "tfdbg_run_id", "tpu_compile_options_proto", "tpu_embedding_config", "tuple_mask",
        "unit", "xmp_metadata"}),
}

_COLLECTIVE = "exchanges tensors with other replicas or mesh devices, which can be on other hosts"
PURE_EXCLUSIONS: dict[str, str] = {
    "ReadFile": "reads the file its string input names",
    "MatchingFiles": "lists the host's files that match its string input (a glob pattern)",
    "GenerateVocabRemapping": "reads the two vocabulary files its string inputs name",
    "Abort": "ends the process (with exit code 0 under exit_without_error), so a run that failed looks finished",
    "XlaAllReduce": _COLLECTIVE, "XlaReduceScatter": _COLLECTIVE,
    "CopyToMeshGrad": _COLLECTIVE, "RelayoutLike": _COLLECTIVE,
    "SymbolicGradient": "runs the gradient of its function: a registered gradient function (library.gradient) "
                        "that nothing else names, or one TensorFlow builds; inference never needs it",
    "XlaLaunchV2": "compiles its function with XLA and runs it on a device chosen at run time",
    "TPUPartitionedCall": "runs its function on a TPU core chosen at run time by its device_ordinal input",
}

_CALLS = "stateful only because TensorFlow cannot tell whether its functions are; safe when every function it reaches is"
FUNCTION_CALLERS: dict[str, str] = {
    "If": _CALLS, "While": _CALLS, "Case": _CALLS, "StatefulPartitionedCall": _CALLS,
}

_RANDOM = "random numbers from a generator in the session's memory (dropout, initializers, noise, augmentation)"
_TENSOR_ARRAY = "a TensorArray in the session's memory (TF1 while loops, dynamic_rnn, map_fn)"
_STACK = "a stack in the session's memory (gradients of TF1 while loops)"
_TENSOR_LIST = "a list of tensors held as a value (control flow v2 loops and RNNs)"
_TABLE = "a lookup table in the session's memory, filled from tensors (vocabularies, label maps)"
_VARIABLE = "a variable in the session's memory; on the inference path tfscout freezes it from the checkpoint"
_CHECK = "fails the step when a check does not hold, writing only to the process's stderr"
STATEFUL_SAFE: dict[str, str] = {
    **dict.fromkeys((
        "RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal", "ParameterizedTruncatedNormal",
        "RandomShuffle", "RandomGamma", "RandomPoisson", "RandomPoissonV2", "Multinomial", "RandomCrop",
        "SampleDistortedBoundingBox", "SampleDistortedBoundingBoxV2", "StatelessRandomGetAlg",
        "StatefulUniform", "StatefulUniformInt", "StatefulUniformFullInt", "StatefulStandardNormal",
        "StatefulStandardNormalV2", "StatefulTruncatedNormal", "StatefulRandomBinomial", "RngSkip",
        "RngReadAndSkip"), _RANDOM),
    **dict.fromkeys(("CudnnRNN", "CudnnRNNV2", "CudnnRNNV3"),
                    "stateful for its dropout generator and reserve space; computes in memory"),
    **dict.fromkeys((
        "TensorArrayV3", "TensorArrayReadV3", "TensorArrayWriteV3", "TensorArrayGatherV3", "TensorArrayScatterV3",
        "TensorArrayConcatV3", "TensorArraySplitV3", "TensorArraySizeV3", "TensorArrayCloseV3", "TensorArrayGradV3",
        "TensorArrayGradWithShape", "TensorArrayV2", "TensorArrayGradV2"), _TENSOR_ARRAY),
    **dict.fromkeys(("StackV2", "StackPushV2", "StackPopV2", "StackCloseV2"), _STACK),
    **dict.fromkeys((
        "EmptyTensorList", "TensorListConcat", "TensorListConcatLists", "TensorListConcatV2",
        "TensorListElementShape", "TensorListFromTensor", "TensorListGather", "TensorListGetItem",
        "TensorListLength", "TensorListPopBack", "TensorListPushBack", "TensorListPushBackBatch",
        "TensorListReserve", "TensorListResize", "TensorListScatter", "TensorListScatterIntoExistingList",
        "TensorListScatterV2", "TensorListSetItem", "TensorListSplit", "TensorListStack"), _TENSOR_LIST),
    **dict.fromkeys(("RaggedTensorToVariant", "RaggedTensorFromVariant"), "a ragged tensor held as a value"),
    **dict.fromkeys((
        "HashTableV2", "MutableHashTableV2", "MutableHashTableOfTensorsV2", "MutableDenseHashTableV2",
        "InitializeTableV2", "LookupTableFindV2", "LookupTableSizeV2", "LookupTableInsertV2",
        "LookupTableImportV2", "LookupTableExportV2", "LookupTableRemoveV2"), _TABLE),
    **dict.fromkeys((
        "VariableV2", "Variable", "VarHandleOp", "ReadVariableOp", "ResourceGather", "VariableShape",
        "VarIsInitializedOp", "IsVariableInitialized", "Assign", "AssignAdd", "AssignSub", "AssignVariableOp",
        "AssignAddVariableOp", "AssignSubVariableOp"), _VARIABLE),
    **dict.fromkeys(("RefSwitch", "RefMerge", "RefEnter", "RefExit", "RefNextIteration", "RefIdentity",
                     "RefSelect"),
                    "TF1 control flow on a variable's reference (tf.cond and while loops over variables): passes "
                    "the reference on; the variable stays in the session's memory"),
    **dict.fromkeys(("Assert", "CheckNumerics", "CheckNumericsV2"), _CHECK),
    "Print": "prints its inputs to the process's stderr and passes the first one through",
}

# op -> (attribute, the values that make it safe, why); the registry gives the default value.
CONDITIONAL: dict[str, tuple[str, tuple[str, ...], str]] = {
    "PrintV2": ("output_stream", ("stderr", "stdout", "log(info)", "log(warning)", "log(error)"),
                "prints to the process's own output or log; a file:// stream writes a file"),
    "DecodeProtoV2": ("descriptor_source", ("local://",),
                      "local:// is the descriptor pool linked into TensorFlow; any other value is a file path"),
    "EncodeProto": ("descriptor_source", ("local://",),
                    "local:// is the descriptor pool linked into TensorFlow; any other value is a file path"),
}

_QUEUE = ("an input-pipeline queue: fed by readers of files, and a dequeue that nothing feeds blocks until the "
          "time limit; tfscout cuts the graph at the dequeue instead")
_ITERATOR = ("a tf.data iterator: its dataset runs its own functions and graphs, reads files and can connect "
             "to servers; tfscout cuts the graph at IteratorGetNext instead")
_READER = "a TF1 file reader: reads the files a queue gives it"
STATEFUL_REFUSED: dict[str, str] = {
    **dict.fromkeys((
        "FIFOQueue", "FIFOQueueV2", "PaddingFIFOQueue", "PaddingFIFOQueueV2", "RandomShuffleQueue",
        "RandomShuffleQueueV2", "PriorityQueue", "PriorityQueueV2", "FakeQueue", "QueueDequeue", "QueueDequeueV2",
        "QueueDequeueMany", "QueueDequeueManyV2", "QueueDequeueUpTo", "QueueDequeueUpToV2", "QueueEnqueue",
        "QueueEnqueueV2", "QueueEnqueueMany", "QueueEnqueueManyV2", "QueueClose", "QueueCloseV2", "QueueSize",
        "QueueSizeV2", "QueueIsClosed", "QueueIsClosedV2"), _QUEUE),
    **dict.fromkeys((
        "Iterator", "IteratorV2", "AnonymousIterator", "AnonymousIteratorV2", "AnonymousIteratorV3",
        "OneShotIterator", "MakeIterator", "IteratorGetNext", "IteratorGetNextSync", "IteratorGetNextAsOptional",
        "IteratorFromStringHandle", "IteratorFromStringHandleV2", "DeserializeIterator"), _ITERATOR),
    **dict.fromkeys((
        "WholeFileReader", "WholeFileReaderV2", "TextLineReader", "TextLineReaderV2", "TFRecordReader",
        "TFRecordReaderV2", "FixedLengthRecordReader", "FixedLengthRecordReaderV2", "LMDBReader", "IdentityReader",
        "IdentityReaderV2", "ReaderRead", "ReaderReadV2", "ReaderReadUpTo", "ReaderReadUpToV2", "ReaderRestoreState",
        "ReaderRestoreStateV2"), _READER),
    **dict.fromkeys(("InitializeTableFromTextFile", "InitializeTableFromTextFileV2"),
                    "fills a table from the vocabulary file its string input names"),
    "InitializeTableFromDataset": _ITERATOR,
    **dict.fromkeys(("Save", "SaveV2", "SaveSlices", "MergeV2Checkpoints"), "writes checkpoint files"),
    **dict.fromkeys(("Restore", "RestoreV2", "RestoreSlice", "LoadAndRemapMatrix"),
                    "reads checkpoint files (tfscout reads the checkpoint itself, never through the graph)"),
    "WriteFile": "writes the file its string input names",
    **dict.fromkeys(("PyFunc", "EagerPyFunc"), "runs Python code registered in the process that built the graph"),
    **dict.fromkeys(("DebugIdentityV2", "DebugIdentityV3", "DumpTensor"), "writes tensors to debug URLs or files"),
    "Skipgram": "reads the text file its filename attribute names",
    "RecordInput": "reads the files its file_pattern attribute matches",
    "RemoteCall": "runs its function on the device its target input names, which can be another host",
    **dict.fromkeys(("Send", "Recv", "_Send", "_Recv", "_HostSend", "_HostRecv"),
                    "exchanges tensors with other devices or processes through a rendezvous"),
    **dict.fromkeys(("SleepOp", "SleepIdentityOp"), "sleeps: a graph can hang the conversion with it"),
    "NonDeterministicInts": "reads the operating system's entropy source",
}
