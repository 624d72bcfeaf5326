"""The neighbourhood of a node as a small layered picture of box-drawing characters.

Pure Python over :class:`~tfscout.inspector.Graph` (no Textual): what feeds the centre is
drawn above it and what it feeds below, data flowing down as in Netron. Only the neighbourhood
is looked at — ``depth`` levels each way and at most ``per_layer`` nodes a level, the rest
counted — so a node of a 100,000-node graph, or a hub read by thousands, draws at once.

Layers: an upstream node sits at minus its longest path to the centre, a downstream node at its
longest path from the centre (within the nodes kept). Within a layer, nodes are ordered by where
their neighbours in the layer nearer the centre sit. Edges between neighbouring layers are drawn;
an edge that skips a layer is written in the box it enters ("also from ...").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tfscout.inspector import Graph

UP, DOWN, LEFT, RIGHT = 1, 2, 4, 8
# box-drawing character for each set of directions a cell connects
_GLYPH = {UP | DOWN: "│", LEFT | RIGHT: "─", DOWN | RIGHT: "┌", DOWN | LEFT: "┐", UP | RIGHT: "└",
          UP | LEFT: "┘", UP | DOWN | RIGHT: "├", UP | DOWN | LEFT: "┤", DOWN | LEFT | RIGHT: "┬",
          UP | LEFT | RIGHT: "┴", UP | DOWN | LEFT | RIGHT: "┼", UP: "│", DOWN: "│", LEFT: "─", RIGHT: "─"}
GAP = 2          # columns between boxes
CHANNEL = 3      # rows between layers for the connectors
LABEL_WIDTH = 24  # longest text inside a box


@dataclass
class Box:
    node: int
    layer: int
    x: int = 0
    y: int = 0
    width: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.lines) + 2

    @property
    def mid(self) -> int:
        return self.x + self.width // 2


@dataclass
class Picture:
    """The drawing: text lines, the boxes with where they are, and what was left out."""

    lines: list[str]
    boxes: list[Box]
    centre: int
    hidden: int = 0  # neighbours within the depth that were not drawn

    def box_at(self, x: int, y: int) -> Box | None:
        for b in self.boxes:
            if b.x <= x < b.x + b.width and b.y <= y < b.y + b.height:
                return b
        return None

    @property
    def width(self) -> int:
        return max((len(line) for line in self.lines), default=0)


def _short(text: str, width: int = LABEL_WIDTH) -> str:
    """Keep the end of a long name (the leaf and its nearest scopes say most)."""
    return text if len(text) <= width else "…" + text[-(width - 1):]


def _neighbours(g: Graph, i: int, direction: int) -> list[int]:
    if direction < 0:
        return list(dict.fromkeys(src for src, _port in g.inputs[i]))
    return list(dict.fromkeys(dst for dst, _slot, _port in g.consumers[i]))


def _collect(g: Graph, centre: int, depth: int, per_layer: int) -> tuple[dict[int, int], int]:
    """Node -> signed distance (upstream negative), at most ``per_layer`` a distance; and how many were left out."""
    distance = {centre: 0}
    hidden = 0
    for direction in (-1, 1):
        frontier = [centre]
        for step in range(1, depth + 1):
            found: list[int] = []
            for i in frontier:
                for j in _neighbours(g, i, direction):
                    if j in distance or j in found:
                        continue
                    if len(found) < per_layer:
                        found.append(j)
                    else:
                        hidden += 1
            for j in found:
                distance[j] = direction * step
            frontier = found
    return distance, hidden


def _layers(g: Graph, distance: dict[int, int]) -> dict[int, int]:
    """Longest-path layers: upstream by the longest path to the centre, downstream from it."""
    layer = dict(distance)
    kept = set(distance)
    for direction in (-1, 1):
        side = sorted((i for i in kept if distance[i] * direction > 0), key=lambda i: abs(distance[i]))
        for _ in range(len(side)):  # relax until stable (the sets are tiny)
            changed = False
            for i in side:
                nearer = [j for j in _neighbours(g, i, -direction) if j in kept and layer[j] * direction >= 0
                          and abs(distance[j]) < abs(distance[i]) + 2]
                if not nearer:
                    continue
                want = max(abs(layer[j]) for j in nearer) + 1
                if want > abs(layer[i]):
                    layer[i] = direction * want
                    changed = True
            if not changed:
                break
    return layer


def _order(g: Graph, rows: dict[int, list[int]]) -> None:
    """Order each layer by the mean position of its neighbours in the layer nearer the centre."""
    for direction in (-1, 1):
        k = direction
        while k in rows:
            nearer = {n: p for p, n in enumerate(rows[k - direction])}

            def key(i: int, nearer: dict[int, int] = nearer, direction: int = direction) -> float:
                spots = [nearer[j] for j in _neighbours(g, i, -direction) if j in nearer]
                return sum(spots) / len(spots) if spots else float(len(nearer))

            rows[k].sort(key=key)
            k += direction


def _box(g: Graph, node: int, layer: int, also: list[str]) -> Box:
    name = g.names[node]
    leaf = name.rpartition("/")[2] or name
    lines = [_short(leaf), _short(g.ops[node])] if leaf != g.ops[node] else [_short(leaf)]
    scope = name.rpartition("/")[0]
    if scope:
        lines.insert(0, _short(scope + "/"))
    lines += [_short(f"also from {a}") for a in also[:2]]
    if len(also) > 2:
        lines.append(f"also from {len(also) - 2} more")
    width = max(len(line) for line in lines) + 4
    return Box(node, layer, width=width, lines=lines)


def draw_neighbourhood(g: Graph, centre: int, depth: int = 2, per_layer: int = 4) -> Picture:
    """The picture of ``centre`` with ``depth`` levels of inputs above it and of consumers below."""
    distance, hidden = _collect(g, centre, max(0, depth), max(1, per_layer))
    layer = _layers(g, distance)
    rows: dict[int, list[int]] = {}
    for i in sorted(distance, key=lambda i: (abs(distance[i]), g.names[i])):
        rows.setdefault(layer[i], []).append(i)
    _order(g, rows)
    kept = set(distance)
    edges = [(src, dst) for dst in kept for src in _neighbours(g, dst, -1) if src in kept and src != dst]
    adjacent = [(s, d) for s, d in edges if layer[d] == layer[s] + 1]
    skipped: dict[int, list[str]] = {}
    for s, d in edges:
        if layer[d] != layer[s] + 1:
            skipped.setdefault(d, []).append(g.names[s].rpartition("/")[2] or g.names[s])
    boxes = {i: _box(g, i, layer[i], skipped.get(i, [])) for i in kept}
    # place: layers top to bottom, boxes left to right, each row centred on the widest
    order = sorted(rows)
    row_width = {k: sum(boxes[i].width for i in rows[k]) + GAP * (len(rows[k]) - 1) for k in order}
    total = max(row_width.values(), default=0)
    y = 0
    for k in order:
        x = (total - row_width[k]) // 2
        height = max(boxes[i].height for i in rows[k])
        for i in rows[k]:
            boxes[i].x, boxes[i].y = x, y
            x += boxes[i].width + GAP
        y += height + CHANNEL
    canvas = _Canvas(total, max(0, y - CHANNEL))
    for b in boxes.values():
        canvas.box(b, double=b.node == centre)
    row_bottom = {k: max(boxes[i].y + boxes[i].height for i in rows[k]) for k in order}
    for s, d in adjacent:
        canvas.connect(boxes[s], boxes[d], row_bottom[layer[s]])
    return Picture(lines=canvas.lines(), boxes=list(boxes.values()), centre=centre, hidden=hidden)


class _Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.text = [[" "] * width for _ in range(height)]
        self.links = [[0] * width for _ in range(height)]

    def put(self, x: int, y: int, ch: str) -> None:
        if 0 <= y < len(self.text) and 0 <= x < len(self.text[y]):
            self.text[y][x] = ch

    def link(self, x: int, y: int, directions: int) -> None:
        if 0 <= y < len(self.links) and 0 <= x < len(self.links[y]):
            self.links[y][x] |= directions

    def box(self, b: Box, double: bool = False) -> None:
        h, v, tl, tr, bl, br = ("═", "║", "╔", "╗", "╚", "╝") if double else ("─", "│", "┌", "┐", "└", "┘")
        right, bottom = b.x + b.width - 1, b.y + b.height - 1
        for x in range(b.x + 1, right):
            self.put(x, b.y, h)
            self.put(x, bottom, h)
        for y in range(b.y + 1, bottom):
            self.put(b.x, y, v)
            self.put(right, y, v)
        self.put(b.x, b.y, tl)
        self.put(right, b.y, tr)
        self.put(b.x, bottom, bl)
        self.put(right, bottom, br)
        for k, line in enumerate(b.lines):
            for j, ch in enumerate(line):
                self.put(b.x + 2 + j, b.y + 1 + k, ch)

    def connect(self, src: Box, dst: Box, below: int) -> None:
        """From the bottom of ``src`` down, across in the channel's middle row, down into ``dst``."""
        sx, dx = src.mid, dst.mid
        start = src.y + src.height - 1
        self.put(sx, start, "╤" if self.text[start][sx] == "═" else "┬")
        mid = below + CHANNEL // 2
        for y in range(start + 1, mid):
            self.link(sx, y, UP | DOWN)
        if sx == dx:
            self.link(sx, mid, UP | DOWN)
        else:
            self.link(sx, mid, UP | (RIGHT if dx > sx else LEFT))
            for x in range(min(sx, dx) + 1, max(sx, dx)):
                self.link(x, mid, LEFT | RIGHT)
            self.link(dx, mid, DOWN | (LEFT if dx > sx else RIGHT))
        for y in range(mid + 1, dst.y - 1):
            self.link(dx, y, UP | DOWN)
        self.put(dx, dst.y - 1, "▼")

    def lines(self) -> list[str]:
        out = []
        for y, row in enumerate(self.text):
            chars = [(_GLYPH.get(self.links[y][x], ch) if self.links[y][x] and ch == " " else ch)
                     for x, ch in enumerate(row)]
            out.append("".join(chars).rstrip())
        return out
