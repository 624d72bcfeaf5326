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


PLACEHOLDER_OPS = frozenset({"Placeholder", "PlaceholderV2", "PlaceholderWithDefault"})
CONST_OPS = frozenset({"Const", "HostConst", "ImmutableConst"})
VARIABLE_OPS = frozenset({"Variable", "VariableV2", "VarHandleOp", "TemporaryVariable", "AutoReloadVariable"})
VARIABLE_READ_OPS = frozenset({"ReadVariableOp", "Identity"})
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
SAVE_RESTORE_OPS = frozenset({
    "Save", "SaveV2", "SaveSlices", "Restore", "RestoreV2", "RestoreSlice", "MergeV2Checkpoints",
    "ShardedFilename", "ShardedFilespec",
})
SUMMARY_OPS = frozenset({
    "ScalarSummary", "HistogramSummary", "ImageSummary", "AudioSummary", "AudioSummaryV2",
    "TensorSummary", "TensorSummaryV2", "MergeSummary", "WriteSummary", "WriteScalarSummary",
    "WriteHistogramSummary", "WriteImageSummary", "WriteAudioSummary", "WriteGraphSummary",
    "WriteRawProtoSummary", "CreateSummaryFileWriter", "CreateSummaryDbWriter", "FlushSummaryWriter",
    "CloseSummaryWriter", "SummaryWriter", "ImportEvent",
})
DEBUG_OPS = frozenset({"Assert", "Print", "PrintV2", "CheckNumerics", "CheckNumericsV2"})
# Identity at inference: tf2onnx cannot convert Print, so it is bypassed before conversion.
IDENTITY_AT_INFERENCE_OPS = frozenset({"Print", "CheckNumerics", "CheckNumericsV2", "StopGradient",
                                       "PreventGradient", "Snapshot", "DebugIdentity"})
NO_DATA_OPS = frozenset({"NoOp", "ControlTrigger"})
TABLE_INIT_OPS = frozenset({"InitializeTable", "InitializeTableV2", "InitializeTableFromTextFile",
                            "InitializeTableFromTextFileV2", "InitializeTableFromDataset"})
QUEUE_ENQUEUE_OPS = frozenset({"QueueEnqueue", "QueueEnqueueV2", "QueueEnqueueMany", "QueueEnqueueManyV2",
                               "QueueClose", "QueueCloseV2", "QueueSize", "QueueSizeV2",
                               "QueueIsClosed", "QueueIsClosedV2"})
QUEUE_DEQUEUE_OPS = frozenset({"QueueDequeue", "QueueDequeueV2", "QueueDequeueMany", "QueueDequeueManyV2",
                               "QueueDequeueUpTo", "QueueDequeueUpToV2"})
ITERATOR_NEXT_OPS = frozenset({"IteratorGetNext", "IteratorGetNextSync", "MultiDeviceIteratorGetNextFromShard"})
# Decoding raw bytes into tensors: the start of an input pipeline.
DECODE_OPS = frozenset({
    "DecodeJpeg", "DecodeAndCropJpeg", "DecodePng", "DecodeBmp", "DecodeGif", "DecodeImage", "DecodeWebP",
    "DecodeWav", "DecodeRaw", "DecodePaddedRaw", "DecodeCSV", "DecodeBase64", "DecodeCompressed",
    "DecodeJSONExample", "DecodeProtoV2", "ParseExample", "ParseExampleV2", "ParseSingleExample",
    "ParseSequenceExample", "ParseSequenceExampleV2", "ParseSingleSequenceExample", "ParseTensor",
    "ReadFile", "ReaderRead", "ReaderReadV2", "ReaderReadUpTo", "ReaderReadUpToV2",
})
# Signal processing that usually sits right after decoding and that ONNX has no operator for.
FEATURE_EXTRACTION_OPS = frozenset({"AudioSpectrogram", "Mfcc", "AudioMicrofrontend"})
PIPELINE_OPS = DECODE_OPS | FEATURE_EXTRACTION_OPS | QUEUE_DEQUEUE_OPS | ITERATOR_NEXT_OPS
SWITCH_OPS = frozenset({"Switch", "RefSwitch"})
SELECT_OPS = frozenset({"Select", "SelectV2"})
RANDOM_OPS = frozenset({"RandomUniform", "RandomUniformInt", "RandomStandardNormal", "TruncatedNormal",
                        "RandomShuffle", "Multinomial", "RandomGamma", "RandomPoisson", "RandomPoissonV2"})
BATCH_NORM_OPS = frozenset({"FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3"})
LOSS_OPS = frozenset({"SoftmaxCrossEntropyWithLogits", "SparseSoftmaxCrossEntropyWithLogits"})
REDUCTION_OPS = frozenset({"Mean", "Sum", "Max", "Min", "Prod", "L2Loss"})
# Ops that answer with facts about a tensor, not with its values.
SHAPE_OPS = frozenset({"Shape", "ShapeN", "Size", "Rank", "VariableShape", "TensorArraySizeV3"})
# TF1 control flow.
CONTROL_FLOW_OPS = frozenset({"Switch", "RefSwitch", "Merge", "RefMerge", "Enter", "RefEnter", "Exit", "RefExit",
                              "NextIteration", "RefNextIteration", "LoopCond"})
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
