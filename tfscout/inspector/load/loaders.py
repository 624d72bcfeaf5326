"""Load any TF1 model format into a :class:`ModelSource`, without TensorFlow.

Formats: a GraphDef (binary or text), a MetaGraphDef (``.meta``, alone or beside its checkpoint),
a checkpoint directory or prefix, and a TF1 SavedModel directory (every tag set and signature).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf import message as pb_message
from google.protobuf import text_format

from tfscout.errors import ModelLoadError
from tfscout.inspector import optypes
from tfscout.inspector.load import sniff
from tfscout.inspector.load.checkpoints import checkpoint_data_exists, checkpoint_prefix_in
from tfscout.inspector.load.files import NotARegularFile, read_regular_file
from tfscout.inspector.load.protos import GraphDef, MetaGraphDef, WireError, WireReader
from tfscout.inspector.load.signatures import (
    Signature,
    node_collections,
    session_bundle_signatures,
    signatures_from_meta,
)

FORMATS = ("graphdef", "graphdef_text", "metagraph", "saved_model", "checkpoint")


@dataclass
class ModelSource:
    """What was read from disk: the graph and everything around it that helps name its interface."""

    path: str
    model_file: str
    format: str
    graph_def: GraphDef
    size_bytes: int
    meta_graph: MetaGraphDef | None = None
    checkpoint_prefix: str | None = None
    saved_model_dir: str | None = None
    tags: list[str] = field(default_factory=list)
    tag_sets: list[list[str]] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    collections: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Big constants whose values were left on disk (node name -> bytes); empty when all was read.
    elided_constants: dict[str, int] = field(default_factory=dict)

    @property
    def function_count(self) -> int:
        return len(self.graph_def.library.function)


def _fail(path: Path | str, message: str, fix: str) -> ModelLoadError:
    return ModelLoadError(message, fix, path=str(path))


def _read(path: Path) -> bytes:
    try:
        return read_regular_file(path)
    except NotARegularFile as exc:
        raise _fail(path, f"is {exc.kind}, not a regular file",
                    "pass the model file itself (tfscout reads only regular files)") from None
    except PermissionError:
        raise _fail(path, "permission denied", "check the file's permissions") from None
    except IsADirectoryError:
        raise _fail(path, "is a directory", "pass the directory itself or a file inside it") from None
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror})", "check the path") from None


def _parse_binary(message: pb_message.Message, data: bytes, path: Path, what: str) -> None:
    try:
        message.ParseFromString(data)
    except (pb_message.DecodeError, RuntimeError, ValueError) as exc:
        detail = _protobuf_detail(str(exc)) or type(exc).__name__
        raise _fail(path, f"truncated or corrupt {what} ({detail})",
                    "the file is damaged or incomplete; copy or export it again") from None


def _protobuf_detail(text: str) -> str:
    """protobuf's message without the package its classes live in here (``tensorboard.NodeDef``)."""
    text = re.sub(r" with type '[^']*'", "", text)
    return re.sub(r"\"tensorboard\.([\w.]+)\"", r"\1", text)


# protobuf's text parser skips whitespace with a regular expression that keeps about 150 bytes per
# character of a run: 20 MB of spaces took 3 GB. Runs this long are squeezed first (outside strings,
# which keep their bytes; a run with a line break becomes one line break).
_LONG_BLANK_RUN = re.compile(r"\s{4096}")
_TEXT_PIECES = re.compile(r'"(?:[^"\\\n]++|\\.)*+"|\'(?:[^\'\\\n]++|\\.)*+\'|#[^\n]*+|\s{2,}+')


def _squeezed(text: str) -> str:
    """``text`` with its long runs of whitespace outside strings and comments made one character."""
    if not _LONG_BLANK_RUN.search(text):
        return text

    def piece(match: re.Match[str]) -> str:
        got = match.group(0)
        if not got[0].isspace():
            return got
        return "\n" if "\n" in got else " "
    return _TEXT_PIECES.sub(piece, text)


def _parse_text(message: pb_message.Message, data: bytes, path: Path, what: str) -> None:
    try:
        text = _squeezed(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _fail(path, f"text-format {what} is not valid UTF-8 at byte {exc.start}",
                    "re-export it, or pass the binary .pb") from None
    try:
        text_format.Parse(text, message, allow_unknown_extension=True, allow_field_number=True)
    except RecursionError:
        raise _fail(path, f"text-format {what} nests messages too deeply to read",
                    "no real graph nests this deep: the file is damaged or was made to break readers") from None
    except text_format.ParseError as exc:
        line = getattr(exc, "GetLine", lambda: None)()
        col = getattr(exc, "GetColumn", lambda: None)()
        detail = _protobuf_detail(str(exc))
        if line is not None:
            detail = re.sub(r"^\d+:\d+ : ", "", detail)
            where = f"line {line}, column {col}"
        else:
            where = "somewhere in the file"
        raise _fail(path, f"text-format {what} syntax error at {where}: {detail}",
                    "fix the file at that line, or pass the binary .pb") from None


def _sniff_file(path: Path, data: bytes) -> str:
    try:
        return sniff.sniff_bytes(data[:sniff.HEAD_BYTES], data)
    except sniff.NotAModel as exc:
        raise _fail(path, exc.what, exc.fix) from None


# ---------------------------------------------------------------------------------------------
# Public entry points


def _parse(message: pb_message.Message, data: bytes, path: Path, text: bool, what: str) -> None:
    (_parse_text if text else _parse_binary)(message, data, path, what)


def graph_def_from_bytes(data: bytes, path: Path, kind: str) -> GraphDef:
    graph = GraphDef()
    _parse(graph, data, path, kind == sniff.GRAPHDEF_TEXT, "GraphDef")
    return graph


def _meta_from_bytes(data: bytes, path: Path, kind: str) -> MetaGraphDef:
    meta = MetaGraphDef()
    _parse(meta, data, path, kind == sniff.METAGRAPH_TEXT, "MetaGraphDef")
    return meta


def _saved_model_metas(data: bytes, path: Path, kind: str) -> list[MetaGraphDef]:
    """A SavedModel is ``saved_model_schema_version`` (1) plus repeated MetaGraphDef (2)."""
    if kind == sniff.SAVED_MODEL_TEXT:
        metas = []
        text = _squeezed(data.decode("utf-8", "replace"))
        wrapper = _text_saved_model_wrapper()
        try:
            text_format.Parse(text, wrapper, allow_unknown_extension=True)
        except (text_format.ParseError, RecursionError) as exc:
            raise _fail(path, f"text-format SavedModel syntax error: {exc}", "fix the file or pass the binary") from None
        metas.extend(wrapper.meta_graphs)
        return metas
    metas = []
    try:
        for f in WireReader(data).fields():
            if f.number == 2 and f.wire_type == 2:
                meta = MetaGraphDef()
                _parse_binary(meta, bytes(f.value), path, "SavedModel meta graph")
                metas.append(meta)
    except WireError as exc:
        raise _fail(path, f"truncated or corrupt SavedModel ({exc})", "export the SavedModel again") from None
    return metas


def _text_saved_model_wrapper() -> pb_message.Message:
    """A message class equivalent to tensorflow.SavedModel, built at run time for text parsing."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    pool = descriptor_pool.Default()
    try:
        desc = pool.FindMessageTypeByName("tfscout.SavedModel")
    except KeyError:
        fdp = descriptor_pb2.FileDescriptorProto(
            name="tfscout_saved_model.proto", package="tfscout",
            dependency=[MetaGraphDef.DESCRIPTOR.file.name], syntax="proto3")
        msg = fdp.message_type.add(name="SavedModel")
        msg.field.add(name="saved_model_schema_version", number=1, type=3, label=1)
        msg.field.add(name="meta_graphs", number=2, type=11, label=3, type_name="." + MetaGraphDef.DESCRIPTOR.full_name)
        pool.Add(fdp)
        desc = pool.FindMessageTypeByName("tfscout.SavedModel")
    return message_factory.GetMessageClass(desc)()


def _choose_meta(metas: list[MetaGraphDef], tags: list[str] | None, path: Path) -> MetaGraphDef:
    tag_sets = [list(m.meta_info_def.tags) for m in metas]
    if tags:
        for meta, ts in zip(metas, tag_sets, strict=False):
            if set(ts) == set(tags):
                return meta
        available = "; ".join(",".join(ts) or "(none)" for ts in tag_sets)
        raise _fail(path, f"no meta graph with tags {','.join(tags)}", f"available tag sets: {available}")
    for meta, ts in zip(metas, tag_sets, strict=False):
        if "serve" in ts:
            return meta
    return metas[0]


def load_saved_model(directory: Path, tags: list[str] | None, given: str) -> ModelSource:
    model_file = directory / "saved_model.pb"
    if not model_file.exists():
        model_file = directory / "saved_model.pbtxt"
    data = _read(model_file)
    return _saved_model_source(model_file, data, _sniff_file(model_file, data), tags, given)


def _saved_model_source(model_file: Path, data: bytes, kind: str, tags: list[str] | None, given: str) -> ModelSource:
    """A SavedModel proto (or a file named like one holding a meta graph or a bare GraphDef)."""
    if kind in sniff.METAGRAPH_KINDS:
        metas = [_meta_from_bytes(data, model_file, kind)]
    elif kind in (sniff.SAVED_MODEL, sniff.SAVED_MODEL_TEXT):
        metas = _saved_model_metas(data, model_file, kind)
    else:
        return _graphdef_source(given, model_file, data, kind,
                                [f"{model_file.name} holds a bare GraphDef, not a SavedModel; read it as a GraphDef"])
    if not metas:
        raise _fail(model_file, "the SavedModel has no meta graphs", "export the SavedModel again")
    meta = _choose_meta(metas, tags, model_file)
    chosen = list(meta.meta_info_def.tags)
    directory = model_file.parent
    source = ModelSource(
        path=given, model_file=str(model_file), format="saved_model", graph_def=meta.graph_def,
        size_bytes=len(data), meta_graph=meta, saved_model_dir=str(directory), tags=chosen,
        tag_sets=[list(m.meta_info_def.tags) for m in metas],
        signatures=signatures_from_meta(meta, chosen) + session_bundle_signatures(meta),
        collections=node_collections(meta),
    )
    if not model_file.name.startswith("saved_model."):
        source.warnings.append(f"a SavedModel file named {model_file.name}; variables are looked for beside it")
    if not checkpoint_data_exists(str(directory / "variables" / "variables")) and _has_variables(meta.graph_def):
        source.warnings.append("the SavedModel has no variables/ data: inspect works, freeze and convert do not")
    if meta.HasField("object_graph_def") and not meta.graph_def.node:
        source.warnings.append("a TF2 SavedModel: its graph lives in functions; tfscout reads TF1 graphs")
    return source


def _has_variables(graph: GraphDef) -> bool:
    return any(n.op in optypes.VARIABLE_OPS for n in graph.node)


def load_metagraph(meta_file: Path, data: bytes, kind: str, given: str, prefix: str | None = None) -> ModelSource:
    meta = _meta_from_bytes(data, meta_file, kind)
    if prefix is None and meta_file.name.endswith(".meta"):
        prefix = str(meta_file)[: -len(".meta")]
    has_data = prefix is not None and checkpoint_data_exists(prefix)
    source = ModelSource(
        path=given, model_file=str(meta_file), format="checkpoint" if has_data else "metagraph",
        graph_def=meta.graph_def, size_bytes=len(data), meta_graph=meta,
        checkpoint_prefix=prefix if has_data else None, tags=list(meta.meta_info_def.tags),
        signatures=signatures_from_meta(meta, list(meta.meta_info_def.tags)) + session_bundle_signatures(meta),
        collections=node_collections(meta),
    )
    if not has_data and _has_variables(meta.graph_def):
        source.warnings.append(
            "no checkpoint data beside this .meta: inspect works, freeze and convert need the "
            ".index/.data files (or pass the checkpoint prefix)")
    return source


def _graphdef_source(given: str, path: Path, data: bytes, kind: str, warnings: list[str] | None = None) -> ModelSource:
    graph = graph_def_from_bytes(data, path, kind)
    return ModelSource(path=given, model_file=str(path), format=kind, graph_def=graph,
                       size_bytes=len(data), warnings=list(warnings or []))


def _lazy_graphdef_source(path: Path, given: str) -> ModelSource | None:
    """A big binary GraphDef read without its weights; None when the file is small or not one."""
    from tfscout.inspector.load.bigfile import LAZY_MIN_FILE_BYTES, read_graph_def_lazily

    try:
        size = path.stat().st_size
        if size < LAZY_MIN_FILE_BYTES:
            return None
        with path.open("rb") as fh:
            head = fh.read(sniff.HEAD_BYTES)
    except OSError:
        return None
    try:
        if sniff.foreign_format(head) is not None or sniff.sniff_bytes(head) != sniff.GRAPHDEF:
            return None
        lazy = read_graph_def_lazily(path)
    except (sniff.NotAModel, WireError, pb_message.DecodeError, RuntimeError, ValueError):
        return None  # the ordinary reader reports the problem precisely
    source = ModelSource(path=given, model_file=str(path), format=sniff.GRAPHDEF, graph_def=lazy.graph_def,
                         size_bytes=size, elided_constants=lazy.elided)
    return source


def _load_directory(directory: Path, tags: list[str] | None, given: str, lazy_constants: bool = False) -> ModelSource:
    if (directory / "saved_model.pb").exists() or (directory / "saved_model.pbtxt").exists():
        return load_saved_model(directory, tags, given)
    prefix, warnings = checkpoint_prefix_in(directory)
    if prefix is not None:
        meta_file = Path(prefix + ".meta")
        data = _read(meta_file)
        source = load_metagraph(meta_file, data, _sniff_file(meta_file, data), given, prefix)
        source.warnings[:0] = warnings
        return source
    graphs = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in (".pb", ".pbtxt", ".graphdef"))
    if len(graphs) == 1:
        return load_source(graphs[0], tags, given, lazy_constants)
    if graphs:
        names = ", ".join(p.name for p in graphs[:5])
        raise _fail(directory, f"the directory holds several graphs ({names})", "pass one of them")
    if Path(str(directory / "variables") + "/variables.index").is_file():
        raise _fail(directory, "a SavedModel directory without saved_model.pb", "copy saved_model.pb back into it")
    raise _fail(directory, "no model in this directory (no saved_model.pb, checkpoint, *.meta or *.pb)",
                "pass the model file, a checkpoint directory or a SavedModel directory")


def load_source(path: str | Path, tags: list[str] | None = None, given: str | None = None,
               lazy_constants: bool = False) -> ModelSource:
    """Read any supported TF1 model from ``path`` (a file, a directory or a checkpoint prefix).

    With ``lazy_constants`` a big binary GraphDef is read without the values of its big constants
    (enough to analyse it; see ``elided_constants``); never use that graph to convert.
    """
    p = Path(path)
    given = given if given is not None else str(path)
    if p.is_dir():
        return _load_directory(p, tags, given, lazy_constants)
    if not p.exists():
        if Path(str(p) + ".meta").is_file():  # a checkpoint prefix such as model.ckpt-42000
            meta_file = Path(str(p) + ".meta")
            data = _read(meta_file)
            return load_metagraph(meta_file, data, _sniff_file(meta_file, data), given, str(p))
        if p.suffix in (".index",) or re.search(r"\.data-\d+-of-\d+$", p.name):
            raise _fail(p, "no such file", "pass the checkpoint prefix or its .meta file")
        raise _fail(p, "no such file or directory", "check the path")
    if p.suffix == ".index" or re.search(r"\.data-\d+-of-\d+$", p.name):
        prefix = str(p)[: -len(".index")] if p.suffix == ".index" else re.sub(r"\.data-\d+-of-\d+$", "", str(p))
        if Path(prefix + ".meta").is_file():
            return load_source(prefix, tags, given)
        raise _fail(p, "checkpoint data holds weights only, no graph", "pass the .meta file written beside it")
    if lazy_constants:
        lazy = _lazy_graphdef_source(p, given)
        if lazy is not None:
            return lazy
    data = _read(p)
    kind = _sniff_file(p, data)
    if kind in (sniff.GRAPHDEF, sniff.GRAPHDEF_TEXT):
        return _graphdef_source(given, p, data, kind)
    if kind in sniff.METAGRAPH_KINDS:
        return load_metagraph(p, data, kind, given)
    return _saved_model_source(p, data, kind, tags, given)
