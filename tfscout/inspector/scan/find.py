"""Find every TF1 model under a folder, by content, each model once.

A SavedModel directory (it holds ``saved_model.pb`` or ``saved_model.pbtxt``) is one model: nothing
inside it is looked at again (not its ``variables/``, not its assets). Every other regular file is
sniffed from its bytes (:func:`tfscout.inspector.load.sniff_file`); a ``.meta`` with checkpoint data beside it
is a checkpoint, and its ``.index``/``.data-*`` files, older checkpoints of the same run and the
``checkpoint`` state file belong to it. Checkpoint data without a graph, and files named like a
model that are not one (empty, truncated, an image), are reported as problems, not skipped.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from tfscout.inspector.load import METAGRAPH_KINDS, REPORT_FORMAT, NotAModel, sniff_file

SAVED_MODEL_FILES = ("saved_model.pb", "saved_model.pbtxt")
# Names that say "this is meant to be a model": a file with one of them that is not a model is a problem.
MODEL_SUFFIXES = frozenset({".pb", ".pbtxt", ".pbtext", ".meta", ".graphdef"})
_SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__"})
# Checkpoint files are defined by their names: PREFIX.index, PREFIX.data-00000-of-00001 (V2) and
# PREFIX-00000-of-00001 (V1 shards); PREFIX-<step> is one step of a training run.
_INDEX_RE = re.compile(r"^(?P<prefix>.+)\.index$")
_DATA_RE = re.compile(r"^(?P<prefix>.+)\.data-\d+-of-\d+$")
_V1_SHARD_RE = re.compile(r"^(?P<prefix>.+)-\d{5}-of-\d{5}$")
_STEP_RE = re.compile(r"-(\d+)$")
_LATEST_RE = re.compile(r'^\s*model_checkpoint_path\s*:\s*"((?:[^"\\]|\\.)*)"', re.MULTILINE)


@dataclass
class FoundModel:
    """One model under the scanned folder: what to load, its files, and what tells a changed model."""

    rel: str  # relative to the scanned folder, with "/"; "." for the folder itself
    path: str  # what to load (the folder as given, joined with ``rel``)
    format: str | None  # from the bytes (or the layout); the loader has the last word
    size: int  # bytes of every file of the model
    fingerprint: list[int]  # [size, mtime_ns] of the model file, and ``size``
    error: str | None = None  # set when the model is known broken without loading it


@dataclass
class Discovery:
    models: list[FoundModel] = field(default_factory=list)
    older_checkpoints: int = 0  # earlier steps of a training run, left out for its latest
    files_seen: int = 0


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _fingerprint(model_file: Path, size: int) -> list[int]:
    try:
        st = model_file.stat()
    except OSError:
        return [-1, -1, size]
    return [st.st_size, st.st_mtime_ns, size]


def _is_regular(entry: os.DirEntry[str]) -> bool:
    try:
        return stat.S_ISREG(entry.stat(follow_symlinks=True).st_mode)
    except OSError:
        return False


class _Finder:
    def __init__(self, root: Path, given: str, skip: set[Path]) -> None:
        self.root = root
        self.given = given
        self.skip = skip
        self.found = Discovery()

    def rel(self, path: Path) -> str:
        rel = path.relative_to(self.root).as_posix()
        return rel or "."

    def joined(self, rel: str) -> str:
        return self.given if rel == "." else str(Path(self.given) / rel)

    def add(self, path: Path, model_file: Path, fmt: str | None, size: int, error: str | None = None) -> None:
        rel = self.rel(path)
        if error is not None:
            error = f"{self.joined(rel)}: {error}"
        self.found.models.append(FoundModel(rel, self.joined(rel), fmt, size, _fingerprint(model_file, size), error))

    def walk(self) -> Discovery:
        stack = [self.root]
        while stack:
            directory = stack.pop()
            try:
                with os.scandir(directory) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                self.add(directory, directory, None, 0, f"cannot list the directory ({exc.strerror}) "
                                                        "(check its permissions)")
                continue
            if any(e.name in SAVED_MODEL_FILES and _is_regular(e) for e in entries):
                self._saved_model(directory)
                continue
            files = [e for e in entries if _is_regular(e) and Path(e.path).resolve() not in self.skip]
            self.found.files_seen += len(files)
            self._files(directory, files)
            stack.extend(sorted((Path(e.path) for e in entries
                                 if e.is_dir(follow_symlinks=False) and e.name not in _SKIPPED_DIRS), reverse=True))
        self.found.models.sort(key=lambda m: m.rel)
        return self.found

    def _saved_model(self, directory: Path) -> None:
        size = 0
        for dirpath, _dirs, filenames in os.walk(directory):
            size += sum(_file_size(Path(dirpath) / f) for f in filenames)
        model_file = next(directory / n for n in SAVED_MODEL_FILES if (directory / n).is_file())
        self.found.files_seen += 1
        self.add(directory, model_file, "saved_model", size)

    def _files(self, directory: Path, files: list[os.DirEntry[str]]) -> None:
        by_name = {e.name: Path(e.path) for e in files}
        checkpoint_named = {n for n in by_name if _INDEX_RE.match(n) or _DATA_RE.match(n) or _V1_SHARD_RE.match(n)}
        metas: dict[str, Path] = {}  # prefix (file name without .meta) -> path, for metas with data
        owned: set[str] = set()
        sniffed: list[tuple[Path, str]] = []
        for name, path in by_name.items():
            if name in checkpoint_named:
                continue
            try:
                kind = sniff_file(path)
            except NotAModel as exc:
                if path.suffix in MODEL_SUFFIXES:
                    self.add(path, path, None, _file_size(path), f"{exc.what} ({exc.fix})")
                continue
            except (OSError, ValueError) as exc:
                if path.suffix in MODEL_SUFFIXES:
                    self.add(path, path, None, 0, f"cannot read the file ({exc}) (check its permissions)")
                continue
            if kind in METAGRAPH_KINDS and name.endswith(".meta"):
                data = _checkpoint_files(name[: -len(".meta")], by_name)
                if data:
                    metas[name[: -len(".meta")]] = path
                    owned.update(data)
                    continue
            sniffed.append((path, kind))
        for path, kind in sniffed:
            self.add(path, path, REPORT_FORMAT.get(kind), _file_size(path))
        self._checkpoints(directory, metas, by_name)
        if metas:
            owned.add("checkpoint")
        self._orphans(checkpoint_named - owned, by_name)

    def _checkpoints(self, directory: Path, metas: dict[str, Path], by_name: dict[str, Path]) -> None:
        """One row per training run: the latest checkpoint (the one the ``checkpoint`` file names)."""
        latest_name = _latest_name(by_name["checkpoint"]) if "checkpoint" in by_name else None
        runs: dict[str, list[str]] = {}
        for prefix in metas:
            runs.setdefault(_STEP_RE.sub("", prefix), []).append(prefix)
        for prefixes in runs.values():
            chosen = latest_name if latest_name in prefixes else max(prefixes, key=_step_key)
            self.found.older_checkpoints += len(prefixes) - 1
            files = [metas[chosen]] + [by_name[n] for n in _checkpoint_files(chosen, by_name)]
            self.add(metas[chosen], metas[chosen], "checkpoint", sum(_file_size(f) for f in files))

    def _orphans(self, names: set[str], by_name: dict[str, Path]) -> None:
        """Checkpoint data with no graph beside it: one problem per checkpoint, at its .index (or first file)."""
        prefixes: dict[str, list[str]] = {}
        for name in names:
            match = _INDEX_RE.match(name) or _DATA_RE.match(name) or _V1_SHARD_RE.match(name)
            if match:
                prefixes.setdefault(match.group("prefix"), []).append(name)
        for prefix, members in sorted(prefixes.items()):
            first = by_name[f"{prefix}.index"] if f"{prefix}.index" in members else by_name[sorted(members)[0]]
            self.add(first, first, "checkpoint", sum(_file_size(by_name[n]) for n in members),
                     "checkpoint data without its graph: weights only, no .meta beside it "
                     "(find the .meta written with it, or rebuild the graph with the code that trained it)")


def _checkpoint_files(prefix: str, by_name: dict[str, Path]) -> list[str]:
    """Names of the data files of checkpoint ``prefix`` among ``by_name`` (V2 index/data, V1 shards or file)."""
    out = []
    for name in by_name:
        if name == f"{prefix}.index" or name == prefix:  # V2 index, or a V1 checkpoint in one file
            out.append(name)
            continue
        match = _DATA_RE.match(name) or _V1_SHARD_RE.match(name)
        if match and match.group("prefix") == prefix:
            out.append(name)
    return out


def _latest_name(state: Path) -> str | None:
    """The file name of the prefix a ``checkpoint`` state file names as the latest (paths may be stale)."""
    try:
        match = _LATEST_RE.search(state.read_text(errors="replace"))
    except OSError:
        return None
    return Path(match.group(1).replace("\\\\", "\\")).name if match else None


def _step_key(prefix: str) -> tuple[int, str]:
    match = _STEP_RE.search(prefix)
    return (int(match.group(1)) if match else -1, prefix)


def find_models(folder: str | Path, skip: set[Path] | None = None) -> Discovery:
    """Every model under ``folder`` (sorted by relative path); files in ``skip`` are not looked at."""
    root = Path(folder)
    return _Finder(root, str(folder), {p.resolve() for p in skip or set()}).walk()
