"""Reading every TF1 model format without TensorFlow: sniff the bytes, parse the protos, find the
checkpoint and the signatures, and hand back a :class:`ModelSource`.

The bottom layer of the inspector: it imports nothing of the inspector but the op-type sets.
"""

from __future__ import annotations

from tfscout.inspector.load.bigfile import BIG_NODE_BYTES, LAZY_MIN_FILE_BYTES, read_graph_def_lazily
from tfscout.inspector.load.files import NotARegularFile, model_files, read_regular_file
from tfscout.inspector.load.loaders import FORMATS, ModelSource, graph_def_from_bytes, load_source
from tfscout.inspector.load.protos import (
    FLOAT_DTYPES,
    AttrValue,
    GraphDef,
    MetaGraphDef,
    NodeDef,
    WireError,
    WireReader,
    decode_varint,
    dtype_name,
    encode_varint,
    shape_dims,
)
from tfscout.inspector.load.signatures import Signature
from tfscout.inspector.load.sniff import (
    METAGRAPH_KINDS,
    REPORT_FORMAT,
    NotAModel,
    foreign_format,
    sniff_bytes,
    sniff_file,
)

__all__ = [
    "BIG_NODE_BYTES", "FLOAT_DTYPES", "FORMATS", "LAZY_MIN_FILE_BYTES", "METAGRAPH_KINDS", "REPORT_FORMAT",
    "AttrValue", "GraphDef", "MetaGraphDef", "ModelSource", "NodeDef", "NotARegularFile", "NotAModel",
    "Signature", "WireError", "WireReader", "decode_varint", "dtype_name", "encode_varint", "foreign_format",
    "graph_def_from_bytes", "load_source", "model_files", "read_graph_def_lazily", "read_regular_file",
    "shape_dims", "sniff_bytes", "sniff_file",
]
