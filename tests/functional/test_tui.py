"""The terminal UI driven with Textual's Pilot on the bundled training checkpoint."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console
from textual.widgets import Input, OptionList, Static

from tests.functional.tui_helpers import (
    main_screen,
    run_async,
    type_text,
    wait_for,
    wait_for_report,
    wait_settled,
)
from tfscout.inspector import inspect_model
from tfscout.samples import checkpoint_dir
from tfscout.tui.app import make_app
from tfscout.tui.screens.help import HelpScreen
from tfscout.tui.screens.open import OpenScreen
from tfscout.tui.screens.prompt import PromptScreen
from tfscout.tui.screens.search import SearchScreen
from tfscout.tui.widgets.interface import CandidateList
from tfscout.tui.widgets.neighbourhood import NeighbourhoodTree
from tfscout.tui.widgets.node_details import NodeDetails
from tfscout.tui.widgets.node_list import NodeList
from tfscout.tui.widgets.precheck import OpCounts

SIZE = (160, 48)


@pytest.fixture(scope="module")
def sample() -> str:
    return str(checkpoint_dir())


@pytest.fixture(scope="module")
def expected(sample: str):
    """What the inspector recommends for the sample, computed without the UI."""
    return inspect_model(sample)


def _in_order(letters: str, text: str) -> bool:
    it = iter(text)
    return all(ch in it for ch in letters)


async def search_and_open(pilot, query: str) -> None:
    await pilot.press("slash")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen), what="the search screen")
    await type_text(pilot, query)
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.query_one(NodeList).items and
                   screen.query_one(Input).value == query, what=f"results for {query}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, SearchScreen), what="the search to close")


@run_async
async def test_opens_the_checkpoint_with_the_recommended_interface(sample, expected):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        assert screen.report is not None
        shown_outputs = [c.name for c in screen.report.recommended_outputs]
        assert shown_outputs == [c.name for c in expected.recommended_outputs]
        outputs = screen.query_one("#outputs", CandidateList)
        assert outputs.option_count == len(expected.outputs)
        assert outputs.get_option_at_index(0).id == shown_outputs[0]
        assert screen.report.tf2onnx_command == expected.tf2onnx_command
        # the first output is shown in the node details
        g = screen.model.graph
        await wait_for(pilot, lambda: screen.query_one(NodeDetails).info is not None, what="node details")
        assert screen.query_one(NodeDetails).info.name == shown_outputs[0].rpartition(":")[0]
        assert screen.query_one("#nodes", NodeList).items == range(len(g))


@run_async
async def test_search_finds_keep_prob_and_shows_it(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        await search_and_open(pilot, "keep_prob")
        assert screen.current == g.find("keep_prob")
        await wait_for(pilot, lambda: screen.query_one(NodeDetails).info is not None
                       and screen.query_one(NodeDetails).info.index == g.find("keep_prob"), what="details")
        info = screen.query_one(NodeDetails).info
        assert info.op == g.ops[g.find("keep_prob")]
        assert [c.node for c in info.consumers] == [dst for dst, _s, _p in g.consumers[g.find("keep_prob")]]


@run_async
async def test_fuzzy_search_by_initials_and_op_type(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        await pilot.press("slash")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen))
        search = pilot.app.screen
        await type_text(pilot, "op:conv2d")
        results = search.query_one(NodeList)
        await wait_for(pilot, lambda: search.query_one(Input).value == "op:conv2d" and results.items,
                       what="op results")
        exact = [i for i, op in enumerate(g.ops) if op == "Conv2D"]
        assert sorted(results.items[: len(exact)]) == exact
        assert all("conv2d" in g.ops[i].lower() for i in results.items[len(exact):])
        assert len(results.items) == sum(1 for op in g.ops if "conv2d" in op.lower())
        # letters of a name in order, not side by side
        search.query_one(Input).value = ""
        await type_text(pilot, "kpprb")
        await wait_for(pilot, lambda: search.query_one(Input).value == "kpprb" and results.items,
                       what="fuzzy results")
        assert g.find("keep_prob") in results.items
        assert all(_in_order("kpprb", g.names[i].lower()) for i in results.items)
        await pilot.press("escape")
        assert pilot.app.screen is screen


@run_async
async def test_follow_an_input_and_go_back(sample, expected):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        head = g.find(expected.recommended_outputs[0].name.rpartition(":")[0])
        details = screen.query_one(NodeDetails)
        await wait_for(pilot, lambda: details.info is not None and details.info.index == head, what="head details")
        links = details.query_one("#node-links", OptionList)
        links.focus()
        first_input = next(k for k in range(links.option_count) if links.get_option_at_index(k).id == "in:0")
        links.highlighted = first_input
        await pilot.press("enter")
        source = g.inputs[head][0][0]
        await wait_for(pilot, lambda: screen.current == source, what="following the input")
        await wait_for(pilot, lambda: details.info.index == source, what="details of the input")
        await pilot.press("b")
        await wait_for(pilot, lambda: screen.current == head, what="going back")


@run_async
async def test_pick_an_output_and_an_input_changes_the_command(sample, expected):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        before = screen.report.tf2onnx_command
        head = expected.recommended_outputs[0].name
        # a new output: the node that feeds the recommended head
        feeder = g.names[g.inputs[g.find(head.rpartition(":")[0])][0][0]]
        await search_and_open(pilot, feeder)
        await pilot.press("o")
        await wait_settled(pilot, screen)
        outs = [c.name for c in screen.report.recommended_outputs]
        assert outs == [head, f"{feeder}:0"]
        assert f"{head},{feeder}:0" in screen.report.tf2onnx_command
        assert screen.report.tf2onnx_command != before
        # drop the original head with the keyboard in the outputs list
        outputs = screen.query_one("#outputs", CandidateList)
        outputs.focus()
        outputs.highlighted = [outputs.get_option_at_index(k).id for k in range(outputs.option_count)].index(head)
        await pilot.press("enter")
        await wait_settled(pilot, screen)
        assert [c.name for c in screen.report.recommended_outputs] == [f"{feeder}:0"]
        assert f"--outputs {feeder}:0 " in screen.report.tf2onnx_command
        # cut the graph: the feeder's own first input becomes the only input
        cut_node = g.inputs[g.find(feeder)][0][0]
        cut = f"{g.names[cut_node]}:{g.inputs[g.find(feeder)][0][1]}"
        await search_and_open(pilot, g.names[cut_node])
        await pilot.press("i")
        await wait_settled(pilot, screen)
        assert cut in [c.name for c in screen.report.recommended_inputs]
        # the original inputs are above the cut: the outputs no longer need them, so they are left out
        assert [c.name for c in screen.report.recommended_inputs] == [cut]
        assert f"--inputs {cut}" in screen.report.tf2onnx_command.replace("'", "")
        assert screen.report.subgraph_nodes < expected.subgraph_nodes


@run_async
async def test_edit_shape_set_mode_value_copy_and_reset(sample, expected):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        data_input = expected.recommended_inputs[0].name
        inputs = screen.query_one("#inputs", CandidateList)
        inputs.focus()
        inputs.highlighted = 0
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), what="the shape prompt")
        prompt_input = pilot.app.screen.query_one(Input)
        prompt_input.value = ""
        await type_text(pilot, "3,28,28,1")
        await pilot.press("enter")
        await wait_settled(pilot, screen)
        assert f"{data_input}[3,28,28,1]" in screen.report.tf2onnx_command
        assert screen.choice.edited
        # a mode switch gets a value
        switch = expected.mode_switches[0]
        modes = screen.query_one("#modes", CandidateList)
        modes.focus()
        modes.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), what="the value prompt")
        pilot.app.screen.query_one(Input).value = "0.5"
        await pilot.press("enter")
        await wait_settled(pilot, screen)
        assert {m.name: m.value for m in screen.report.mode_switches}[switch.name] == 0.5
        # copy the command, then go back to the recommendation
        await pilot.press("c")
        assert app.clipboard == screen.report.tf2onnx_command
        await pilot.press("r")
        await wait_settled(pilot, screen)
        assert screen.report.tf2onnx_command == expected.tf2onnx_command
        assert not screen.choice.edited


@run_async
async def test_a_bad_choice_is_refused_and_the_previous_one_kept(sample, expected):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        only = expected.recommended_outputs[0].name
        screen.toggle("output", only)  # dropping the only output is refused before any work
        await pilot.pause()
        assert screen.generation == 1
        screen.set_choice(screen.choice.toggle_input("no_such_tensor:0", []))
        await wait_settled(pilot, screen)
        assert screen.report.tf2onnx_command == expected.tf2onnx_command
        assert screen.choice.inputs is None


@run_async
async def test_node_list_filter_scopes_and_ops(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(screen.focused, Input))
        await type_text(pilot, "op:relu")
        nodes = screen.query_one("#nodes", NodeList)
        await wait_for(pilot, lambda: list(nodes.items) == [i for i, op in enumerate(g.ops) if op == "Relu"],
                       what="the filtered list")
        await pilot.press("enter")
        assert screen.focused is nodes
        await pilot.press("down")
        await wait_for(pilot, lambda: screen.current == nodes.items[1], what="the second Relu shown")
        # the scope tree reveals the node shown
        await pilot.press("t")
        tree = screen.query_one("#scopes")
        await wait_for(pilot, lambda: tree.cursor_node is not None and tree.cursor_node.data is not None
                       and tree.cursor_node.data.node == nodes.items[1], what="the node in the scope tree")


@run_async
async def test_neighbourhood_and_export(sample, tmp_path, monkeypatch):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        await pilot.press("n")
        tree = screen.query_one(NeighbourhoodTree)
        await wait_for(pilot, lambda: tree.centre == screen.current, what="the neighbourhood")
        ups = tree.root.children[0]
        assert [c.data for c in ups.children] == [src for src, _p in g.inputs[screen.current]]
        centre = screen.current
        await pilot.press("plus")
        assert tree.depth == 3
        # follow an edge from the tree
        tree.focus()
        tree.select_node(ups.children[0])
        await wait_for(pilot, lambda: screen.current == g.inputs[centre][0][0], what="following from the tree")
        # export the neighbourhood as SVG
        out = tmp_path / "around.svg"
        await pilot.press("e")
        await wait_for(pilot, lambda: pilot.app.screen.query("#export-path"), what="the export dialog")
        pilot.app.screen.query_one("#export-path", Input).value = str(out)
        await pilot.press("enter")
        await wait_for(pilot, lambda: out.exists(), timeout=60, what="the picture")
        assert "<svg" in out.read_text()
        assert g.names[screen.current].rpartition("/")[2] in out.read_text()
        # without Graphviz the user is told how to install it
        monkeypatch.setenv("PATH", str(tmp_path))
        await pilot.press("e")
        await wait_for(pilot, lambda: pilot.app.screen.query("#export-path"))
        pilot.app.screen.query_one("#export-path", Input).value = str(tmp_path / "again.png")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("apt-get install graphviz" in str(n.message)
                                          for n in app._notifications), what="the missing-dot message")
        assert not (tmp_path / "again.png").exists()


@run_async
async def test_help_and_palette_list_every_action(sample):
    from tfscout.tui.commands import ActionCommands
    from tfscout.tui.screens.main import MainScreen

    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), what="help")
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(pilot.app.screen.query_one("#help-keys", Static).content)
        help_text = console.export_text()
        await pilot.press("escape")
        provider = ActionCommands(screen)
        titles = [hit.text for hit in [h async for h in provider.discover()]]
        for b in MainScreen.BINDINGS + type(app).BINDINGS:
            assert any(t.startswith(b.description + "  (") for t in titles), b.description
            assert b.description and (b.tooltip or b.description) in help_text
        # run one from the palette by name
        await pilot.press("ctrl+p")
        await type_text(pilot, "around")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen is screen and screen.query_one("#right").active == "tab-hood",
                       what="the neighbourhood from the palette")


@run_async
async def test_a_file_that_is_not_a_model_shows_the_error(tmp_path):
    bad = tmp_path / "model.pb"
    bad.write_bytes(bytes(range(256)) * 4)
    app = make_app(str(bad))
    async with app.run_test(size=SIZE) as pilot:
        screen = main_screen(pilot)
        await wait_for(pilot, lambda: any(w.group == "load" and w.is_finished for w in screen.workers)
                       or app._notifications, what="the load to fail")
        await wait_for(pilot, lambda: list(app._notifications), what="an error notification")
        assert screen.model is None
        assert any("model.pb" in str(n.message) for n in app._notifications)
        await pilot.press("q")


@run_async
async def test_mouse_shows_follows_and_chooses(sample, expected):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        # click the Nodes tab, then a row of the flat node list
        await pilot.click("#--content-tab-tab-nodes")
        nodes = screen.query_one("#nodes", NodeList)
        await wait_for(pilot, lambda: nodes.size.height > 3, what="the node list")
        await pilot.click(NodeList, offset=(2, 2))
        await wait_for(pilot, lambda: screen.current == nodes.items[2], what="the clicked node")
        # click a consumer in the details to follow it
        details = screen.query_one(NodeDetails)
        await wait_for(pilot, lambda: details.info is not None and details.info.index == nodes.items[2])
        links = details.query_one("#node-links", OptionList)
        row = next(k for k in range(links.option_count) if links.get_option_at_index(k).id == "use:0")
        await pilot.click(links, offset=(4, row - links.scroll_offset.y))
        target = g.consumers[nodes.items[2]][0][0]
        await wait_for(pilot, lambda: screen.current == target, what="following the clicked consumer")
        # the button makes the node shown an output
        await wait_for(pilot, lambda: details.info is not None and details.info.index == target)
        await pilot.click("#use-output")
        await wait_settled(pilot, screen)
        assert f"{g.names[target]}:0" in [c.name for c in screen.report.recommended_outputs]
        # a click on a candidate output drops it again
        await pilot.click("#--content-tab-tab-interface")
        await pilot.pause()
        outputs = screen.query_one("#outputs", CandidateList)
        await pilot.click(outputs, offset=(4, outputs.line_of(f"{g.names[target]}:0")))
        await wait_settled(pilot, screen)
        assert [c.name for c in screen.report.recommended_outputs] == [c.name for c in expected.recommended_outputs]


@run_async
async def test_ops_table_and_subgraph_export(sample, tmp_path):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        g = screen.model.graph
        table = screen.query_one(OpCounts)
        counts = g.op_counts()
        assert table.row_count == len(counts)
        on_path = {}
        for i in screen.iface.subgraph:
            on_path[g.ops[i]] = on_path.get(g.ops[i], 0) + 1
        statuses = screen.report.precheck.op_types
        for k in range(table.row_count):
            op, n, path, status = (str(c) for c in table.get_row_at(k))
            assert int(n.replace(",", "")) == counts[op]
            assert int(path.replace(",", "") or 0) == on_path.get(op, 0)
            assert status == statuses.get(op, "")
        # selecting an op type lists its nodes
        await pilot.click("#--content-tab-tab-ops")
        table.focus()
        table.move_cursor(row=0)
        await pilot.press("enter")
        first_op = str(table.get_row_at(0)[0])
        nodes = screen.query_one("#nodes", NodeList)
        await wait_for(pilot, lambda: list(nodes.items) == [i for i, op in enumerate(g.ops) if op == first_op],
                       what="the nodes of the op type")
        # the subgraph between the chosen inputs and outputs as DOT
        out = tmp_path / "subgraph.dot"
        await pilot.press("e")
        await wait_for(pilot, lambda: pilot.app.screen.query("#export-path"), what="the export dialog")
        dialog = pilot.app.screen
        await pilot.click("#subgraph")
        dialog.query_one("#export-path", Input).value = str(out)
        await pilot.click("#export-go")
        await wait_for(pilot, lambda: out.exists(), timeout=60, what="the DOT file")
        drawn = set(re.findall(r'tooltip="([^"]+)"', out.read_text()))
        assert drawn == {g.names[i] for i in screen.iface.subgraph}


@run_async
async def test_without_a_model_it_asks_for_one(sample):
    app = make_app(None)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, OpenScreen), what="the open dialog")
        pilot.app.screen.query_one("#open-path", Input).value = sample
        await pilot.press("enter")
        screen = await wait_for_report(pilot)
        assert screen.model is not None and screen.model.path == sample


def test_a_missing_model_fails_before_the_ui_starts(cli, tmp_path):
    missing = tmp_path / "nothing.pb"
    result = cli("tui", str(missing))
    assert result.returncode == 2
    assert result.stderr == f"tfscout: error: {missing}: no such file or folder (check the path)\n"
