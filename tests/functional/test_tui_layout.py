"""The main screen at 80x24, 70x20 and 200x60 (issue 14): what must stay on screen, and what big
terminals add."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.functional.tui_helpers import run_async, wait_for, wait_for_report
from tests.functional.tui_models import long_path_model
from tfscout.samples import checkpoint_dir
from tfscout.tui.app import make_app
from tfscout.tui.widgets.graph_view import GraphView
from tfscout.tui.widgets.interface import CandidateList
from tfscout.tui.widgets.keybar import KeyBar

SIZES = [(80, 24), (70, 20), (200, 60)]


def on_screen(widget, size: tuple[int, int]) -> bool:
    r = widget.region
    return widget.display and r.height > 0 and r.width > 0 and r.right <= size[0] and r.bottom <= size[1]


async def settled(pilot):
    screen = await wait_for_report(pilot)
    await wait_for(pilot, lambda: screen.settled)
    await pilot.pause(0.2)
    return screen


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("model", ["long_path", "sample"])
@run_async
async def test_the_verdict_every_recommended_output_and_the_keys_fit(size, model, tmp_path):
    path = str(long_path_model(tmp_path)) if model == "long_path" else str(checkpoint_dir())
    app = make_app(path)
    async with app.run_test(size=size) as pilot:
        screen = await settled(pilot)
        verdict = screen.query_one("#verdict", Static)
        assert on_screen(verdict, size) and str(verdict.content).startswith("✓")
        outputs = screen.query_one("#outputs", CandidateList)
        assert on_screen(outputs, size)
        text_width = outputs.scrollable_content_region.width - CandidateList.GUTTER
        for c in screen.report.recommended_outputs:
            line = outputs.line_of(c.name)
            name_lines = -(-len(c.name) // text_width)  # the row's first lines hold the whole name
            assert 0 <= line and line + name_lines <= outputs.region.height, f"{c.name} is not on screen at {size}"
        bar = screen.query_one(KeyBar)
        assert on_screen(bar, size)
        shown = {e.description for e in bar.shown(bar.content_region.width)}
        assert {"Keys", "Quit"} <= shown
        if size[1] >= 24:
            assert {"Around", "Export", "Convert", "Search"} <= shown
        reasons = screen.query_one("#reasons-box")
        assert on_screen(reasons, size) and reasons.region.height >= 2
        aside = screen.query_one("#aside")
        if size[0] >= 180:  # the space of a big terminal: the picture and the pre-check beside the details
            assert on_screen(aside, size) and aside.region.width >= 60
            picture = screen.query_one("#aside-graph", GraphView)
            await wait_for(pilot, lambda: picture.picture is not None and picture.picture.centre == screen.current,
                           what="the picture beside the details")
            assert "nodes on the path" in str(screen.query_one("#aside-precheck", Static).content)
        else:
            assert not aside.display
