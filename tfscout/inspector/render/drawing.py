"""Draw a neighbourhood or subgraph: Graphviz DOT text, and SVG/PNG/PDF through the ``dot`` program.

DOT is plain text built here; only the picture needs Graphviz (Debian's ``graphviz`` package).
Nodes are grouped into boxes by name scope, as TensorBoard does; the centre, the inputs and the
outputs are coloured, and nodes with edges to the rest of the graph have a dashed border.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from tfscout.errors import MissingDependencyError, TfscoutError, UsageError
from tfscout.inspector import optypes
from tfscout.inspector.explore import Neighbourhood
from tfscout.inspector.formats import shape_text
from tfscout.inspector.graph import Graph, GraphAnalysis, TensorRef

PICTURE_FORMATS = ("svg", "png", "pdf")
TEXT_FORMATS = ("dot", "gv")
DOT_TIMEOUT = 120.0


def quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node_style(g: Graph, hood: Neighbourhood, i: int, inputs: set[int], outputs: set[int]) -> str:
    op = g.ops[i]
    styles: list[str] = []
    attrs: list[str] = []
    fill = None
    if i == hood.centre:
        fill, styles = "#ffe08a", ["bold"]
        attrs.append("penwidth=2")
    elif i in inputs or op in optypes.PLACEHOLDER_OPS:
        fill = "#c8f0c8"
    elif i in outputs:
        fill = "#c8dcff"
    elif op in optypes.CONSTANT_LIKE_OPS:
        fill = "#eeeeee"
        attrs.append('fontcolor="#555555"')
    if fill:
        styles.append("filled")
        attrs.append(f'fillcolor="{fill}"')
    if i in hood.open_nodes:
        styles.append("dashed")
        attrs.append('color="#888888"')
    if styles:
        attrs.insert(0, f'style="{",".join(styles)}"')
    return " ".join(attrs)


def to_dot(g: Graph, hood: Neighbourhood, tensor_label: Callable[[TensorRef], str] | None = None,
           title: str | None = None) -> str:
    """DOT text for ``hood``; ``tensor_label`` gives the text on each data edge (dtype, shape)."""
    inputs = {r.node for r in hood.inputs}
    outputs = {r.node for r in hood.outputs}
    lines = ["digraph tfscout {", "  rankdir=TB; newrank=true;", '  node [shape=box fontname="Helvetica" fontsize=10];',
             '  edge [fontname="Helvetica" fontsize=8 color="#555555"];']
    if title:
        lines.append(f"  labelloc=t; label={quote(title)};")
    by_scope: dict[str, list[int]] = {}
    for i in hood.nodes:
        by_scope.setdefault(g.names[i].rpartition("/")[0], []).append(i)
    for k, (scope, members) in enumerate(sorted(by_scope.items())):
        boxed = bool(scope) and len(members) > 1
        indent = "    " if boxed else "  "
        if boxed:
            lines.append(f"  subgraph cluster_{k} {{")
            lines.append(f'    label={quote(scope)}; style="rounded"; color="#bbbbbb"; fontsize=9;')
        for i in members:
            name = g.names[i]
            shown = name.rpartition("/")[2] if boxed else name
            label = shown if shown == g.ops[i] else f"{shown}\n{g.ops[i]}"
            style = _node_style(g, hood, i, inputs, outputs)
            lines.append(f"{indent}n{i} [label={quote(label)} tooltip={quote(name)} {style}];")
        if boxed:
            lines.append("  }")
    for e in hood.edges:
        if e.control:
            lines.append(f"  n{e.src} -> n{e.dst} [style=dashed arrowhead=odot];")
            continue
        label = tensor_label(TensorRef(e.src, e.port)) if tensor_label else ""
        attrs = [f"taillabel={quote(str(e.port))}"] if e.port else []
        if label:
            attrs.append(f"label={quote(label)}")
        lines.append(f"  n{e.src} -> n{e.dst}" + (f" [{' '.join(attrs)}]" if attrs else "") + ";")
    if hood.truncated:
        lines.append(f"  more [shape=note label={quote(f'{hood.truncated} more nodes not drawn')} "
                     'fontcolor="#888888" color="#bbbbbb"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def tensor_caption(a: GraphAnalysis) -> Callable[[TensorRef], str]:
    """``float32 [?,28,28,1]`` for a tensor of ``a``: what each edge of a drawing says."""
    def caption(ref: TensorRef) -> str:
        return f"{a.graph.dtype(ref) or '?'} {shape_text(a.shapes.shape(ref))}"
    return caption


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """The output format asked for: ``fmt`` or the file's suffix (svg, png, pdf, dot)."""
    chosen = (fmt or Path(path).suffix.lstrip(".")).lower()
    if chosen not in PICTURE_FORMATS + TEXT_FORMATS:
        raise UsageError(f"cannot write a picture as '{chosen or Path(path).name}'",
                         "name the output .svg, .png, .pdf or .dot", path=str(path))
    return chosen


def dot_program(out: str | Path | None = None) -> str:
    """Path of Graphviz's ``dot``, or an error that says how to install it."""
    found = shutil.which("dot")
    if found is None:
        raise MissingDependencyError(
            "the Graphviz program `dot` is not installed, so no picture can be drawn",
            "install Graphviz: `sudo apt-get install graphviz` on Debian/Ubuntu, `brew install graphviz` "
            "on macOS; or write a .dot file instead", path=str(out) if out else None)
    return found


def write_picture(dot_text: str, out: str | Path, fmt: str | None = None, force: bool = True) -> Path:
    """Write ``dot_text`` to ``out`` as DOT, or render it with ``dot``; through a temporary file."""
    out = Path(out)
    kind = format_of(out, fmt)
    if out.exists() and not force:
        raise UsageError("the output file exists", "pass --force to overwrite it", path=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        if kind in TEXT_FORMATS:
            tmp.write_text(dot_text)
        else:
            _run_dot(dot_program(out), dot_text, kind, tmp, out)
        tmp.chmod(0o644)  # mkstemp makes it private; a picture is an ordinary file
        tmp.replace(out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


def _run_dot(program: str, dot_text: str, kind: str, tmp: Path, out: Path) -> None:
    try:
        done = subprocess.run([program, f"-T{kind}", "-o", str(tmp)], input=dot_text, text=True,
                              capture_output=True, timeout=DOT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise TfscoutError(f"Graphviz took more than {DOT_TIMEOUT:.0f} s to lay out the graph",
                           "draw fewer nodes (--depth, --max-nodes) or write .dot", path=str(out)) from None
    except OSError as exc:
        raise TfscoutError(f"cannot run Graphviz: {exc.strerror or exc}", "check the Graphviz installation",
                           path=str(out)) from None
    if done.returncode != 0:
        messages = done.stderr.strip().splitlines() or ["no message"]
        detail = next((m for m in messages if m.startswith(("Error", "dot: "))), messages[-1])[:200]
        raise TfscoutError(f"Graphviz failed: {detail}", "write .dot and inspect it", path=str(out))
