"""Crafted models, one per class of issue 12: each tries to touch the host when TensorFlow runs it.

    python -m tests.security.hostile OUT_DIR OUTBOX CANARY PORT    # the models that need TensorFlow

Every model takes ``x:0`` (float32 [-1, 2]) and gives ``y:0`` of the same shape; what it does to the
host hangs on the way, aimed at a :class:`Probe` the test owns: it writes a file into ``outbox``,
opens the ``canary`` (a FIFO: the test sees every open) or connects to ``port`` on the loopback.
Raw GraphDefs are built here with tensorboard's protos; the models that need TensorFlow's own
writers (SavedModels, checkpoints) are built by ``tests/security/hostile_tf.py`` in a child process.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tensorboard.compat.proto import graph_pb2

from tests.graphdefs import GraphBuilder
from tests.security import rawgraphs as rg
from tests.security.rawgraphs import DT_FLOAT, DT_INT32, DT_STRING, DT_VARIANT


@dataclass(frozen=True)
class Probe:
    outbox: Path  # a folder the test owns: a file appearing there is a write
    canary: Path  # a FIFO: opening it for reading is seen
    port: int  # a loopback listener: a connection is seen

    def target(self, name: str) -> str:
        return str(self.outbox / name)


@dataclass(frozen=True)
class Hostile:
    """One crafted model: what it does, what the probe sees, and when it runs."""

    name: str
    what: str
    effect: str  # write | read | connect | exit
    op: str  # the op type a refusal must name
    runs: str = "path"  # path: when the chosen subgraph runs | loader: when TensorFlow's own loader loads it
    args: tuple[str, ...] = ()  # the interface, when it must be given
    timeout: float = 120  # each child's time limit: the ones that connect retry until it


HOSTILE = [Hostile(*fields) for fields in (
    ("nested_func_attr", "a function named only in the attrs of another function's NameAttrList writes a file",
     "write", "WriteFile"),
    ("other_port", "--inputs split:1 cuts one port of a Split; its other port still needs the writing call above it",
     "write", "WriteFile", "path", ("--inputs", "split:1", "--outputs", "y")),
    ("initializer_print", "a variable without a checkpoint: its initializer depends on PrintV2 to file://",
     "write", "PrintV2"),
    ("initializer_function", "a variable without a checkpoint: its initializer calls a function that writes a file",
     "write", "WriteFile"),
    ("debug_identity_v3", "DebugIdentityV3 on the data path dumps the tensor to a file:// debug URL", "write",
     "DebugIdentityV3"),
    ("debug_grpc", "DebugIdentityV3 on the data path sends the tensor to a grpc:// debug URL on the loopback",
     "connect", "DebugIdentityV3", "path", (), 30),
    ("dump_tensor", "DumpTensor behind a control dependency of the output writes files", "write", "DumpTensor"),
    ("dataset_from_graph", "DatasetFromGraph runs a GraphDef held in a string constant, which writes a file",
     "write", "DatasetFromGraph"),
    ("skipgram", "Skipgram reads the text file its attribute names", "read", "Skipgram"),
    ("register_dataset", "RegisterDatasetV2 connects to the dispatcher address of its string input", "connect",
     "RegisterDatasetV2", "path", (), 30),
    ("gradient_function", "SymbolicGradient of a harmless function runs its registered gradient, which writes",
     "write", "SymbolicGradient", "path", ("--inputs", "x", "--outputs", "y")),
    ("case_branch", "Case picks a branch function that writes a file", "write", "WriteFile"),
    ("while_body", "a While loop whose body writes a file", "write", "WriteFile"),
    ("function_by_op_name", "a node whose op type is a library function's name, which writes a file", "write",
     "WriteFile"),
    ("print_to_file_in_function", "PrintV2 to file:// inside a called function", "write", "PrintV2"),
    ("vocab_remapping", "GenerateVocabRemapping (not marked stateful) reads the vocabulary files of its inputs",
     "read", "GenerateVocabRemapping"),
    ("unigram_vocab_file", "FixedUnigramCandidateSampler behind a control dependency reads its vocab_file",
     "read", "FixedUnigramCandidateSampler"),
    ("record_input", "RecordInput behind a control dependency reads the files its pattern matches", "read",
     "RecordInput"),
    ("immutable_const", "ImmutableConst memory-maps the file its attribute names", "read", "ImmutableConst"),
    ("decode_proto_descriptor", "DecodeProtoV2 loads message descriptors from the file descriptor_source names",
     "read", "DecodeProtoV2", "path", ("--inputs", "x", "--outputs", "y")),
    ("abort", "Abort with exit_without_error behind a control dependency ends the process with exit code 0",
     "exit", "Abort"),
    ("saved_model_main_op", "a SavedModel whose main_op writes a file", "write", "WriteFile", "loader"),
    ("saved_model_legacy_init_op", "a SavedModel whose legacy_init_op writes a file", "write", "WriteFile",
     "loader"),
    ("checkpoint_restore_op", "a checkpoint whose SaverDef restore op also writes a file", "write", "WriteFile",
     "loader"),
    ("asset_path", "a SavedModel asset whose file name is an absolute path elsewhere (the canary), read by the "
     "table initializer of its main_op", "read", "InitializeTableFromTextFileV2", "loader"),
)]
BY_NAME = {h.name: h for h in HOSTILE}


def _scaled(b: GraphBuilder) -> str:
    return b.op("scaled", "Mul", ["x", b.const("two", 2.0)])


def _output(b: GraphBuilder, value: str, *controls: str) -> graph_pb2.GraphDef:
    b.op("y", "Identity", [value, *("^" + c for c in controls)])
    return b.graph


def nested_func_attr(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.writing_function(b.graph, "evil", p.target("nested_func_attr"))
    outer = rg.function(b.graph, "outer", [("v", DT_FLOAT)], [("out", DT_FLOAT)])
    outer.signature.attr.add(name="inner", type="func")
    inner = rg.add_node(outer, "inner_call", "StatefulPartitionedCall", ["v"], Tin=("types", [DT_FLOAT]),
                        Tout=("types", [DT_FLOAT]))
    inner.attr["f"].placeholder = "inner"
    outer.ret["out"] = "inner_call:output:0"
    call = rg.call(b, "call", "outer", ["x"])
    call.attr["f"].func.attr["inner"].func.name = "evil"
    return _output(b, "call")


def other_port(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.writing_function(b.graph, "evil", p.target("other_port"))
    rg.call(b, "call", "evil", ["x"])
    axis = b.const("axis", 1, dtype="int32")
    rg.add_node(b.graph, "split", "Split", [axis, "call"], T=("type", DT_FLOAT), num_split=2)
    b.op("sum", "Add", ["split:0", "split:1"])
    return _output(b, "sum")


def _variable(b: GraphBuilder, value: str) -> str:
    read = b.variable("w", [2])
    b.graph.node.add(name="w/Assign", op="Assign", input=["w", value]).attr["T"].type = DT_FLOAT
    return read


def initializer_print(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    message = rg.add_string(b, "message", "written by initializer_print")
    rg.add_node(b.graph, "print", "PrintV2", [message], output_stream="file://" + p.target("initializer_print"))
    b.op("initial", "Identity", [b.const("ones", [1.0, 1.0]), "^print"])
    return _output(b, b.op("scaled", "Mul", ["x", _variable(b, "initial")]))


def initializer_function(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.writing_function(b.graph, "evil", p.target("initializer_function"))
    rg.call(b, "initial", "evil", [b.const("ones", [1.0, 1.0])])
    return _output(b, b.op("scaled", "Mul", ["x", _variable(b, "initial")]))


def debug_identity_v3(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.add_node(b.graph, "debug", "DebugIdentityV3", [_scaled(b)], T=("type", DT_FLOAT), tensor_name="scaled:0",
                debug_urls=["file://" + p.target("debug_identity_v3")])
    return _output(b, "debug")


def debug_grpc(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.add_node(b.graph, "debug", "DebugIdentityV3", [_scaled(b)], T=("type", DT_FLOAT), tensor_name="scaled:0",
                debug_urls=[f"grpc://127.0.0.1:{p.port}"])
    return _output(b, "debug")


def dump_tensor(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.add_node(b.graph, "dump", "DumpTensor", [_scaled(b)], T=("type", DT_FLOAT), log_dir_path=str(p.outbox),
                file_name="dump_tensor", enabled=True, func_name="f", node_name="scaled")
    return _output(b, "scaled", "dump")


def _inner_dataset_graph(p: Probe) -> bytes:
    """A GraphDef that DatasetFromGraph runs: a one-element dataset behind a WriteFile."""
    inner = graph_pb2.GraphDef()
    rg.string_const(inner.node.add(name="target"), p.target("dataset_from_graph"))
    rg.string_const(inner.node.add(name="contents"), "written by dataset_from_graph")
    inner.node.add(name="write", op="WriteFile", input=["target", "contents"])
    value = inner.node.add(name="value", op="Const", input=["^write"])
    value.attr["dtype"].type = DT_FLOAT
    value.attr["value"].tensor.dtype = DT_FLOAT
    value.attr["value"].tensor.float_val.append(1.0)
    ds = rg.add_node(inner, "dataset", "TensorDataset", ["value"], Toutput_types=("types", [DT_FLOAT]))
    ds.attr["output_shapes"].list.shape.add()
    rg.add_node(inner, "dataset_retval", "_Retval", ["dataset"], T=("type", DT_VARIANT), index=0)
    return inner.SerializeToString()


def dataset_from_graph(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    serialized = rg.add_string(b, "serialized", _inner_dataset_graph(p))
    rg.add_node(b.graph, "dataset", "DatasetFromGraph", [serialized])
    rg.add_node(b.graph, "count", "DatasetCardinality", ["dataset"])
    b.op("count_float", "Cast", ["count"], t=None, SrcT="DT:int64", DstT="DT:float32")
    return _output(b, b.op("scaled", "Mul", ["x", "count_float"]))


def skipgram(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.add_node(b.graph, "skipgram", "Skipgram", [], filename=str(p.canary), batch_size=1, window_size=1,
                min_count=0, subsample=0.001)
    b.op("words", "Size", ["skipgram:0"], t="string", out_type="DT:int32")
    b.op("words_float", "Cast", ["words"], t=None, SrcT="DT:int32", DstT="DT:float32")
    return _output(b, b.op("scaled", "Mul", ["x", "words_float"]))


def register_dataset(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    ds = rg.add_node(b.graph, "dataset", "TensorDataset", [b.const("one", 1.0)], Toutput_types=("types", [DT_FLOAT]))
    ds.attr["output_shapes"].list.shape.add()
    address = rg.add_string(b, "address", f"127.0.0.1:{p.port}")
    protocol = rg.add_string(b, "protocol", "grpc")
    rg.add_node(b.graph, "register", "RegisterDatasetV2", ["dataset", address, protocol], external_state_policy=2,
                element_spec="", requested_dataset_id="", metadata="")
    b.op("id_length", "StringLength", ["register"], t=None)
    b.op("id_float", "Cast", ["id_length"], t=None, SrcT="DT:int32", DstT="DT:float32")
    return _output(b, b.op("scaled", "Mul", ["x", "id_float"]))


def gradient_function(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    plain = rg.function(b.graph, "plain", [("v", DT_FLOAT)], [("out", DT_FLOAT)])
    rg.add_node(plain, "same", "Identity", ["v"], T=("type", DT_FLOAT))
    plain.ret["out"] = "same:output:0"
    grad = rg.function(b.graph, "plain_grad", [("v", DT_FLOAT), ("dout", DT_FLOAT)], [("dv", DT_FLOAT)])
    rg.string_const(grad.node_def.add(name="target"), p.target("gradient_function"))
    rg.string_const(grad.node_def.add(name="contents"), "written by a gradient function")
    grad.node_def.add(name="write", op="WriteFile", input=["target:output:0", "contents:output:0"])
    rg.add_node(grad, "same", "Identity", ["dout", "^write"], T=("type", DT_FLOAT))
    grad.ret["dv"] = "same:output:0"
    b.graph.library.gradient.add(function_name="plain", gradient_func="plain_grad")
    node = rg.add_node(b.graph, "gradient", "SymbolicGradient", ["x", "x"], Tin=("types", [DT_FLOAT, DT_FLOAT]),
                       Tout=("types", [DT_FLOAT]))
    node.attr["f"].func.name = "plain"
    return _output(b, "gradient")


def case_branch(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.writing_function(b.graph, "evil", p.target("case_branch"))
    safe = rg.function(b.graph, "safe", [("v", DT_FLOAT)], [("out", DT_FLOAT)])
    rg.add_node(safe, "same", "Identity", ["v"], T=("type", DT_FLOAT))
    safe.ret["out"] = "same:output:0"
    index = b.const("index", 1, dtype="int32")
    case = rg.add_node(b.graph, "case", "Case", [index, "x"], Tin=("types", [DT_FLOAT]), Tout=("types", [DT_FLOAT]))
    case.attr["branches"].list.func.add(name="safe")
    case.attr["branches"].list.func.add(name="evil")
    return _output(b, "case")


def while_body(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    loop_types = [("i", DT_INT32), ("v", DT_FLOAT)]
    cond = rg.function(b.graph, "cond", loop_types, [("more", 10)])
    rg.add_node(cond, "one", "Const", [], dtype=("type", DT_INT32)).attr["value"].tensor.CopyFrom(
        _int_tensor(1))
    rg.add_node(cond, "less", "Less", ["i", "one:output:0"], T=("type", DT_INT32))
    cond.ret["more"] = "less:z:0"
    body = rg.function(b.graph, "body", loop_types, loop_types)
    rg.string_const(body.node_def.add(name="target"), p.target("while_body"))
    rg.string_const(body.node_def.add(name="contents"), "written by a while body")
    body.node_def.add(name="write", op="WriteFile", input=["target:output:0", "contents:output:0"])
    rg.add_node(body, "one", "Const", [], dtype=("type", DT_INT32)).attr["value"].tensor.CopyFrom(_int_tensor(1))
    rg.add_node(body, "next", "AddV2", ["i", "one:output:0", "^write"], T=("type", DT_INT32))
    rg.add_node(body, "same", "Identity", ["v"], T=("type", DT_FLOAT))
    body.ret["i"] = "next:z:0"
    body.ret["v"] = "same:output:0"
    zero = b.const("zero", 0, dtype="int32")
    loop = rg.add_node(b.graph, "loop", "While", [zero, "x"], T=("types", [DT_INT32, DT_FLOAT]),
                       parallel_iterations=1)
    loop.attr["cond"].func.name = "cond"
    loop.attr["body"].func.name = "body"
    loop.attr["output_shapes"].list.shape.add(unknown_rank=True)
    loop.attr["output_shapes"].list.shape.add(unknown_rank=True)
    return _output(b, "loop:1")


def _int_tensor(value: int) -> object:
    from tensorboard.compat.proto import tensor_pb2

    return tensor_pb2.TensorProto(dtype=DT_INT32, int_val=[value])


def function_by_op_name(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    rg.writing_function(b.graph, "evil", p.target("function_by_op_name"))
    b.graph.node.add(name="call", op="evil", input=["x"])
    return _output(b, "call")


def print_to_file_in_function(p: Probe) -> graph_pb2.GraphDef:
    b = rg.start()
    fn = rg.function(b.graph, "printing", [("v", DT_FLOAT)], [("out", DT_FLOAT)])
    rg.string_const(fn.node_def.add(name="message"), "written by PrintV2 in a function")
    rg.add_node(fn, "print", "PrintV2", ["message:output:0"],
                output_stream="file://" + p.target("print_to_file_in_function"))
    rg.add_node(fn, "same", "Identity", ["v", "^print"], T=("type", DT_FLOAT))
    fn.ret["out"] = "same:output:0"
    fn.control_ret["print"] = "print"
    fn.signature.control_output.append("print")
    rg.call(b, "call", "printing", ["x"], op="PartitionedCall")
    return _output(b, "call")


def _host_op(op: str, inputs: list[str], output: str | None = None,
             **attrs: object) -> Callable[[Probe], graph_pb2.GraphDef]:
    """``op`` (its inputs and attributes naming the canary) behind a control dependency of the output,
    or, with ``output`` (``port:dtype``), on the data path: y = x * 2 * float(op:port)."""
    def build(p: Probe) -> graph_pb2.GraphDef:
        b = rg.start()
        canary = rg.add_string(b, "canary", str(p.canary))
        if "true_classes" in inputs:
            b.const("true_classes", [0, 1], dtype="int64", shape=[2, 1])
        node = rg.add_node(b.graph, "hostile", op, [canary if i == "CANARY" else i for i in inputs],
                           **{k: (str(p.canary) if v == "CANARY" else v) for k, v in attrs.items()})
        if op == "ImmutableConst":
            node.attr["shape"].shape.dim.add(size=2)
        if output is None:
            return _output(b, _scaled(b), "hostile")
        port, dtype = output.split(":")
        b.op("hostile_float", "Cast", [f"hostile:{port}"], t=None, SrcT=f"DT:{dtype}", DstT="DT:float32")
        return _output(b, b.op("product", "Mul", [_scaled(b), "hostile_float"]))
    return build


RAW_BUILDERS: dict[str, Callable[[Probe], graph_pb2.GraphDef]] = {
    "nested_func_attr": nested_func_attr, "other_port": other_port,
    "initializer_print": initializer_print, "initializer_function": initializer_function,
    "debug_identity_v3": debug_identity_v3, "debug_grpc": debug_grpc, "dump_tensor": dump_tensor,
    "dataset_from_graph": dataset_from_graph, "skipgram": skipgram, "register_dataset": register_dataset,
    "gradient_function": gradient_function, "case_branch": case_branch, "while_body": while_body,
    "function_by_op_name": function_by_op_name, "print_to_file_in_function": print_to_file_in_function,
    "vocab_remapping": _host_op("GenerateVocabRemapping", ["CANARY", "CANARY"], "1:int32", new_vocab_offset=0,
                                num_new_vocab=1, old_vocab_size=-1),
    "unigram_vocab_file": _host_op("FixedUnigramCandidateSampler", ["true_classes"], num_true=1, num_sampled=1,
                                   unique=True, range_max=2, vocab_file="CANARY", distortion=1.0,
                                   num_reserved_ids=0, num_shards=1, shard=0, seed=1, seed2=1),
    "record_input": _host_op("RecordInput", [], file_pattern="CANARY", file_random_seed=1,
                             file_shuffle_shift_ratio=0.0, file_buffer_size=1, file_parallelism=1, batch_size=1,
                             compression_type=""),
    "immutable_const": _host_op("ImmutableConst", [], "0:float32", dtype=("type", DT_FLOAT),
                                memory_region_name="CANARY"),
    "abort": _host_op("Abort", [], error_msg="stopped by a crafted model", exit_without_error=True),
    "decode_proto_descriptor": _host_op("DecodeProtoV2", ["CANARY"], "0:int32", message_type="tensorflow.Example",
                                        field_names=["features"], output_types=("types", [DT_STRING]),
                                        descriptor_source="CANARY"),
}


def write_raw(name: str, probe: Probe, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pb"
    path.write_bytes(RAW_BUILDERS[name](probe).SerializeToString())
    return path


if __name__ == "__main__":
    from tests.security.hostile_tf import build_all

    build_all(Path(sys.argv[1]), Probe(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])))
