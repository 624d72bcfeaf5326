"""Exact sets of TensorFlow op types, by the role they play in a graph.

Membership is always exact: never test substrings of op types or node names.
"""

from __future__ import annotations

# Optimizer updates (tf.train.*Optimizer.apply_gradients).
OPTIMIZER_OPS = frozenset({
    "ApplyAdaMax", "ApplyAdadelta", "ApplyAdagrad", "ApplyAdagradDA", "ApplyAdagradV2", "ApplyAdam",
    "ApplyAddSign", "ApplyCenteredRMSProp", "ApplyFtrl", "ApplyFtrlV2", "ApplyGradientDescent",
    "ApplyMomentum", "ApplyPowerSign", "ApplyProximalAdagrad", "ApplyProximalGradientDescent",
    "ApplyRMSProp", "ResourceApplyAdaMax", "ResourceApplyAdadelta", "ResourceApplyAdagrad",
    "ResourceApplyAdagradDA", "ResourceApplyAdagradV2", "ResourceApplyAdam",
    "ResourceApplyAdamWithAmsgrad", "ResourceApplyAddSign", "ResourceApplyCenteredRMSProp",
    "ResourceApplyFtrl", "ResourceApplyFtrlV2", "ResourceApplyGradientDescent",
    "ResourceApplyKerasMomentum", "ResourceApplyMomentum", "ResourceApplyPowerSign",
    "ResourceApplyProximalAdagrad", "ResourceApplyProximalGradientDescent", "ResourceApplyRMSProp",
    "ResourceSparseApplyAdadelta", "ResourceSparseApplyAdagrad", "ResourceSparseApplyAdagradDA",
    "ResourceSparseApplyAdagradV2", "ResourceSparseApplyCenteredRMSProp", "ResourceSparseApplyFtrl",
    "ResourceSparseApplyFtrlV2", "ResourceSparseApplyKerasMomentum", "ResourceSparseApplyMomentum",
    "ResourceSparseApplyProximalAdagrad", "ResourceSparseApplyProximalGradientDescent",
    "ResourceSparseApplyRMSProp", "SparseApplyAdadelta", "SparseApplyAdagrad",
    "SparseApplyAdagradDA", "SparseApplyAdagradV2", "SparseApplyCenteredRMSProp", "SparseApplyFtrl",
    "SparseApplyFtrlV2", "SparseApplyMomentum", "SparseApplyProximalAdagrad",
    "SparseApplyProximalGradientDescent", "SparseApplyRMSProp",
})

# Kernels that only exist to compute gradients.
GRADIENT_OPS = frozenset({
    "AvgPool3DGrad", "AvgPoolGrad", "BatchCholeskyGrad", "BatchNormWithGlobalNormalizationGrad",
    "BiasAddGrad", "BlockLSTMGrad", "BroadcastGradientArgs", "CholeskyGrad", "Conv2DBackpropFilter",
    "Conv2DBackpropFilterV2",
    "Conv3DBackpropFilter", "Conv3DBackpropFilterV2",
    "CopyToMeshGrad", "CudnnRNNBackprop", "CudnnRNNBackpropV2",
    "CudnnRNNBackpropV3", "DepthwiseConv2dNativeBackpropFilter",
    "Dilation2DBackpropFilter", "Dilation2DBackpropInput",
    "EluGrad", "FractionalAvgPoolGrad", "FractionalMaxPoolGrad", "FusedBatchNormGrad",
    "GRUBlockCellGrad", "InvGrad", "LRNGrad", "LSTMBlockCellGrad", "LeakyReluGrad", "MaxPool3DGrad",
    "MaxPool3DGradGrad", "MaxPoolGrad", "MaxPoolGradGrad", "MirrorPadGrad",
    "QuantizeAndDequantizeV4Grad", "RaggedFillEmptyRowsGrad", "RandomGammaGrad", "ReciprocalGrad",
    "Relu6Grad", "ReluGrad", "ResizeBicubicGrad", "ResizeBilinearGrad", "ResizeNearestNeighborGrad",
    "RsqrtGrad", "ScaleAndTranslateGrad", "SeluGrad", "SigmoidGrad", "SoftplusGrad", "SoftsignGrad",
    "SparseAddGrad", "SparseFillEmptyRowsGrad", "SparseMatrixSoftmaxGrad", "SparseSegmentMeanGrad",
    "SparseSegmentSqrtNGrad", "SparseSegmentSumGrad", "SparseSliceGrad", "SqrtGrad",
    "StridedSliceGrad", "SymbolicGradient", "TanhGrad", "TensorArrayGradV3",
    "TensorArrayGradWithShape", "TileGrad", "UnbatchGrad",
})

# tf.data datasets and iterators.
DATASET_OPS = frozenset({
    "AnonymousIterator", "AnonymousIteratorV2", "AnonymousIteratorV3",
    "AnonymousMultiDeviceIterator", "AnonymousMultiDeviceIteratorV3", "AssertCardinalityDataset",
    "AssertNextDataset", "AssertPrevDataset", "AutoShardDataset", "BatchDataset", "BatchDatasetV2",
    "BytesProducedStatsDataset", "CSVDataset", "CSVDatasetV2", "CacheDataset", "CacheDatasetV2",
    "ChooseFastestBranchDataset", "ChooseFastestDataset", "ConcatenateDataset",
    "DataServiceDataset", "DataServiceDatasetV2", "DataServiceDatasetV3", "DataServiceDatasetV4",
    "DeleteIterator", "DeleteMultiDeviceIterator", "DenseToSparseBatchDataset",
    "DeserializeIterator", "DirectedInterleaveDataset", "ExperimentalAssertNextDataset",
    "ExperimentalAutoShardDataset", "ExperimentalBytesProducedStatsDataset",
    "ExperimentalCSVDataset", "ExperimentalChooseFastestDataset",
    "ExperimentalDenseToSparseBatchDataset", "ExperimentalDirectedInterleaveDataset",
    "ExperimentalGroupByReducerDataset", "ExperimentalGroupByWindowDataset",
    "ExperimentalIgnoreErrorsDataset", "ExperimentalIteratorGetDevice", "ExperimentalLMDBDataset",
    "ExperimentalLatencyStatsDataset", "ExperimentalMapAndBatchDataset", "ExperimentalMapDataset",
    "ExperimentalMatchingFilesDataset", "ExperimentalMaxIntraOpParallelismDataset",
    "ExperimentalNonSerializableDataset", "ExperimentalParallelInterleaveDataset",
    "ExperimentalParseExampleDataset", "ExperimentalPrivateThreadPoolDataset",
    "ExperimentalRandomDataset", "ExperimentalRebatchDataset", "ExperimentalScanDataset",
    "ExperimentalSetStatsAggregatorDataset", "ExperimentalSleepDataset",
    "ExperimentalSlidingWindowDataset", "ExperimentalSqlDataset", "ExperimentalTakeWhileDataset",
    "ExperimentalThreadPoolDataset", "ExperimentalUnbatchDataset", "ExperimentalUniqueDataset",
    "FilterByLastComponentDataset", "FilterDataset", "FinalizeDataset", "FixedLengthRecordDataset",
    "FixedLengthRecordDatasetV2", "FlatMapDataset", "GeneratorDataset", "GlobalShuffleDataset",
    "GroupByReducerDataset", "GroupByWindowDataset", "IgnoreErrorsDataset", "IndexFlatMapDataset",
    "InitializeTableFromDataset", "InterleaveDataset", "Iterator", "IteratorFromStringHandle",
    "IteratorFromStringHandleV2", "IteratorGetDevice", "IteratorGetModelProto", "IteratorGetNext",
    "IteratorGetNextAsOptional", "IteratorGetNextSync", "IteratorToStringHandle", "IteratorV2",
    "LMDBDataset", "LatencyStatsDataset", "LegacyParallelInterleaveDatasetV2", "ListDataset",
    "ListSnapshotChunksDataset", "LoadDataset", "MakeIterator", "MapAndBatchDataset", "MapDataset",
    "MatchingFilesDataset", "MaxIntraOpParallelismDataset", "ModelDataset", "MultiDeviceIterator",
    "MultiDeviceIteratorFromStringHandle", "MultiDeviceIteratorGetNextFromShard",
    "MultiDeviceIteratorInit", "MultiDeviceIteratorToStringHandle", "NonSerializableDataset",
    "OneShotIterator", "OptimizeDataset", "OptimizeDatasetV2", "OptionsDataset",
    "PaddedBatchDataset", "PaddedBatchDatasetV2", "ParallelBatchDataset", "ParallelFilterDataset",
    "ParallelInterleaveDataset", "ParallelInterleaveDatasetV2", "ParallelInterleaveDatasetV3",
    "ParallelInterleaveDatasetV4", "ParallelMapDataset", "ParallelMapDatasetV2",
    "ParseExampleDataset", "ParseExampleDatasetV2", "PrefetchDataset", "PrivateThreadPoolDataset",
    "RandomDataset", "RandomDatasetV2", "RangeDataset", "RebatchDataset", "RebatchDatasetV2",
    "ReduceDataset", "RegisterDataset", "RegisterDatasetV2", "RepeatDataset", "RewriteDataset",
    "SamplingDataset", "SaveDataset", "SaveDatasetV2", "ScanDataset", "SerializeIterator",
    "SetStatsAggregatorDataset", "ShardDataset", "ShuffleAndRepeatDataset",
    "ShuffleAndRepeatDatasetV2", "ShuffleDataset", "ShuffleDatasetV2", "ShuffleDatasetV3",
    "SkipDataset", "SleepDataset", "SlidingWindowDataset", "SnapshotChunkDataset",
    "SnapshotDataset", "SnapshotDatasetV2", "SparseTensorSliceDataset", "SqlDataset",
    "TFRecordDataset", "TFRecordDatasetV2", "TakeDataset", "TakeWhileDataset", "TensorDataset",
    "TensorSliceDataset", "TextLineDataset", "ThreadPoolDataset", "UnbatchDataset", "UniqueDataset",
    "WeightedFlatMapDataset", "WindowDataset", "ZipDataset",
})

# TF1 queues (tf.train.batch, input producers).
QUEUE_OPS = frozenset({
    "FIFOQueue", "FIFOQueueV2", "FakeQueue", "PaddingFIFOQueue", "PaddingFIFOQueueV2",
    "PriorityQueue", "PriorityQueueV2", "QueueClose", "QueueCloseV2", "QueueDequeue",
    "QueueDequeueMany", "QueueDequeueManyV2", "QueueDequeueUpTo", "QueueDequeueUpToV2",
    "QueueDequeueV2", "QueueEnqueue", "QueueEnqueueMany", "QueueEnqueueManyV2", "QueueEnqueueV2",
    "QueueIsClosed", "QueueIsClosedV2", "QueueSize", "QueueSizeV2", "RandomShuffleQueue",
    "RandomShuffleQueueV2",
})

# TF1 file readers.
READER_OPS = frozenset({
    "FixedLengthRecordReader", "FixedLengthRecordReaderV2", "IdentityReader", "IdentityReaderV2",
    "LMDBReader", "ReaderNumRecordsProduced", "ReaderNumRecordsProducedV2",
    "ReaderNumWorkUnitsCompleted", "ReaderNumWorkUnitsCompletedV2", "ReaderRead", "ReaderReadUpTo",
    "ReaderReadUpToV2", "ReaderReadV2", "ReaderReset", "ReaderResetV2", "ReaderRestoreState",
    "ReaderRestoreStateV2", "ReaderSerializeState", "ReaderSerializeStateV2",
    "SnapshotDatasetReader", "SnapshotNestedDatasetReader", "TFRecordReader", "TFRecordReaderV2",
    "TextLineReader", "TextLineReaderV2", "WholeFileReader", "WholeFileReaderV2",
})


# Tensors and where they come from.
PLAIN_PLACEHOLDER_OPS = frozenset({"Placeholder", "PlaceholderV2"})
PLACEHOLDER_OPS = PLAIN_PLACEHOLDER_OPS | frozenset({"PlaceholderWithDefault"})
CONST_OPS = frozenset({"Const", "HostConst", "ImmutableConst"})
VARIABLE_OPS = frozenset({"Variable", "VariableV2", "VarHandleOp", "TemporaryVariable", "AutoReloadVariable"})
# What a variable's value is read through (a ref variable's Identity, a resource's ReadVariableOp).
VARIABLE_READ_OPS = frozenset({"Identity", "ReadVariableOp", "Snapshot"})
IDENTITY_OPS = frozenset({"Identity", "IdentityN"})
# Ops that hand on their input's value unchanged (small constants are read through them).
VALUE_IDENTITY_OPS = frozenset({"Identity", "Snapshot"})
ASSIGN_OPS = frozenset({
    "Assign", "AssignAdd", "AssignSub", "AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp",
    "ScatterAdd", "ScatterDiv", "ScatterMax", "ScatterMin", "ScatterMul", "ScatterSub", "ScatterUpdate",
    "ScatterNdAdd", "ScatterNdSub", "ScatterNdUpdate", "ScatterNdMax", "ScatterNdMin",
    "ResourceScatterAdd", "ResourceScatterDiv", "ResourceScatterMax", "ResourceScatterMin",
    "ResourceScatterMul", "ResourceScatterSub", "ResourceScatterUpdate", "ResourceScatterNdAdd",
    "ResourceScatterNdSub", "ResourceScatterNdUpdate", "ResourceScatterNdMax", "ResourceScatterNdMin",
    "IsVariableInitialized", "VarIsInitializedOp", "DestroyTemporaryVariable", "CountUpTo",
    "ResourceCountUpTo",
})
# Plain writes of a variable (initializers, and fused batch norm's running averages).
ASSIGN_VALUE_OPS = frozenset({"Assign", "AssignVariableOp"})
# What a training graph moves its moving averages with: ``AssignSub(avg, (avg - x) * decay)``, or a plain
# write.
MOVING_AVERAGE_UPDATE_OPS = ASSIGN_VALUE_OPS | frozenset({"AssignSub", "AssignSubVariableOp"})
MOVING_AVERAGE_MATH_OPS = frozenset({"Mul", "Sub", "Identity", "Cast", "AddV2", "Add", "RealDiv", "Div",
                                     "Neg"})
SAVE_OPS = frozenset({"Save", "SaveV2", "SaveSlices"})
SAVE_RESTORE_OPS = SAVE_OPS | frozenset({
    "Restore", "RestoreV2", "RestoreSlice", "MergeV2Checkpoints", "ShardedFilename", "ShardedFilespec",
})
SUMMARY_OPS = frozenset({
    "ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummary", "AudioSummaryV2",
    "TensorSummary", "TensorSummaryV2", "MergeSummary", "WriteSummary", "WriteScalarSummary",
    "WriteHistogramSummary", "WriteImageSummary", "WriteAudioSummary", "WriteGraphSummary",
    "WriteRawProtoSummary", "CreateSummaryFileWriter", "CreateSummaryDbWriter", "FlushSummaryWriter",
    "CloseSummaryWriter", "SummaryWriter", "ImportEvent",
})
PRINT_OPS = frozenset({"Print", "PrintV2"})
CHECK_NUMERICS_OPS = frozenset({"CheckNumerics", "CheckNumericsV2"})
DEBUG_OPS = PRINT_OPS | CHECK_NUMERICS_OPS | frozenset({"Assert"})
# Identity at inference: tf2onnx cannot convert Print, so it is bypassed before conversion.
IDENTITY_AT_INFERENCE_OPS = frozenset({"Print", "CheckNumerics", "CheckNumericsV2", "StopGradient",
                                       "PreventGradient", "Snapshot", "DebugIdentity"})
# The debug ops the converter turns into Identity (the others tf2onnx converts itself).
BYPASSED_DEBUG_OPS = frozenset({"Print"}) | CHECK_NUMERICS_OPS
NO_DATA_OPS = frozenset({"NoOp", "ControlTrigger"})
# Ops tf2onnx 1.17 lacks that ONNX expresses exactly: convert rewrites them into ops tf2onnx converts
# (tfscout/converter/surgery/polyfills.py holds the rewrites; a test keeps the two equal).
POLYFILLED_OPS = frozenset({
    "Log1p", "Expm1", "Erfc", "Xlogy", "Xlog1py", "Xdivy", "MulNoNan", "Inv", "ApproximateEqual", "Bucketize",
    "L2Loss", "EuclideanNorm", "Reverse", "Snapshot", "PreventGradient", "AccumulateNV2",
})
# ... only for integer types: a float remainder of a huge quotient is not exact in ONNX's ops.
INTEGER_POLYFILLED_OPS = frozenset({"Mod", "TruncateMod"})
# Layers whose output is a map over space (rank 4 or more): convolutions.
SPATIAL_LAYER_OPS = frozenset({"Conv2D", "_FusedConv2D", "Conv3D", "DepthwiseConv2dNative", "Conv2DBackpropInput",
                               "Conv3DBackpropInputV2", "Dilation2D"})
# Ops that run a GraphDef serialized in a string tensor: op -> the input that holds it.
GRAPH_RUNNING_OPS: dict[str, int] = {"DatasetFromGraph": 0}
# Ops that run host Python: no ONNX equivalent can exist.
PY_FUNC_OPS = frozenset({"PyFunc", "PyFuncStateless", "EagerPyFunc"})
TABLE_INIT_OPS = frozenset({"InitializeTable", "InitializeTableV2", "InitializeTableFromTextFile",
                            "InitializeTableFromTextFileV2", "InitializeTableFromDataset"})
QUEUE_ENQUEUE_OPS = frozenset({"QueueEnqueue", "QueueEnqueueV2", "QueueEnqueueMany", "QueueEnqueueManyV2",
                               "QueueClose", "QueueCloseV2", "QueueSize", "QueueSizeV2",
                               "QueueIsClosed", "QueueIsClosedV2"})
QUEUE_DEQUEUE_MANY_OPS = frozenset({"QueueDequeueMany", "QueueDequeueManyV2"})
QUEUE_DEQUEUE_UP_TO_OPS = frozenset({"QueueDequeueUpTo", "QueueDequeueUpToV2"})
QUEUE_DEQUEUE_OPS = (frozenset({"QueueDequeue", "QueueDequeueV2"}) | QUEUE_DEQUEUE_MANY_OPS
                     | QUEUE_DEQUEUE_UP_TO_OPS)
ITERATOR_NEXT_OPS = frozenset({"IteratorGetNext", "IteratorGetNextSync",
                               "MultiDeviceIteratorGetNextFromShard"})
# Decoding raw bytes into tensors: the start of an input pipeline.
DECODE_OPS = frozenset({
    "DecodeJpeg", "DecodeAndCropJpeg", "DecodePng", "DecodeBmp", "DecodeGif", "DecodeImage", "DecodeWebP",
    "DecodeWav", "DecodeRaw", "DecodePaddedRaw", "DecodeCSV", "DecodeBase64", "DecodeCompressed",
    "DecodeJSONExample", "DecodeProtoV2", "ParseExample", "ParseExampleV2", "ParseSingleExample",
    "ParseSequenceExample", "ParseSequenceExampleV2", "ParseSingleSequenceExample", "ParseTensor",
    "ReadFile", "ReaderRead", "ReaderReadV2", "ReaderReadUpTo", "ReaderReadUpToV2",
})
# Parsing serialized tf.Examples (Estimator and TFX serving inputs): cut at their outputs.
PARSE_EXAMPLE_OPS = frozenset({"ParseExample", "ParseExampleV2", "ParseSingleExample"})
# The image decoders whose output is [height, width, channels].
IMAGE_DECODE_OPS = frozenset({"DecodeJpeg", "DecodeAndCropJpeg", "DecodePng", "DecodeBmp", "DecodeImage",
                              "DecodeWebP"})
# Signal processing that usually sits right after decoding and that ONNX has no operator for.
FEATURE_EXTRACTION_OPS = frozenset({"AudioSpectrogram", "Mfcc", "AudioMicrofrontend"})
PIPELINE_OPS = DECODE_OPS | FEATURE_EXTRACTION_OPS | QUEUE_DEQUEUE_OPS | ITERATOR_NEXT_OPS
# TF1 control flow.
SWITCH_OPS = frozenset({"Switch", "RefSwitch"})
MERGE_OPS = frozenset({"Merge", "RefMerge"})
ENTER_OPS = frozenset({"Enter", "RefEnter"})
EXIT_OPS = frozenset({"Exit", "RefExit"})
NEXT_ITERATION_OPS = frozenset({"NextIteration", "RefNextIteration"})
WHILE_LOOP_OPS = ENTER_OPS | EXIT_OPS | NEXT_ITERATION_OPS | frozenset({"LoopCond"})
CONTROL_FLOW_OPS = SWITCH_OPS | MERGE_OPS | WHILE_LOOP_OPS
IF_OPS = frozenset({"If", "StatelessIf"})
SELECT_OPS = frozenset({"Select", "SelectV2"})
RANDOM_OPS = frozenset({"RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal",
                        "RandomShuffle", "Multinomial", "RandomGamma", "RandomPoisson", "RandomPoissonV2"})
BATCH_NORM_OPS = frozenset({"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"})
LOSS_OPS = frozenset({"SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits"})
# A scalar of one of these looks like a summary statistic, not a model output.
REDUCTION_OPS = frozenset({"Mean", "Sum", "Max", "Min", "Prod", "L2Loss"})
# Ops that answer with facts about a tensor, not with its values.
SHAPE_OPS = frozenset({"Shape", "ShapeN", "Size", "Rank", "VariableShape", "TensorArraySizeV3"})
# Arithmetic.
ADD_OPS = frozenset({"Add", "AddV2"})
DIV_OPS = frozenset({"RealDiv", "Div", "TrueDiv"})
COMPARISON_OPS = frozenset({"Greater", "GreaterEqual", "Less", "LessEqual"})
GATHER_OPS = frozenset({"GatherV2", "Gather", "ResourceGather", "GatherNd"})
MATMUL_OPS = frozenset({"MatMul", "_FusedMatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3"})
# Ops whose output is best for a person: the classic last layers of a model.
HEAD_OPS = frozenset({"Softmax", "Sigmoid", "ArgMax", "ArgMin", "TopKV2", "TopK", "LogSoftmax",
                      "NonMaxSuppression", "NonMaxSuppressionV2", "NonMaxSuppressionV3",
                      "NonMaxSuppressionV4", "NonMaxSuppressionV5", "CombinedNonMaxSuppression"})
PASS_THROUGH_OPS = frozenset({"Identity", "IdentityN", "StopGradient", "Snapshot", "PreventGradient",
                              "CheckNumerics", "CheckNumericsV2", "Print", "Squeeze", "Reshape",
                              "ExpandDims", "Cast"})
# Machinery of training, saving, summaries and initialisation: never an input or an output.
MACHINERY_OPS = (OPTIMIZER_OPS | GRADIENT_OPS | ASSIGN_OPS | SAVE_RESTORE_OPS | SUMMARY_OPS | NO_DATA_OPS
                 | TABLE_INIT_OPS | QUEUE_ENQUEUE_OPS | frozenset({"Assert", "MakeIterator"}))
# Never a model output: sources, machinery, pipelines and facts about shapes.
NOT_OUTPUT_OPS = (PLACEHOLDER_OPS | CONST_OPS | VARIABLE_OPS | NO_DATA_OPS | MACHINERY_OPS | QUEUE_OPS
                  | DATASET_OPS | READER_OPS | SHAPE_OPS | frozenset({"ReadVariableOp"}))
# Control dependencies on these only order side effects (checks, updates, logging, saving): at inference
# they are dropped.
SIDE_EFFECT_OPS = (ASSIGN_OPS | SUMMARY_OPS | SAVE_RESTORE_OPS | QUEUE_ENQUEUE_OPS | NO_DATA_OPS | PRINT_OPS
                   | frozenset({"Assert"}))

# ---------------------------------------------------------------------------------------------
# Patterns the analysis and the repairs follow

# Ops a weight passes through before it enters computation (reads, casts, a while loop's Enter, a
# cond's Switch).
WEIGHT_READ_OPS = frozenset({"Identity", "ReadVariableOp", "Cast"}) | ENTER_OPS | SWITCH_OPS
# Unparameterized arithmetic a loss or a metric is made of: such a node whose every reader belongs to the loss
# region belongs to it too (an ArgMax compared with the labels, the loss's own shape arithmetic). Activations
# (Softmax, Sigmoid ...) are not among them: a prediction the loss reads stays the model's.
LOSS_MATH_OPS = frozenset({
    "Sub", "Add", "AddV2", "AddN", "Mul", "RealDiv", "Div", "DivNoNan", "Square", "SquaredDifference",
    "Pow", "Abs", "Neg", "Log", "Exp", "Maximum", "Minimum", "Mean", "Sum", "Max", "Min", "Prod", "L2Loss",
    "Equal", "NotEqual", "Cast", "Reshape", "Squeeze", "Identity", "ExpandDims", "Sqrt", "Rsqrt", "Softplus",
    "SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits", "SigmoidCrossEntropyWithLogits",
    "OneHot", "StopGradient", "PreventGradient", "Relu", "Select", "SelectV2", "Greater", "GreaterEqual",
    "Less", "LessEqual", "LogicalAnd", "LogicalOr", "LogicalNot", "ZerosLike", "OnesLike", "Log1p", "Tile",
    "Fill", "Shape", "ShapeN", "Size", "Rank", "Range", "Pack", "Unpack", "ArgMax", "ArgMin", "StridedSlice",
    "Slice", "ConcatV2", "Transpose", "Floor", "Round", "Sign", "ClipByValue", "InTopK", "InTopKV2",
    "BroadcastTo", "BroadcastArgs", "Where", "GatherV2", "GatherNd", "Reciprocal", "FloorDiv", "FloorMod",
    "TruncateDiv", "All", "Any", "Snapshot", "IsFinite", "Merge", "Switch",
})
# Activations: a tensor of the same shape that is another view of the values it is computed from (probabilities
# of logits). An output and its activation view are one head.
ACTIVATION_VIEW_OPS = frozenset({"Softmax", "Sigmoid", "LogSoftmax", "Tanh"})
# class ids taken from scores: the same head as the scores when those are an output too
CLASS_ID_OPS = frozenset({"ArgMax", "ArgMin"})
# Ops whose gradient tf.gradients builds without an op of its own (it hands the gradient on as it is).
NO_GRADIENT_OPS = frozenset({"AddN", "Identity"})
# Ops that rearrange values without computing new ones (what a loop's results are stacked and joined with).
REARRANGE_OPS = frozenset({"Transpose", "StridedSlice", "Slice", "ConcatV2", "Pack", "Unpack", "Split", "SplitV",
                           "GatherV2", "Tile", "ReverseV2", "ReverseSequence"})
JOIN_OPS = frozenset({"ConcatV2", "Concat", "Pack"})
# Scaling by a setting (logits / temperature): with a scalar on one side, a view of the other.
SCALING_OPS = frozenset({"Mul", "RealDiv", "Div", "TrueDiv"})
# Ops through which a head keeps its values (renamed, reshaped, cast): the grouping of views walks through them.
VIEW_OPS = PASS_THROUGH_OPS | ACTIVATION_VIEW_OPS
# The trained parameters of a layer: the input slots of these ops that take weights. A constant or a
# variable read in one of these slots is a parameter whatever its value (a frozen graph's weights are
# Consts, possibly elided; a training graph's are variables).
PARAMETER_SLOTS: dict[str, tuple[int, ...]] = {
    "MatMul": (0, 1), "BatchMatMul": (0, 1), "BatchMatMulV2": (0, 1), "BatchMatMulV3": (0, 1),
    "_FusedMatMul": (1, 2), "Conv2D": (1,), "Conv3D": (1,), "Conv1D": (1,), "DepthwiseConv2dNative": (1,),
    "_FusedConv2D": (1, 2), "Conv2DBackpropInput": (1,), "Conv3DBackpropInputV2": (1,), "BiasAdd": (1,),
    "BiasAddV1": (1,), "FusedBatchNorm": (1, 2, 3, 4), "FusedBatchNormV2": (1, 2, 3, 4),
    "FusedBatchNormV3": (1, 2, 3, 4), "GatherV2": (0,), "Gather": (0,), "ResourceGather": (0,),
    "Einsum": (0, 1), "LSTMBlockCell": (3, 4, 5, 6, 7), "BlockLSTM": (4, 5, 6, 7, 8), "BlockLSTMV2": (4, 5, 6, 7, 8),
    "GRUBlockCell": (2, 3, 4, 5), "CudnnRNN": (3,), "CudnnRNNV2": (3,), "CudnnRNNV3": (3,),
    "SparseTensorDenseMatMul": (3,), "Dilation2D": (1,), "Conv2DTranspose": (1,),
}
# Layers: the ops that apply a weight matrix or a filter (how deep a branch is, counted in layers).
LAYER_OPS = frozenset({
    "MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "_FusedMatMul", "Conv2D", "Conv3D", "Conv1D",
    "DepthwiseConv2dNative", "_FusedConv2D", "Conv2DBackpropInput", "Conv3DBackpropInputV2", "Einsum",
    "LSTMBlockCell", "BlockLSTM", "BlockLSTMV2", "GRUBlockCell", "CudnnRNN", "CudnnRNNV2", "CudnnRNNV3",
    "SparseTensorDenseMatMul", "Dilation2D",
})
# Ops whose output shape depends on the values of their inputs (the number of boxes NMS keeps): the size of
# such a tensor is a value computed from the data, not shape arithmetic.
DYNAMIC_SHAPE_OPS = frozenset({
    "NonMaxSuppression", "NonMaxSuppressionV2", "NonMaxSuppressionV3", "NonMaxSuppressionV4",
    "NonMaxSuppressionV5", "NonMaxSuppressionWithOverlaps", "CombinedNonMaxSuppression", "Where", "Unique",
    "UniqueV2", "UniqueWithCounts", "UniqueWithCountsV2", "DynamicPartition", "ListDiff", "SetDiff1d",
    "SparseToDense", "DenseToDenseSetOperation",
})
# Reductions that may take the batch dimension away (a statistic of a batch, a loss).
STATISTIC_OPS = frozenset({"Mean", "Sum", "Max", "Min", "Prod", "All", "Any", "L2Loss", "EuclideanNorm"})
# TensorArrays: their scalar flow output orders the reads after the writes and stands for the values written.
TENSOR_ARRAY_OPS = frozenset({
    "TensorArray", "TensorArrayV2", "TensorArrayV3", "TensorArrayWrite", "TensorArrayWriteV2",
    "TensorArrayWriteV3", "TensorArrayScatter", "TensorArrayScatterV2", "TensorArrayScatterV3",
    "TensorArraySplit", "TensorArraySplitV2", "TensorArraySplitV3", "TensorArrayRead", "TensorArrayReadV2",
    "TensorArrayReadV3", "TensorArrayGather", "TensorArrayGatherV2", "TensorArrayGatherV3",
    "TensorArrayConcat", "TensorArrayConcatV2", "TensorArrayConcatV3", "TensorArrayPack", "TensorArrayUnpack",
})
# How a TensorArray is read once its loop is done (its flow input comes from the loop's Exit).
TENSOR_ARRAY_READ_OPS = frozenset({"TensorArrayGatherV3", "TensorArrayReadV3", "TensorArrayConcatV3",
                                   "TensorArraySizeV3", "TensorArrayGatherV2", "TensorArrayReadV2"})
# Ops a boolean mode flag passes through on its way to a Switch predicate or a Select condition.
FLAG_LOGIC_OPS = frozenset({"Identity", "LogicalNot", "LogicalAnd", "LogicalOr", "Equal", "NotEqual", "Cast",
                            "Switch", "RefSwitch", "Squeeze", "Reshape", "PlaceholderWithDefault", "Enter"})
# Ops a dropout rate or keep probability passes through on its way to the RandomUniform it meets.
DROPOUT_RATE_OPS = frozenset({"Identity", "Cast", "Reshape", "Squeeze", "RealDiv", "Div", "Enter", "Sub",
                              "PlaceholderWithDefault"})
# What a dropout mask is made of: the random draw, arithmetic on constants (the rate, which may come from a
# tf.cond or Select on a mode switch now constant) and, inside a while loop, Enter.
DROPOUT_MASK_OPS = frozenset({
    "RandomUniform", "Mul", "Add", "AddV2", "Sub", "Floor", "GreaterEqual", "Greater", "Less", "LessEqual", "Cast",
    "Identity", "RealDiv", "Div", "Const", "Reshape", "Pack", "Enter", "Select", "SelectV2", "LogicalNot",
})
# The scaling of the kept units: ``x / keep`` or ``x * scale``.
DROPOUT_SCALE_OPS = DIV_OPS | frozenset({"Mul"})
# Ops through which an integer input keeps indexing the same table (for seeded feeds of ids).
INDEX_PASS_OPS = frozenset({
    "Identity", "Reshape", "Cast", "ExpandDims", "Squeeze", "Transpose", "StridedSlice", "Unpack", "Pack",
    "ConcatV2", "Slice", "Split", "SplitV", "Snapshot", "Tile",
})
# Drawn grey in pictures: constants, variables and their reads.
CONSTANT_LIKE_OPS = CONST_OPS | VARIABLE_OPS | VARIABLE_READ_OPS

# ---------------------------------------------------------------------------------------------
# Static shapes (graph/tensors.py)

# The output has the shape of the first input.
SAME_SHAPE_OPS = frozenset({
    "Identity", "Relu", "Relu6", "Elu", "Selu", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softplus",
    "Softsign", "Cast", "Neg", "Exp", "Log", "Sqrt", "Rsqrt", "Square", "Abs", "StopGradient", "Snapshot",
    "CheckNumerics", "CheckNumericsV2", "Print", "LeakyRelu", "Floor", "Ceil", "Round", "Sign",
    "Reciprocal", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "BiasAdd", "LRN",
    "PreventGradient", "Erf", "ZerosLike", "OnesLike", "L2Normalize", "ClipByValue", "Log1p",
    "PlaceholderWithDefault", "Dequantize", "QuantizeAndDequantizeV2", "QuantizeAndDequantizeV3",
    "Enter", "Exit", "Switch", "Merge", "NextIteration", "LogicalNot", "IsNan",
})
# Elementwise with numpy broadcasting.
BROADCAST_OPS = frozenset({
    "Add", "AddV2", "Sub", "Mul", "RealDiv", "Div", "DivNoNan", "Maximum", "Minimum", "Pow",
    "SquaredDifference", "FloorDiv", "FloorMod", "Greater", "GreaterEqual", "Less", "LessEqual",
    "Equal", "NotEqual", "LogicalAnd", "LogicalOr", "TruncateDiv",
})
# Reductions over the axes of their second input (with keep_dims).
AXIS_REDUCTION_OPS = frozenset({"Mean", "Sum", "Max", "Min", "Prod", "All", "Any"})
ARG_REDUCTION_OPS = frozenset({"ArgMax", "ArgMin"})
POOL_OPS = frozenset({"MaxPool", "AvgPool"})
WINDOW_OPS = POOL_OPS | frozenset({"Conv2D", "DepthwiseConv2dNative"})
# Rearranging the dimensions of the first input.
DIMENSION_OPS = frozenset({"Squeeze", "ExpandDims", "Reshape", "Transpose"})
# The shape is computed from the first input's shape ...
FROM_FIRST_INPUT_SHAPE_OPS = (SAME_SHAPE_OPS | AXIS_REDUCTION_OPS | ARG_REDUCTION_OPS | WINDOW_OPS
                              | DIMENSION_OPS | frozenset({"AudioSpectrogram", "Mfcc"}))
# ... or from the shapes of the first inputs (up to three).
FROM_INPUTS_SHAPE_OPS = BROADCAST_OPS | SELECT_OPS | frozenset({"MatMul"})
# Ops that pick positions in a map (ArgMax, TopK), and those that split a flat position into row and column.
INDEX_OPS = frozenset({"ArgMax", "ArgMin", "TopKV2", "TopK"})
UNRAVEL_OPS = frozenset({"FloorMod", "FloorDiv", "Mod", "TruncateMod", "TruncateDiv", "UnravelIndex"})
# TensorFlow's string hashes (Fingerprint64, its legacy hash, SipHash): no faithful ONNX form.
STRING_HASH_OPS = frozenset({"StringToHashBucketFast", "StringToHashBucket", "StringToHashBucketStrong"})
