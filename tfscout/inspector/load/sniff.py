"""Tell what a file is from its bytes, never from its name.

Users pass ``.pbtxt`` files as ``.pb``, ``saved_model.pb`` as a GraphDef and ``.meta`` files as
GraphDefs; the name only ever breaks ties.
"""

from __future__ import annotations

import mmap
import os
import re
import stat
from pathlib import Path

from tfscout.inspector.load.files import NotARegularFile, kind_of
from tfscout.inspector.load.protos import WireError, WireField, WireReader

GRAPHDEF = "graphdef"
GRAPHDEF_TEXT = "graphdef_text"
METAGRAPH = "metagraph"
METAGRAPH_TEXT = "metagraph_text"
SAVED_MODEL = "saved_model"
SAVED_MODEL_TEXT = "saved_model_text"
METAGRAPH_KINDS = frozenset({METAGRAPH, METAGRAPH_TEXT})
# The Report format of each kind: a text meta graph or SavedModel reads as its binary twin.
REPORT_FORMAT = {GRAPHDEF: "graphdef", GRAPHDEF_TEXT: "graphdef_text", METAGRAPH: "metagraph",
                 METAGRAPH_TEXT: "metagraph", SAVED_MODEL: "saved_model", SAVED_MODEL_TEXT: "saved_model"}
# How much of a file is read to tell what it is.
HEAD_BYTES = 4096

# Files that are not TensorFlow graphs but that people mistake for them: (magic, offset, what, fix).
_FOREIGN_MAGIC: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "a JPEG image", "pass the model file, not an image"),
    (b"\x89PNG\r\n\x1a\n", 0, "a PNG image", "pass the model file, not an image"),
    (b"GIF8", 0, "a GIF image", "pass the model file, not an image"),
    (b"RIFF", 0, "a RIFF (WAV/AVI) file", "pass the model file, not a media file"),
    (b"\x89HDF\r\n\x1a\n", 0, "a Keras HDF5 (.h5) model",
     "load it with tf.keras and export a SavedModel, or use tf2onnx --keras"),
    (b"TFL3", 4, "a TensorFlow Lite model", "use tf2onnx --tflite for .tflite files"),
    (b"PK\x03\x04", 0, "a zip archive", "unpack it first and pass the model inside"),
    (b"\x1f\x8b", 0, "a gzip file", "decompress it first (gunzip / tar xzf)"),
    (b"BZh", 0, "a bzip2 file", "decompress it first"),
    (b"\xfd7zXZ\x00", 0, "an xz file", "decompress it first"),
    (b"%PDF", 0, "a PDF document", "pass the model file"),
    (b"\x7fELF", 0, "an executable (ELF)", "pass the model file"),
    (b"\x93NUMPY", 0, "a NumPy .npy array", "pass the model file; .npy files are sample data"),
)

_TEXT_GRAPHDEF_FIELDS = frozenset({"node", "versions", "version", "library", "debug_info"})
_TEXT_METAGRAPH_FIELDS = frozenset({
    "meta_info_def", "graph_def", "saver_def", "collection_def", "signature_def",
    "asset_file_def", "object_graph_def",
})
_TEXT_SAVED_MODEL_FIELDS = frozenset({"saved_model_schema_version", "meta_graphs"})
_FIELD_RE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[:{<]", re.MULTILINE)
_OP_NAME_RE = re.compile(rb"^[A-Za-z_>][A-Za-z0-9_>.\-]*$")


class NotAModel(ValueError):
    """The bytes are not any TensorFlow graph format; ``what`` and ``fix`` say what they are."""

    def __init__(self, what: str, fix: str) -> None:
        super().__init__(what)
        self.what = what
        self.fix = fix


def foreign_format(head: bytes) -> tuple[str, str] | None:
    for magic, offset, what, fix in _FOREIGN_MAGIC:
        if head[offset:offset + len(magic)] == magic:
            return what, fix
    if len(head) >= 8 and head[4:8] == b"ONNX":
        return "an ONNX model", "it is already ONNX; use `tfscout verify` to compare it with TensorFlow"
    return None


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character cut at the end of the head is still text.
        try:
            text = head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return False
    printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text)
    return printable >= 0.97 * max(1, len(text))


def sniff_text(text_head: str) -> str | None:
    """GRAPHDEF_TEXT, METAGRAPH_TEXT or SAVED_MODEL_TEXT from the top-level field names."""
    lines = [ln for ln in text_head.splitlines() if not ln.lstrip().startswith("#")]
    depth = 0
    for line in lines:
        if depth == 0:
            match = _FIELD_RE.match(line)
            if match:
                field = match.group(1)
                if field in _TEXT_SAVED_MODEL_FIELDS:
                    return SAVED_MODEL_TEXT
                if field in _TEXT_METAGRAPH_FIELDS:
                    return METAGRAPH_TEXT
                if field in _TEXT_GRAPHDEF_FIELDS:
                    return GRAPHDEF_TEXT
                return None
        depth += line.count("{") + line.count("<") - line.count("}") - line.count(">")
    return None


def _node_like(payload: memoryview) -> bool:
    """Is a length-delimited payload a NodeDef (name=1, op=2 an op identifier)?"""
    try:
        for field in WireReader(payload).fields():
            if field.number == 2 and field.wire_type == 2:
                return bool(_OP_NAME_RE.match(bytes(field.value)))
            if field.number not in (1, 3, 4, 5, 6, 7) or (field.number != 5 and field.wire_type != 2):
                return False
    except WireError:
        return False
    return False


def _first_field(payload: memoryview) -> WireField | None:
    try:
        return next(iter(WireReader(payload).fields()), None)
    except WireError:
        return None


def sniff_binary(data: bytes | memoryview, max_fields: int = 64) -> str:
    """GRAPHDEF, METAGRAPH or SAVED_MODEL from the first top-level fields; raise NotAModel otherwise."""
    numbers: list[tuple[int, int]] = []
    first_payload: dict[int, memoryview] = {}
    try:
        for i, field in enumerate(WireReader(data).fields()):
            numbers.append((field.number, field.wire_type))
            if field.wire_type == 2 and field.number not in first_payload:
                first_payload[field.number] = field.value  # type: ignore[assignment]
            if i + 1 >= max_fields:
                break
    except WireError as exc:
        if not numbers:
            raise NotAModel("not a protobuf file", "pass a .pb, .pbtxt, .meta, checkpoint or SavedModel") from exc
        # A truncated message: decide from what was read; the parser will report the damage.
    kinds = {n for n, _ in numbers}
    if (1, 0) in numbers and kinds <= {1, 2}:
        return SAVED_MODEL
    if kinds <= {1, 2, 3, 4, 5} and 1 in first_payload and _node_like(first_payload[1]):
        return GRAPHDEF
    if kinds <= {1, 2, 3, 4, 5, 6, 7} and 2 in first_payload:
        inner = _first_field(first_payload[2])
        if inner is None or (inner.number == 1 and inner.wire_type == 2 and _node_like(inner.value)):  # type: ignore[arg-type]
            return METAGRAPH
        if kinds <= {2} and inner.wire_type == 2 and inner.number in (1, 2):
            return SAVED_MODEL  # no schema version, meta graphs only
    if numbers and kinds <= {3, 4}:
        return GRAPHDEF  # a GraphDef without nodes (only versions)
    raise NotAModel("not a TensorFlow graph (the protobuf fields match no GraphDef, MetaGraphDef or SavedModel)",
                    "pass a frozen .pb, a .pbtxt, a .meta, a checkpoint directory or a SavedModel directory")


def sniff_bytes(head: bytes, data: bytes | memoryview | None = None) -> str:
    """Classify a file from its first bytes (``head``) and, for binary files, its content."""
    if not head:
        raise NotAModel("the file is empty", "the download or export was probably interrupted; get the file again")
    foreign = foreign_format(head)
    if foreign is not None:
        raise NotAModel(*foreign)
    if _looks_like_text(head):
        kind = sniff_text(head.decode("utf-8", "ignore"))
        if kind is not None:
            return kind
        if head.lstrip()[:1] in (b"{", b"["):
            raise NotAModel("a JSON file, not a TensorFlow graph",
                            "pass the .pb/.pbtxt model; Keras/TF.js JSON models are not TF1 graphs")
        raise NotAModel("a text file that is not a TensorFlow text-format graph",
                        "pass a GraphDef .pbtxt (it starts with `node {`) or a binary model")
    return sniff_binary(head if data is None else data)


def sniff_file(path: Path) -> str:
    """The sniffed kind of a file (one of the constants above); raises NotAModel or OSError (NotARegularFile
    for a FIFO, a device or a socket, which is never opened).

    Only the first bytes are read; a binary file is memory-mapped so that a graph whose first node
    is a big constant is still recognised without reading it.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotARegularFile(path, kind_of(mode))
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
        if not head or len(head) < HEAD_BYTES or foreign_format(head) is not None:
            return sniff_bytes(head)
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            try:
                return sniff_bytes(head, mm)  # type: ignore[arg-type]  # a buffer, read as a memoryview
            except NotAModel as exc:
                # Raised again once the mapping is closed: the traceback holds views into it.
                failure = (exc.what, exc.fix)
    raise NotAModel(*failure)
