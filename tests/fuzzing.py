"""Mutate real corpus graphs and feed them to every loader and the whole analysis.

Shared by the fixed-seed suite (tests/unit/test_fuzz.py, driven by hypothesis) and the long runs
(tools/fuzz.py, driven by hypothesis or atheris). Every random decision goes through a
:class:`Chooser`, so the same mutations run under any of those drivers.

A case is: a seed (a real model from the corpus), a list of mutations (at the protobuf wire level:
bytes flipped, inserted, deleted, truncated, fields duplicated or dropped, varints changed, wire types
swapped, lengths that lie; at the graph level: dangling inputs, self loops, duplicate nodes, huge and
negative dimensions and ports, empty op types, deep nesting ...), a container (a GraphDef file, a
.meta, a checkpoint directory, a SavedModel directory) and, sometimes, names given as --inputs and
--outputs. ``check_case`` writes it to disk and runs the loaders, the analysis, the pre-check and the
renderers: only TfscoutError may come out.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from google.protobuf import message as pb_message
from google.protobuf import text_format

from tfscout.inspector.load import GraphDef, MetaGraphDef, WireError, WireReader, decode_varint, encode_varint

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
CASE_SECONDS = 60  # one case (write, load, analyse, pre-check, render) must finish within this
MAX_CASE_BYTES = 8 * 1024 * 1024  # mutations that grow a file past this are undone (a 2 GB file is slow, not a bug)


class Chooser(Protocol):
    def int(self, lo: int, hi: int) -> int: ...

    def bytes(self, max_len: int) -> bytes: ...


def choose(chooser: Chooser, items: list[Any] | tuple[Any, ...]) -> Any:
    return items[chooser.int(0, len(items) - 1)]


class RandomChooser:
    """A Chooser over ``random.Random``."""

    def __init__(self, rng: Any) -> None:
        self.rng = rng

    def int(self, lo: int, hi: int) -> int:
        return int(self.rng.randint(lo, hi))

    def bytes(self, max_len: int) -> bytes:
        return bytes(self.rng.getrandbits(8) for _ in range(self.rng.randint(0, max_len)))


# ---------------------------------------------------------------------------------------------
# Seeds: small real models of every format


@dataclass(frozen=True)
class Seed:
    name: str
    kind: str  # graphdef | graphdef_text | metagraph | saved_model | saved_model_text | checkpoint
    path: Path  # the graph file (the .meta of a checkpoint)

    def data(self) -> bytes:
        if self.kind == "saved_model_text":
            return saved_model_as_text(self.path.read_bytes())
        return self.path.read_bytes()


def saved_model_as_text(data: bytes) -> bytes:
    """A binary SavedModel (a corpus file) in text format, as ``saved_model.pbtxt`` holds it."""
    out = []
    for f in WireReader(data).fields():
        if f.number == 1 and f.wire_type == 0:
            out.append(f"saved_model_schema_version: {f.value}")
        elif f.number == 2 and f.wire_type == 2:
            meta = MetaGraphDef.FromString(bytes(f.value))  # type: ignore[arg-type]
            out.append("meta_graphs {\n" + text_format.MessageToString(meta, indent=2) + "}")
    return ("\n".join(out) + "\n").encode()


SEEDS: tuple[Seed, ...] = (
    Seed("regression_frozen", "graphdef", CORPUS / "tf2onnx_regression_frozen" / "frozen.pb"),
    Seed("utensor_simple", "graphdef", CORPUS / "utensor_simple_graph" / "simple_graph.pb"),
    Seed("rust_ckpt_graph", "graphdef", CORPUS / "rust_regression_checkpoint_graph" / "model.pb"),
    Seed("kws_dnn_s", "graphdef", CORPUS / "kws_dnn_s" / "DNN_S.pb"),
    Seed("flib_graph", "graphdef_text", CORPUS / "ngraph_flib_graph_1" / "flib_graph_1.pbtxt"),
    Seed("axpy", "graphdef_text", CORPUS / "ngraph_test_axpy" / "test_axpy.pbtxt"),
    Seed("xor_meta", "metagraph", CORPUS / "tfnet_xor_meta" / "xor.meta"),
    Seed("cond_meta", "metagraph", CORPUS / "tfnet_cond_test_meta" / "cond_test.meta"),
    Seed("session_bundle", "metagraph", CORPUS / "serving_session_bundle_half_plus_two" / "export.meta"),
    Seed("redundant_sm", "saved_model", CORPUS / "tf2onnx_redundant_inputs_savedmodel" / "saved_model.pb"),
    Seed("half_plus_three", "saved_model", CORPUS / "serving_half_plus_three" / "saved_model.pb"),
    Seed("half_plus_three_text", "saved_model_text", CORPUS / "serving_half_plus_three" / "saved_model.pb"),
    Seed("regression_ckpt", "checkpoint", CORPUS / "tf2onnx_regression_ckpt" / "model.meta"),
)

# How the bytes are handed to the loaders.
CONTAINERS = ("file_pb", "file_pbtxt", "meta_alone", "checkpoint_dir", "checkpoint_state", "saved_model_dir",
              "saved_model_pbtxt")


# ---------------------------------------------------------------------------------------------
# Wire-level mutations


@dataclass
class Span:
    tag_start: int
    payload_start: int
    end: int
    number: int
    wire_type: int
    depth: int


def field_spans(data: bytes, limit: int = 4000, max_depth: int = 4) -> list[Span]:
    """Fields of a message and of the messages nested in it (as far as they parse), outer first."""
    spans: list[Span] = []
    stack = [(0, len(data), 0)]
    while stack and len(spans) < limit:
        start, end, depth = stack.pop()
        pos = start
        found: list[Span] = []
        try:
            while pos < end:
                tag_start = pos
                tag, pos = decode_varint(data, pos)
                number, wire_type = tag >> 3, tag & 7
                if number == 0:
                    raise WireError("field 0")
                if wire_type == 0:
                    _value, pos = decode_varint(data, pos)
                    found.append(Span(tag_start, tag_start, pos, number, 0, depth))
                    continue
                if wire_type == 1:
                    pos += 8
                elif wire_type == 5:
                    pos += 4
                elif wire_type == 2:
                    length, payload = decode_varint(data, pos)
                    pos = payload + length
                    if pos > end:
                        raise WireError("truncated")
                    found.append(Span(tag_start, payload, pos, number, 2, depth))
                    continue
                else:
                    raise WireError("wire type")
                if pos > end:
                    raise WireError("truncated")
                found.append(Span(tag_start, tag_start, pos, number, wire_type, depth))
        except WireError:
            if depth > 0:
                continue  # a string or bytes payload, not a message
        spans.extend(found)
        if depth < max_depth:
            stack.extend((s.payload_start, s.end, depth + 1) for s in found if s.wire_type == 2)
    return spans


def _fix_lengths(data: bytearray, spans: list[Span], target: Span, delta: int) -> bytes:
    """Add ``delta`` to the length prefix of every message enclosing ``target`` (innermost first)."""
    enclosing = sorted((s for s in spans if s.wire_type == 2 and s.payload_start <= target.tag_start
                        and target.end <= s.end and s is not target), key=lambda s: s.payload_start, reverse=True)
    out = bytes(data)
    for span in enclosing:
        _tag, pos = decode_varint(out, span.tag_start)
        length, payload = decode_varint(out, pos)
        new = encode_varint(length + delta)
        out = out[:pos] + new + out[payload:]
        delta += len(new) - (payload - pos)
    return out


INTERESTING_VARINTS = (0, 1, 2, 7, 127, 128, 255, 2**16, 2**31 - 1, 2**31, 2**32, 2**32 + 1, 2**53,
                       2**63 - 1, 2**63, 2**64 - 1)


def _pick_span(c: Chooser, data: bytes, want: Callable[[Span], bool] = lambda s: True) -> tuple[list[Span], Span] | None:
    spans = field_spans(data)
    chosen = [s for s in spans if want(s)]
    if not chosen:
        return None
    return spans, chosen[c.int(0, len(chosen) - 1)]


def m_flip(c: Chooser, data: bytes) -> bytes:
    if not data:
        return data
    pos = c.int(0, len(data) - 1)
    out = bytearray(data)
    out[pos] ^= 1 << c.int(0, 7)
    return bytes(out)


def m_set_byte(c: Chooser, data: bytes) -> bytes:
    if not data:
        return data
    pos = c.int(0, len(data) - 1)
    return data[:pos] + bytes([choose(c, (0, 0x7F, 0x80, 0xFF, c.int(0, 255)))]) + data[pos + 1:]


def m_insert(c: Chooser, data: bytes) -> bytes:
    pos = c.int(0, len(data))
    return data[:pos] + c.bytes(16) + data[pos:]


def m_delete(c: Chooser, data: bytes) -> bytes:
    if not data:
        return data
    pos = c.int(0, len(data) - 1)
    return data[:pos] + data[pos + c.int(1, 64):]


def m_truncate(c: Chooser, data: bytes) -> bytes:
    return data[: c.int(0, len(data))]


def m_duplicate_field(c: Chooser, data: bytes) -> bytes:
    picked = _pick_span(c, data)
    if picked is None:
        return data
    spans, span = picked
    chunk = data[span.tag_start:span.end]
    out = bytearray(data[:span.end] + chunk + data[span.end:])
    return _fix_lengths(out, spans, span, len(chunk))


def m_drop_field(c: Chooser, data: bytes) -> bytes:
    picked = _pick_span(c, data)
    if picked is None:
        return data
    spans, span = picked
    out = bytearray(data[:span.tag_start] + data[span.end:])
    return _fix_lengths(out, spans, span, -(span.end - span.tag_start))


def m_change_varint(c: Chooser, data: bytes) -> bytes:
    picked = _pick_span(c, data, lambda s: s.wire_type == 0)
    if picked is None:
        return data
    spans, span = picked
    _tag, pos = decode_varint(data, span.tag_start)
    new = encode_varint(choose(c, INTERESTING_VARINTS))
    out = bytearray(data[:pos] + new + data[span.end:])
    return _fix_lengths(out, spans, span, len(new) - (span.end - pos))


def m_swap_wire_type(c: Chooser, data: bytes) -> bytes:
    picked = _pick_span(c, data)
    if picked is None:
        return data
    spans, span = picked
    tag, pos = decode_varint(data, span.tag_start)
    new = encode_varint((tag & ~7) | choose(c, (0, 1, 2, 3, 4, 5, 6, 7)))
    out = bytearray(data[:span.tag_start] + new + data[pos:])
    return _fix_lengths(out, spans, span, len(new) - (pos - span.tag_start))


def m_lying_length(c: Chooser, data: bytes) -> bytes:
    picked = _pick_span(c, data, lambda s: s.wire_type == 2)
    if picked is None:
        return data
    _spans, span = picked
    tag, pos = decode_varint(data, span.tag_start)
    length, payload = decode_varint(data, pos)
    new = encode_varint(max(0, length + choose(c, (-1, 1, 7, -length, 2**31, 2**62))))
    return data[:pos] + new + data[payload:]


def m_text_junk(c: Chooser, data: bytes) -> bytes:
    """Text-format damage: deep braces, stray tokens, cut lines, odd numbers and characters."""
    lines = data.split(b"\n")
    pos = c.int(0, len(lines))
    junk = choose(c, (b"node {" * c.int(1, 3000), b"}" * c.int(1, 50), b'name: "\xff\xfe"', b"op: 1e999",
                      b"attr { key: \"T\" value { type: DT_INVALID } }", b'input: "a:99999999999999999999"',
                      b"[" * c.int(1, 3000), b"\x00", b"version: -1", b"node { name: 'x' op: '' }",
                      b"library { function { signature { name: \"" + b"f" * c.int(0, 9) + b"\" } } }"))
    if c.int(0, 1):
        return b"\n".join(lines[:pos] + [junk] + lines[pos:])
    return b"\n".join(lines[:pos] + lines[pos + 1:])


def m_text_deep(c: Chooser, data: bytes) -> bytes:
    """Valid text-format nesting, deeper than any real graph: attributes inside function attributes."""
    depth = choose(c, (20, 90, 150, 400, 2000, 20000))
    opening = b'attr { key: "deep" value { func { name: "f" '
    deep = opening * depth + b"}}}" * depth
    pos = data.find(b"node {")
    if pos < 0:
        return data + b"\nnode { name: \"deep\" op: \"NoOp\" " + deep + b"}\n"
    pos += len(b"node {")
    return data[:pos] + b" " + deep + b" " + data[pos:]


WIRE_MUTATIONS: tuple[Callable[[Chooser, bytes], bytes], ...] = (
    m_flip, m_set_byte, m_insert, m_delete, m_truncate, m_duplicate_field, m_drop_field, m_change_varint,
    m_swap_wire_type, m_lying_length, m_text_junk, m_text_deep,
)
_TEXT_ONLY = frozenset({"m_text_junk", "m_text_deep"})


# ---------------------------------------------------------------------------------------------
# Graph-level mutations (on a parsed GraphDef)

_OPS = ("", "Placeholder", "PlaceholderWithDefault", "Const", "Identity", "Switch", "Merge", "Enter", "Exit",
        "NextIteration", "LoopCond", "While", "If", "StatelessWhile", "PartitionedCall", "StatefulPartitionedCall",
        "IteratorGetNext", "QueueDequeueV2", "DecodeJpeg", "ParseExample", "PyFunc", "ReadFile", "VariableV2",
        "VarHandleOp", "ReadVariableOp", "Assign", "FusedBatchNorm", "FusedBatchNormV3", "Softmax", "ArgMax",
        "Reshape", "Shape", "MatMul", "Conv2D", "TensorArrayV3", "TensorArrayReadV3", "NoOp", "Print", "PrintV2",
        "_Retval", "_Arg", "op with spaces", "\u00e9\u00e8", "A" * 300)
_NAMES = ("", ":", "^", "a:b:c", "x:0", "^x", "/", "a//b", "a/", "\u00fcnicode/\u4e2d", "x" * 500, "..", "_",
          "name with space", "-1")
_DIMS = (-1, -2, -(2**62), 0, 1, 2**31, 2**62, 2**63 - 1)


def _node(c: Chooser, g: GraphDef) -> Any:
    return g.node[c.int(0, len(g.node) - 1)] if len(g.node) else g.node.add(name="n", op="NoOp")


def _other(c: Chooser, g: GraphDef) -> str:
    return _node(c, g).name


def g_dangling_input(c: Chooser, g: GraphDef) -> None:
    node = _node(c, g)
    ref = choose(c, ("no_such_node", "no_such_node:3", "^no_such_node", choose(c, _NAMES)))
    if node.input and c.int(0, 1):
        node.input[c.int(0, len(node.input) - 1)] = ref
    else:
        node.input.append(ref)


def g_self_loop(c: Chooser, g: GraphDef) -> None:
    node = _node(c, g)
    node.input.append(choose(c, (node.name, f"{node.name}:1", f"^{node.name}")))


def g_cycle(c: Chooser, g: GraphDef) -> None:
    a, b = _node(c, g), _node(c, g)
    a.input.append(b.name)
    b.input.append(a.name)


def g_duplicate_node(c: Chooser, g: GraphDef) -> None:
    node = _node(c, g)
    copy = g.node.add()
    copy.CopyFrom(node)
    if c.int(0, 1):
        copy.op = choose(c, _OPS)


def g_bad_port(c: Chooser, g: GraphDef) -> None:
    node = _node(c, g)
    port = choose(c, ("-1", "99999999999999999999", "4294967296", "65536", "", "0x1", "1.5", "\u0661"))
    node.input.append(f"{_other(c, g)}:{port}")


def g_op_type(c: Chooser, g: GraphDef) -> None:
    _node(c, g).op = choose(c, _OPS)


def g_name(c: Chooser, g: GraphDef) -> None:
    _node(c, g).name = choose(c, _NAMES)


def _set_shape(shape: Any, c: Chooser) -> None:
    shape.Clear()
    if c.int(0, 5) == 0:
        shape.unknown_rank = True
    for _ in range(choose(c, (0, 1, 4, 33, 5000))):
        shape.dim.add().size = choose(c, _DIMS)


def g_dims(c: Chooser, g: GraphDef) -> None:
    node = _node(c, g)
    what = c.int(0, 3)
    if what == 0:
        _set_shape(node.attr["shape"].shape, c)
    elif what == 1:
        shapes = node.attr["_output_shapes"].list.shape
        for _ in range(c.int(1, 3)):
            _set_shape(shapes.add(), c)
    elif what == 2:
        tensor = node.attr["value"].tensor
        tensor.dtype = choose(c, (0, 1, 3, 7, 9, 10, 999, 101))
        _set_shape(tensor.tensor_shape, c)
        tensor.tensor_content = c.bytes(12)
    else:
        node.attr[choose(c, ("T", "dtype", "out_type", "N", "axis", "Tidx"))].CopyFrom(_odd_attr(c))


def _odd_attr(c: Chooser) -> Any:
    from tfscout.inspector.load import AttrValue

    attr = AttrValue()
    which = c.int(0, 5)
    if which == 0:
        attr.type = choose(c, (0, 999, 101, 2**31 - 1))
    elif which == 1:
        attr.i = choose(c, _DIMS)
    elif which == 2:
        attr.s = c.bytes(8)
    elif which == 3:
        attr.list.type.extend([1, 999, 0])
    elif which == 4:
        attr.f = float("nan")
    else:
        attr.func.name = "no_such_function"
    return attr


def g_deep_chain(c: Chooser, g: GraphDef) -> None:
    """A long chain of identities (no recursion limits anywhere) hanging off a node."""
    prev = _other(c, g)
    for i in range(choose(c, (100, 5000, 50000))):
        name = f"deep_chain/{i}"
        g.node.add(name=name, op="Identity", input=[prev])
        prev = name


def g_deep_scope(c: Chooser, g: GraphDef) -> None:
    _node(c, g).name = "s/" * choose(c, (200, 5000, 60000)) + "x"


def g_deep_attr(c: Chooser, g: GraphDef) -> None:
    """Attributes nested in attributes (NameAttrList inside AttrValue), deeper than parsers allow."""
    from tfscout.inspector.load import AttrValue

    root = AttrValue()
    cur = root
    for _ in range(choose(c, (10, 90, 99, 101, 150, 1000))):
        cur.func.name = "f"
        cur = cur.func.attr["x"]
    cur.i = 1
    _node(c, g).attr["deep"].CopyFrom(root)


def g_functions(c: Chooser, g: GraphDef) -> None:
    """A function library: calls that recurse, missing functions, bodies with odd nodes."""
    depth = choose(c, (1, 3, 200))
    for i in range(depth):
        fn = g.library.function.add()
        fn.signature.name = f"fuzz_fn_{i}"
        body = fn.node_def.add(name="call", op=f"fuzz_fn_{(i + 1) % depth}" if c.int(0, 1) else "PyFunc")
        body.attr["f"].func.name = choose(c, (f"fuzz_fn_{i}", "missing_fn", ""))
        fn.ret["out"] = choose(c, ("call:output:0", "nowhere:0", ""))
    node = _node(c, g)
    node.op = choose(c, ("fuzz_fn_0", "StatefulPartitionedCall", "PartitionedCall", "While", "If"))
    node.attr[choose(c, ("f", "body", "cond", "then_branch"))].func.name = choose(c, ("fuzz_fn_0", "missing_fn"))


def g_drop_nodes(c: Chooser, g: GraphDef) -> None:
    keep = [n for i, n in enumerate(g.node) if c.int(0, 3)]
    del g.node[:]
    g.node.extend(keep)


def g_many_inputs(c: Chooser, g: GraphDef) -> None:
    node = _node(c, g)
    other = _other(c, g)
    count = min(choose(c, (1000, 20000)), MAX_CASE_BYTES // (len(other) + 8))
    node.input.extend([other] * count)


GRAPH_MUTATIONS: tuple[Callable[[Chooser, GraphDef], None], ...] = (
    g_dangling_input, g_self_loop, g_cycle, g_duplicate_node, g_bad_port, g_op_type, g_name, g_dims,
    g_deep_chain, g_deep_scope, g_deep_attr, g_functions, g_drop_nodes, g_many_inputs,
)


def _meta_mutation(c: Chooser, meta: MetaGraphDef) -> None:
    """Signatures and collections that name nothing real."""
    which = c.int(0, 2)
    if which == 0:
        sig = meta.signature_def[choose(c, ("serving_default", "", "x" * 300))]
        sig.method_name = choose(c, ("tensorflow/serving/predict", "", "predict"))
        sig.inputs[choose(c, ("x", ""))].name = choose(c, _NAMES + ("no_such:0",))
        sig.outputs["y"].name = choose(c, _NAMES + ("no_such:0",))
    elif which == 1:
        meta.collection_def[choose(c, ("train_op", "summaries", "serving_signatures"))].node_list.value.append(
            choose(c, _NAMES))
    else:
        meta.meta_info_def.tags.append(choose(c, ("serve", "", "train")))


# ---------------------------------------------------------------------------------------------
# Applying mutations to a seed's bytes, whatever its container


def _saved_model_parts(data: bytes) -> list[tuple[int, int, bytes]]:
    return [(f.number, f.wire_type, bytes(f.value) if f.wire_type == 2 else f.value)  # type: ignore[arg-type]
            for f in WireReader(data).fields()]


def _saved_model_bytes(parts: list[tuple[int, int, Any]]) -> bytes:
    out = bytearray()
    for number, wire_type, value in parts:
        out += encode_varint(number << 3 | wire_type)
        if wire_type == 0:
            out += encode_varint(value)
        else:
            out += encode_varint(len(value)) + value
    return bytes(out)


def _structured(c: Chooser, data: bytes, kind: str, mutate: Callable[[Any], None]) -> bytes:
    """Parse ``data`` as ``kind``, apply ``mutate`` to its MetaGraphDef or GraphDef, serialise back."""
    text = kind.endswith("_text")
    try:
        if kind.startswith("saved_model") and not text:
            parts = _saved_model_parts(data)
            metas = [i for i, p in enumerate(parts) if p[0] == 2 and p[1] == 2]
            if not metas:
                return data
            i = metas[c.int(0, len(metas) - 1)]
            meta = MetaGraphDef.FromString(parts[i][2])
            mutate(meta)
            parts[i] = (2, 2, meta.SerializeToString())
            return _saved_model_bytes(parts)
        message: Any = GraphDef() if kind.startswith("graphdef") else MetaGraphDef()
        if text:
            text_format.Parse(data.decode("utf-8"), message, allow_unknown_extension=True)
        else:
            message.ParseFromString(data)
        mutate(message)
        return text_format.MessageToString(message).encode() if text else message.SerializeToString()
    except (pb_message.DecodeError, text_format.ParseError, WireError, UnicodeDecodeError, ValueError,
            RuntimeError, RecursionError):
        return data  # the bytes are already too damaged to parse: leave them


def apply_mutation(c: Chooser, data: bytes, kind: str) -> tuple[bytes, str]:
    """One mutation of ``data`` (a file of ``kind``); returns the new bytes and the mutation's name."""
    if c.int(0, 1):
        fn = choose(c, WIRE_MUTATIONS)
        if fn.__name__ in _TEXT_ONLY and not kind.endswith("_text"):
            fn = m_flip
        return fn(c, data), fn.__name__
    if c.int(0, 4) == 0 and not kind.startswith("graphdef"):
        return _structured(c, data, kind, lambda m: _meta_mutation(c, m)), "meta_signature_or_collection"
    fn = choose(c, GRAPH_MUTATIONS)

    def on_graph(message: Any) -> None:
        graph = message if isinstance(message, GraphDef) else message.graph_def
        fn(c, graph)

    return _structured(c, data, kind, on_graph), fn.__name__


def _file_kind(seed: Seed) -> str:
    return {"checkpoint": "metagraph"}.get(seed.kind, seed.kind)


@dataclass
class Case:
    seed: Seed
    container: str
    data: bytes
    mutations: list[str] = field(default_factory=list)
    inputs: str | None = None
    outputs: str | None = None

    def describe(self) -> str:
        return (f"seed={self.seed.name} container={self.container} mutations={self.mutations} "
                f"inputs={self.inputs!r} outputs={self.outputs!r} bytes={len(self.data)}")


def draw_case(c: Chooser, seeds: tuple[Seed, ...] = SEEDS) -> Case:
    seed = choose(c, seeds)
    kind = _file_kind(seed)
    data = seed.data()
    names = []
    for _ in range(c.int(0, 4)):
        mutated, name = apply_mutation(c, data, kind)
        if len(mutated) <= MAX_CASE_BYTES:
            data = mutated
            names.append(name)
    text = kind.endswith("_text")
    if seed.kind == "checkpoint":
        container = choose(c, ("checkpoint_dir", "checkpoint_state", "meta_alone"))
    elif kind == "saved_model_text":
        container = choose(c, ("saved_model_pbtxt", "file_pbtxt"))
    elif kind.startswith("saved_model"):
        container = choose(c, ("saved_model_dir", "file_pb"))
    elif kind == "metagraph":
        container = choose(c, ("meta_alone", "checkpoint_dir", "file_pb", "saved_model_dir"))
    else:
        container = choose(c, ("file_pbtxt", "saved_model_pbtxt") if text else ("file_pb", "saved_model_dir"))
    case = Case(seed, container, data, names)
    if c.int(0, 2) == 0:
        case.inputs, case.outputs = _given_names(c, seed)
    return case


@functools.cache
def seed_node_names(path: Path) -> tuple[str, ...]:
    from tfscout.inspector import load_source

    return tuple(n.name for n in load_source(path).graph_def.node) or ("x",)


def _given_names(c: Chooser, seed: Seed) -> tuple[str | None, str | None]:
    graph_names = seed_node_names(seed.path)
    odd = ("", ",", "x:99999999999999999999", "x:-1", "^x", "x:0[-5,abc]", "x:0[1,2", "x[1,2]", "a,,b",
           "\u00fcnicode", "x:0[99999999999999999999]", ":0")

    def pick() -> str:
        if c.int(0, 2) == 0:
            return choose(c, odd)
        items = [choose(c, graph_names) + choose(c, ("", ":0", ":1", ":7", "[1,4]", "[-1]")) for _ in range(c.int(1, 3))]
        return ",".join(items)

    inputs = pick() if c.int(0, 1) else None
    outputs = pick() if c.int(0, 2) else None
    return inputs, outputs


# ---------------------------------------------------------------------------------------------
# Running a case


def write_case(case: Case, work: Path) -> Path:
    """Put the case's bytes on disk as its container says; returns the path to load."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    src_dir = case.seed.path.parent
    if case.container in ("file_pb", "file_pbtxt"):
        path = work / ("model.pbtxt" if case.container == "file_pbtxt" else "model.pb")
        path.write_bytes(case.data)
        return path
    if case.container == "meta_alone":
        path = work / "model.meta"
        path.write_bytes(case.data)
        return path
    if case.container in ("checkpoint_dir", "checkpoint_state"):
        ckpt = CORPUS / "tf2onnx_regression_ckpt"
        for name in ("model.index", "model.data-00000-of-00001"):
            shutil.copy(ckpt / name, work / name)
        if case.container == "checkpoint_state":
            (work / "model.meta").write_bytes(case.seed.data())
            (work / "checkpoint").write_bytes(b'model_checkpoint_path: "' + case.data[:200] + b'"\n')
        else:
            (work / "model.meta").write_bytes(case.data)
            (work / "checkpoint").write_text('model_checkpoint_path: "model"\n')
        return work
    name = "saved_model.pbtxt" if case.container == "saved_model_pbtxt" else "saved_model.pb"
    (work / name).write_bytes(case.data)
    variables = src_dir / "variables"
    if variables.is_dir():
        shutil.copytree(variables, work / "variables")
    return work


class Hang(Exception):
    """A case ran past CASE_SECONDS."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Hang in the main thread after ``seconds`` (SIGALRM)."""
    def on_alarm(_signum: int, _frame: Any) -> None:
        raise Hang(f"the case ran longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer, _interval = signal.setitimer(signal.ITIMER_REAL, seconds)  # another timer (pytest-timeout)
    start = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(0.001, outer - (time.monotonic() - start)))


def check_case(case: Case, work: Path, seconds: float | None = CASE_SECONDS) -> str:
    """Load and analyse the case as tfscout would; TfscoutError is the only allowed failure.

    Returns "ok" or the one-line error; any other exception (or a Hang) propagates. With
    ``seconds=None`` there is no time limit here (a driver that has its own, such as libFuzzer's).
    """
    from tfscout.errors import TfscoutError
    from tfscout.inspector import check_text, inspect_model, load_source, report_json, report_text
    from tfscout.inspector.load import NotAModel, read_graph_def_lazily, sniff_file

    path = write_case(case, work)
    with time_limit(seconds) if seconds else contextlib.nullcontext():
        if path.is_file():
            try:
                sniff_file(path)
            except NotAModel:
                pass
            try:  # the reader of big frozen graphs, whatever the size (the loader falls back on these errors)
                read_graph_def_lazily(path)
            except (WireError, pb_message.DecodeError, RuntimeError, ValueError):
                pass
        try:
            load_source(path)
            load_source(path, lazy_constants=True)
            report = inspect_model(path, inputs=case.inputs, outputs=case.outputs)
        except TfscoutError as exc:
            line = exc.one_line()
            if "\n" in line:
                raise AssertionError(f"a TfscoutError message with a line break: {line!r}") from None
            return line
        json.dumps(report_json(report), default=str)
        report_text(report, full=True)
        check_text(report)
    return "ok"
