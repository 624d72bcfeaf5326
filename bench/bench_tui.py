"""Benchmarks of the terminal UI on a 100,000-node synthetic TF1 graph (and the bundled checkpoint).

Measures search latency (the index alone, and typing in the UI), time to the first screen, to a
browsable graph and to the recommendation (headless and in a real terminal under tmux), how long
the event loop stalls while the model loads in a worker, and where the loading time goes.
Writes the "tui" section of docs/BENCHMARKS.md.

    python bench/bench_tui.py [--nodes 100000] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.docsections import machine_description, markdown_table, write_section  # noqa: E402
from bench.synthetic import make_graph  # noqa: E402

QUERIES = ["keep_prob", "relu", "Conv2D", "s3b12", "stage_3/block_12", "gradients", "op:MatMul", "m", "mo",
           "applygrad", "zzzz"]
TYPED = "keep_prob"
REPEATS = 7
TICK = 0.02


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def s(seconds: float) -> str:
    return f"{seconds:.2f} s"


def bench_search(model: Path) -> tuple[list[list[object]], dict[str, float]]:
    from tfscout.inspector import NodeSearch, ScopeIndex, analyse_path

    g = analyse_path(model).graph
    t = time.perf_counter()
    index = NodeSearch(g.names, g.ops)
    build = time.perf_counter() - t
    t = time.perf_counter()
    ScopeIndex(g.names)
    scopes = time.perf_counter() - t
    rows: list[list[object]] = []
    worst = 0.0
    for query in QUERIES:
        times = []
        total = 0
        for _ in range(REPEATS):
            t = time.perf_counter()
            total = index.search(query).total
            times.append(time.perf_counter() - t)
        worst = max(worst, max(times))
        rows.append([f"`{query}`", f"{total:,}", ms(statistics.median(times)), ms(max(times))])
    typed = []
    for k in range(1, len(TYPED) + 1):
        t = time.perf_counter()
        index.search(TYPED[:k])
        typed.append(time.perf_counter() - t)
    return rows, {"index": build, "scopes": scopes, "worst": worst, "typed_max": max(typed),
                  "typed_median": statistics.median(typed)}


async def _headless(model: Path, search: bool) -> dict[str, float]:
    from textual import events

    from tfscout.tui.app import make_app
    from tfscout.tui.screens.search import SearchScreen

    out: dict[str, float] = {}
    ticks: list[float] = []
    start = time.perf_counter()
    app = make_app(str(model))
    async with app.run_test(size=(160, 48)) as pilot:
        out["first_screen"] = time.perf_counter() - start
        app.set_interval(TICK, lambda: ticks.append(time.perf_counter()))
        screen = app.screen_stack[0]
        while screen.model is None:  # type: ignore[attr-defined]
            await asyncio.sleep(0.01)
        out["browsable"] = time.perf_counter() - start
        while screen.report is None:  # type: ignore[attr-defined]
            await asyncio.sleep(0.01)
        out["ranked"] = time.perf_counter() - start
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        out["stall"] = max(gaps, default=0.0) - TICK
        out["stall_p95"] = (sorted(gaps)[int(len(gaps) * 0.95)] - TICK) if gaps else 0.0
        if search:
            await pilot.press("slash")
            while not isinstance(app.screen, SearchScreen):
                await asyncio.sleep(0.005)
            await pilot.pause(0.2)
            latencies = []
            for k, ch in enumerate(TYPED):  # keys go straight to the focused input (Pilot.press also waits for idle)
                t = time.perf_counter()
                app.screen.focused.post_message(events.Key(ch, ch))  # type: ignore[union-attr]
                while app.screen.shown_query != TYPED[: k + 1]:  # type: ignore[attr-defined]
                    await asyncio.sleep(0.001)
                latencies.append(time.perf_counter() - t)
            out["ui_search_max"] = max(latencies)
            out["ui_search_median"] = statistics.median(latencies)
    return out


def bench_terminal(model: Path, wait_for: str, timeout: float = 120.0) -> float | None:
    """Seconds from starting ``tfscout tui MODEL`` in tmux (160x48) until ``wait_for`` is on screen."""
    if shutil.which("tmux") is None:
        return None
    exe = Path(sys.executable).with_name("tfscout")
    name = f"tfscout-bench-{uuid.uuid4().hex[:8]}"
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "160", "-y", "48", "-e", "TERM=xterm-256color",
                    "-e", "COLUMNS=160", "-e", "LINES=48", f"{exe} tui {model}"], check=True)
    try:
        while time.perf_counter() - start < timeout:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True,
                                    text=True, check=False).stdout
            if wait_for in screen:
                return time.perf_counter() - start
            time.sleep(0.02)
        return None
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)


PICTURED = ["output/Softmax", "model/stage_3/block_12/conv/Relu", "keep_prob", "inputs/images",
            "GradientDescent/learning_rate"]  # the last is a hub read by thousands of nodes


def bench_picture(model: Path) -> tuple[list[list[object]], dict[str, float]]:
    """The graph picture (``g``) and the scope marks, as the UI's workers and handlers compute them."""
    from tfscout.tui.session import Choice, compute_report, load_model, scope_counts, training_scopes
    from tfscout.tui.widgets.glyph_graph import draw_neighbourhood

    loaded = load_model(str(model))
    g = loaded.graph
    rows: list[list[object]] = []
    for name in PICTURED:
        i = g.find(name)
        if i is None:
            continue
        times = []
        for _ in range(REPEATS):
            t = time.perf_counter()
            picture = draw_neighbourhood(g, i, 2)
            times.append(time.perf_counter() - t)
        rows.append([f"`{name}`", f"{len(g.consumers[i]):,}", f"{len(picture.boxes)}", f"{picture.hidden:,}",
                     ms(statistics.median(times))])
    ranked = compute_report(loaded, Choice())
    assert ranked is not None
    t = time.perf_counter()
    scope_counts(g.names, ranked.iface.subgraph)
    on_path = time.perf_counter() - t
    t = time.perf_counter()
    training_scopes(loaded)
    training = time.perf_counter() - t
    return rows, {"on_path": on_path, "training": training, "path_nodes": float(len(ranked.iface.subgraph))}


def bench_inspector(model: Path) -> list[list[object]]:
    """Where loading time goes: the core calls the UI's workers make, one by one."""
    from tfscout.inspector import analyse_path, choose_interface, report_for

    rows: list[list[object]] = []
    t = time.perf_counter()
    a = analyse_path(model)
    rows.append(["`inspector.api.analyse_path` (read + graph)", s(time.perf_counter() - t)])
    t = time.perf_counter()
    iface = choose_interface(a)
    rows.append(["`inspector.rank.choose_interface`", s(time.perf_counter() - t)])
    t = time.perf_counter()
    report_for(a, iface)
    rows.append(["`inspector.api.report_for` (candidates, pre-check, command)", s(time.perf_counter() - t)])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/BENCHMARKS.md alone")
    args = parser.parse_args()
    args.load = os.getloadavg()[0]
    from tfscout.inspector import inspect_model
    from tfscout.samples import checkpoint_dir

    with tempfile.TemporaryDirectory(prefix="tfscout-bench-tui-") as tmp:
        model = Path(tmp) / f"synthetic_{args.nodes}.pb"
        t = time.perf_counter()
        model.write_bytes(make_graph(args.nodes).SerializeToString())
        print(f"built {model.name} ({model.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
        search_rows, search = bench_search(model)
        print("search", search)
        big = asyncio.run(_headless(model, search=True))
        print("headless 100k", big)
        sample = checkpoint_dir()
        small = asyncio.run(_headless(sample, search=False))
        print("headless sample", small)
        head_big = inspect_model(model).recommended_outputs[0].name
        head_small = inspect_model(sample).recommended_outputs[0].name
        term_small = bench_terminal(sample, f"✓ {head_small}")
        term_big_browse = bench_terminal(model, "ranking inputs and outputs")
        term_big = bench_terminal(model, f"✓ {head_big}")
        print("terminal", term_small, term_big_browse, term_big)
        core_rows = bench_inspector(model)
        picture_rows, marks = bench_picture(model)
        print("picture", picture_rows, marks)
    write_report(args, search_rows, search, big, small, term_small, term_big_browse, term_big, core_rows,
                 picture_rows, marks)


def write_report(args: argparse.Namespace, search_rows: list[list[object]], search: dict[str, float],
                 big: dict[str, float], small: dict[str, float], term_small: float | None,
                 term_big_browse: float | None, term_big: float | None, core_rows: list[list[object]],
                 picture_rows: list[list[object]], marks: dict[str, float]) -> None:
    def maybe(value: float | None) -> str:
        return s(value) if value is not None else "n/a (no tmux)"

    n = f"{args.nodes:,}"
    md = [
        f"### Terminal UI (`bench/bench_tui.py`, synthetic TF1 training graph of {n} nodes)",
        "",
        f"Measured on {machine_description()}; load average {args.load:.1f} when the run began (other work "
        "shares the cores: compare with the index-only search times of an earlier run before reading the UI's "
        "numbers as slower).",
        "",
        "**Search** (`/`, node names and op types, fuzzy), on the index alone:",
        "",
        markdown_table(["query", "matches", "median", "slowest"], search_rows),
        "",
        f"Typing `{TYPED}` one key at a time: median {ms(search['typed_median'])}, slowest {ms(search['typed_max'])} "
        f"per keystroke (index); through the UI, from the key event to the results on screen: median "
        f"{ms(big['ui_search_median'])}, slowest {ms(big['ui_search_max'])}. Building the index takes "
        f"{ms(search['index'])}, the name-scope tree {ms(search['scopes'])} (both in the loading worker).",
        "",
        "**Opening a model** (headless Pilot, 160x48; and `tfscout tui MODEL` in tmux, process start included):",
        "",
        markdown_table(["", "bundled checkpoint (489 nodes)", f"synthetic ({n} nodes)"], [
            ["first screen drawn (headless)", s(small["first_screen"]), s(big["first_screen"])],
            ["graph browsable: scopes, node list, search (headless)", s(small["browsable"]), s(big["browsable"])],
            ["recommendation and pre-check shown (headless)", s(small["ranked"]), s(big["ranked"])],
            ["recommended output on screen (tmux)", maybe(term_small), maybe(term_big)],
            ["graph browsable on screen (tmux)", "-", maybe(term_big_browse)],
            ["longest event-loop stall while loading", ms(max(small["stall"], 0)), ms(max(big["stall"], 0))],
            ["95th percentile stall while loading", ms(max(small["stall_p95"], 0)),
             ms(max(big["stall_p95"], 0))],
        ]),
        "",
        "The model loads in a thread worker; the screen, the tabs and the keys work meanwhile (the stall is "
        "the longest gap between 20 ms timer ticks). Where the loading time goes on the big graph:",
        "",
        markdown_table(["step (called from the UI's workers)", "time"], core_rows),
        "",
        "**The graph picture** (`g`, and beside the details on terminals of 180 columns or more): the "
        "neighbourhood of the node shown, 2 levels each way and at most 4 nodes a level, laid out in layers "
        "of box-drawing characters; only the neighbourhood is looked at, so the graph's size does not count, "
        "a hub's consumers only as far as counting them:",
        "",
        markdown_table(["node", "consumers", "boxes drawn", "neighbours not drawn", "median"], picture_rows),
        "",
        f"Scope tree marks: the path's {marks['path_nodes']:,.0f} nodes counted per scope in "
        f"{ms(marks['on_path'])} (in the ranking worker), the training-only nodes per scope in "
        f"{ms(marks['training'])} (a worker of its own, after the first ranking).",
    ]
    text = "\n".join(md)
    print(text)
    if not args.no_write:
        print(write_section("BENCHMARKS.md", "tui", text))


if __name__ == "__main__":
    main()
