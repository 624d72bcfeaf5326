"""TensorFlow protos without TensorFlow, and a small reader for the protobuf wire format.

The message classes come from ``tensorboard.compat.proto``, which is wire-compatible with
TensorFlow's own. Messages tensorboard does not ship (SavedModel, the session-bundle
``Signatures``) are read field by field with :class:`WireReader`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tensorboard.compat.proto import (
    attr_value_pb2,
    graph_pb2,
    meta_graph_pb2,
    node_def_pb2,
    tensor_shape_pb2,
    types_pb2,
)

GraphDef = graph_pb2.GraphDef
MetaGraphDef = meta_graph_pb2.MetaGraphDef
NodeDef = node_def_pb2.NodeDef
AttrValue = attr_value_pb2.AttrValue

# DataType enum value -> numpy-style name ("float32"); reference types (DT_FLOAT_REF = 101) map too.
_DTYPE_NAMES = {
    "DT_FLOAT": "float32", "DT_DOUBLE": "float64", "DT_INT32": "int32", "DT_UINT8": "uint8",
    "DT_INT16": "int16", "DT_INT8": "int8", "DT_STRING": "string", "DT_COMPLEX64": "complex64",
    "DT_INT64": "int64", "DT_BOOL": "bool", "DT_QINT8": "qint8", "DT_QUINT8": "quint8",
    "DT_QINT32": "qint32", "DT_BFLOAT16": "bfloat16", "DT_QINT16": "qint16", "DT_QUINT16": "quint16",
    "DT_UINT16": "uint16", "DT_COMPLEX128": "complex128", "DT_HALF": "float16",
    "DT_RESOURCE": "resource", "DT_VARIANT": "variant", "DT_UINT32": "uint32", "DT_UINT64": "uint64",
}
DTYPE_NAMES: dict[int, str] = {}
for _value in types_pb2.DataType.DESCRIPTOR.values:
    _name = _DTYPE_NAMES.get(_value.name)
    if _name is not None:
        DTYPE_NAMES[_value.number] = _name
        DTYPE_NAMES[_value.number + 100] = _name  # the *_REF variants
del _value, _name

DT_FLOAT, DT_DOUBLE, DT_INT32, DT_STRING, DT_INT64, DT_BOOL, DT_HALF = 1, 2, 3, 7, 9, 10, 19
FLOAT_DTYPES = frozenset({"float32", "float64", "float16", "bfloat16"})


def dtype_name(enum_value: int) -> str | None:
    """numpy-style name of a DataType enum value, None for DT_INVALID or unknown values."""
    return DTYPE_NAMES.get(enum_value)


def shape_dims(shape: tensor_shape_pb2.TensorShapeProto) -> list[int] | None:
    """A TensorShapeProto as a list with -1 for unknown dimensions; None for an unknown rank."""
    if shape.unknown_rank:
        return None
    return [d.size if d.size >= 0 else -1 for d in shape.dim]


# ---------------------------------------------------------------------------------------------
# Wire format


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message."""


@dataclass(frozen=True)
class WireField:
    number: int
    wire_type: int
    value: int | bytes | memoryview  # varint/fixed as int, length-delimited as a view


class WireReader:
    """Walk the top-level fields of a protobuf message without a schema (no copies of payloads)."""

    def __init__(self, data: bytes | memoryview) -> None:
        self.data = memoryview(data)

    def _varint(self, pos: int) -> tuple[int, int]:
        return decode_varint(self.data, pos)

    def fields(self) -> Iterator[WireField]:
        pos = 0
        end = len(self.data)
        while pos < end:
            tag, pos = self._varint(pos)
            number, wire_type = tag >> 3, tag & 7
            if number == 0:
                raise WireError("field number 0")
            if wire_type == 0:
                value, pos = self._varint(pos)
                yield WireField(number, 0, value)
            elif wire_type == 1:
                if pos + 8 > end:
                    raise WireError("truncated fixed64")
                yield WireField(number, 1, int.from_bytes(self.data[pos:pos + 8], "little"))
                pos += 8
            elif wire_type == 2:
                length, pos = self._varint(pos)
                if pos + length > end:
                    raise WireError("truncated length-delimited field")
                yield WireField(number, 2, self.data[pos:pos + length])
                pos += length
            elif wire_type == 5:
                if pos + 4 > end:
                    raise WireError("truncated fixed32")
                yield WireField(number, 5, int.from_bytes(self.data[pos:pos + 4], "little"))
                pos += 4
            else:
                raise WireError(f"wire type {wire_type} is not used by TensorFlow protos")


def wire_strings(data: bytes | memoryview, number: int) -> list[str]:
    """Every length-delimited field ``number`` of a message, decoded as UTF-8."""
    return [
        bytes(f.value).decode("utf-8", "replace")
        for f in WireReader(data).fields()
        if f.number == number and f.wire_type == 2
    ]


def wire_messages(data: bytes | memoryview, number: int) -> list[memoryview]:
    return [f.value for f in WireReader(data).fields() if f.number == number and f.wire_type == 2]  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Big constants: keep their dtype and shape, leave their bytes on disk

_TENSOR_KEEP_FIELDS = frozenset({1, 2, 3})  # dtype, tensor_shape, version_number
_NODE_ATTR_FIELD = 5
_ATTR_TENSOR_FIELD = 8


def decode_varint(data: bytes | memoryview, pos: int) -> tuple[int, int]:
    """The varint at ``pos`` and the position after it; WireError when it is cut short or too long."""
    result = 0
    shift = 0
    while True:
        if pos >= len(data):
            raise WireError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WireError("varint too long")


def encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _len_field(number: int, payload: bytes) -> bytes:
    return encode_varint(number << 3 | 2) + encode_varint(len(payload)) + payload


def _copy_field(f: WireField) -> bytes:
    tag = encode_varint(f.number << 3 | f.wire_type)
    if f.wire_type == 0:
        return tag + encode_varint(f.value)  # type: ignore[arg-type]
    if f.wire_type == 1:
        return tag + f.value.to_bytes(8, "little")  # type: ignore[union-attr]
    if f.wire_type == 5:
        return tag + f.value.to_bytes(4, "little")  # type: ignore[union-attr]
    payload = bytes(f.value)
    return tag + encode_varint(len(payload)) + payload


def _strip_tensor(tensor: memoryview) -> tuple[bytes, int]:
    kept = bytearray()
    dropped = 0
    for f in WireReader(tensor).fields():
        if f.number in _TENSOR_KEEP_FIELDS:
            kept += _copy_field(f)
        else:
            dropped += len(f.value) if f.wire_type == 2 else 8  # type: ignore[arg-type]
    return bytes(kept), dropped


def _strip_attr_entry(entry: memoryview) -> tuple[bytes, int]:
    """A NodeDef attr map entry (key=1, AttrValue=2) without the values of a tensor attribute."""
    out = bytearray()
    dropped = 0
    for f in WireReader(entry).fields():
        if f.number == 2 and f.wire_type == 2:
            value = bytearray()
            for af in WireReader(f.value).fields():  # type: ignore[arg-type]
                if af.number == _ATTR_TENSOR_FIELD and af.wire_type == 2:
                    tensor, n = _strip_tensor(af.value)  # type: ignore[arg-type]
                    dropped += n
                    value += _len_field(_ATTR_TENSOR_FIELD, tensor)
                else:
                    value += _copy_field(af)
            out += _len_field(2, bytes(value))
        else:
            out += _copy_field(f)
    return bytes(out), dropped


def strip_node_tensors(node: memoryview, min_bytes: int) -> tuple[bytes, int]:
    """A serialized NodeDef without the contents of tensor attributes above ``min_bytes``.

    Returns the new payload and how many bytes of tensor values were left out.
    """
    out = bytearray()
    dropped = 0
    for f in WireReader(node).fields():
        if f.number == _NODE_ATTR_FIELD and f.wire_type == 2 and len(f.value) >= min_bytes:  # type: ignore[arg-type]
            entry, n = _strip_attr_entry(f.value)  # type: ignore[arg-type]
            dropped += n
            out += _len_field(_NODE_ATTR_FIELD, entry)
        else:
            out += _copy_field(f)
    return bytes(out), dropped


def top_level_spans(data: memoryview | bytes) -> Iterator[tuple[int, int, int, int]]:
    """(field number, wire type, start, end) of each top-level field, reading only the headers."""
    pos = 0
    end = len(data)
    while pos < end:
        start = pos
        tag, pos = decode_varint(data, pos)
        wire_type = tag & 7
        if wire_type == 2:
            length, pos = decode_varint(data, pos)
            pos += length
        elif wire_type == 0:
            _value, pos = decode_varint(data, pos)
        elif wire_type == 1:
            pos += 8
        elif wire_type == 5:
            pos += 4
        else:
            raise WireError(f"wire type {wire_type} is not used by TensorFlow protos")
        if pos > end:
            raise WireError("truncated field")
        yield tag >> 3, wire_type, start, pos
