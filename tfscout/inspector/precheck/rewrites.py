"""What tf2onnx 1.17 does to a TensorFlow graph before its op handlers run, as exact op-type facts.

Read from its sources (tf_loader.py, tf_utils.py, tfonnx.py, rewriter/):

- Freezing turns variables into constants (``freeze_session``).
- Grappler runs ``constfold`` and ``function``: nodes whose inputs are all constant and that are
  not stateful become constants (several outputs allowed); function calls are inlined.
- ``compute_const_folding_using_tf`` then runs in TensorFlow every single-output node whose data
  inputs are all constant, except the kinds in :data:`NEVER_FOLD_OPS` (stateful ones included:
  a ``TruncatedNormal`` of a constant shape becomes a constant).
- Rewriters: ``_Fused*`` ops are split into their parts; QuantizeAndDequantize into
  QuantizeLinear/DequantizeLinear; TF1 while loops, TensorArrays and LSTM/GRU cells into Loop/LSTM/
  GRU when their pattern matches, tf.cond (Switch/Merge) into If.
- Everything not reachable from the outputs through data edges is deleted; control edges are
  dropped when the graph is read, so Assert, NoOp and PrintV2 never reach a handler.
"""

from __future__ import annotations

from tfscout.inspector import optypes

# tf_utils.compute_const_folding_using_tf: never folded (plus every op type starting with "Random").
NEVER_FOLD_OPS = frozenset({
    "Enter", "Placeholder", "PlaceholderWithDefault", "Switch", "Merge", "NextIteration", "Exit",
    "QuantizeAndDequantizeV2", "QuantizeAndDequantizeV3", "QuantizeAndDequantizeV4",
    # the TensorFlow op types that start with "Random"
    "RandomCrop", "RandomDataset", "RandomDatasetV2", "RandomGamma", "RandomGammaGrad", "RandomIndexShuffle",
    "RandomPoisson", "RandomPoissonV2", "RandomShuffle", "RandomShuffleQueue", "RandomShuffleQueueV2",
    "RandomStandardNormal", "RandomUniform", "RandomUniformInt",
    # reference-typed twins of the control-flow ops
    "RefEnter", "RefSwitch", "RefMerge", "RefNextIteration", "RefExit", "LoopCond",
})
# Folding them would need files, queues, tables or sessions that a one-node graph does not have.
NEEDS_STATE_OPS = frozenset({
    "ReadFile", "MatchingFiles", "WriteFile", "ImmutableConst", "InitializeTableFromTextFile",
    "InitializeTableFromTextFileV2", "LookupTableFind", "LookupTableFindV2", "LookupTableSize",
    "LookupTableSizeV2", "LookupTableExport", "LookupTableExportV2",
}) | optypes.PY_FUNC_OPS | optypes.QUEUE_OPS | optypes.READER_OPS | optypes.DATASET_OPS
# Frozen into Const by freeze_session (convert_variables_to_constants).
FROZEN_OPS = optypes.VARIABLE_OPS
# Freezing also rewrites the readers of a frozen variable (tensorflow convert_to_constants.py).
FREEZE_RENAMES = {"ResourceGather": "GatherV2", "ResourceGatherNd": "GatherNd", "ReadVariableOp": "Identity"}
# What freezing follows from a variable to its readers (_Intermediate in convert_to_constants.py).
FREEZE_PASS_THROUGH_OPS = frozenset({"Enter", "Exit", "Identity", "NextIteration", "Switch", "_SwitchN"})
CONST_SOURCE_OPS = frozenset({"Const", "ConstV2", "HostConst"})
# Shape facts that grappler's constant folding materialises when the input's static shape is known.
SHAPE_FACT_OPS = frozenset({"Shape", "Size", "Rank", "ShapeN"})

# No handler is ever needed: no data outputs, or an identity that tf2onnx maps directly.
NEUTRAL_OPS = frozenset({"NoOp", "Identity", "IdentityN", "Assert", "CheckNumerics", "StopGradient"})

# rewriter/fused_op_rewriter.py: the op is replaced by its base op followed by attr "fused_ops".
FUSED_OPS = {"_FusedConv2D": "Conv2D", "_FusedMatMul": "MatMul",
             "_FusedDepthwiseConv2dNative": "DepthwiseConv2dNative"}
# rewriter/quantization_ops_rewriter.py: matched by arity; ONNX QuantizeLinear needs opset 10
# (13 with a per-channel axis).
QDQ_ARITY = {"QuantizeAndDequantizeV2": 3, "QuantizeAndDequantizeV3": 4, "QuantizeAndDequantizeV4": 3}
QDQ_OPSET = 10
QDQ_AXIS_OPSET = 13

# TF1 control flow: rewritten into ONNX Loop (while loops) or If (tf.cond) when the pattern matches.
LOOP_OPS = optypes.WHILE_LOOP_OPS
COND_OPS = optypes.SWITCH_OPS | optypes.MERGE_OPS
# TensorArray ops the loop rewriter turns into scan inputs and outputs (loop_rewriter_base.py).
LOOP_TENSOR_ARRAY_OPS = frozenset({
    "TensorArrayV2", "TensorArrayV3", "TensorArrayReadV2", "TensorArrayReadV3", "TensorArrayWriteV2",
    "TensorArrayWriteV3", "TensorArrayScatterV2", "TensorArrayScatterV3", "TensorArrayGatherV2",
    "TensorArrayGatherV3", "TensorArraySizeV2", "TensorArraySizeV3",
})
# RNN cells the LSTM/GRU rewriters consume inside a while loop (rewriter/rnn_utils.py).
RNN_CELL_OPS = frozenset({"GRUBlockCell"})
# Function calls grappler's function optimizer inlines.
CALL_OPS = frozenset({"PartitionedCall", "StatefulPartitionedCall"})


def is_foldable_kind(op: str, outputs: int, stateful: bool) -> bool:
    """Whether a node of this kind becomes a constant when all its data inputs are constant."""
    if op in NEVER_FOLD_OPS or op in NEEDS_STATE_OPS:
        return False
    if outputs == 1:
        return True  # tf2onnx folds any single-output op in TensorFlow, stateful or not
    return outputs > 1 and not stateful  # grappler folds the rest unless stateful


def fused_parts(op: str, fused_ops: list[str]) -> tuple[str, ...]:
    return (FUSED_OPS[op], *fused_ops)
