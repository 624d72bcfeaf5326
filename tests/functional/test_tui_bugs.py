"""Issue 14's bugs, one Pilot test each (numbered as in the issue; 12 needs TensorFlow: test_tui_convert.py)."""

from __future__ import annotations

import re

import pytest
from textual import events
from textual.widgets import Input, Static

from tests.functional.tui_helpers import run_async, type_text, wait_for, wait_for_report, wait_settled
from tests.functional.tui_models import anchored_head_model, print_model, random_bytes
from tfscout.samples import checkpoint_dir
from tfscout.tui.app import make_app
from tfscout.tui.screens.convert import ConvertScreen
from tfscout.tui.screens.prompt import PromptScreen
from tfscout.tui.screens.search import SearchScreen
from tfscout.tui.widgets.interface import CandidateList

SIZE = (160, 48)


@pytest.fixture(scope="module")
def sample() -> str:
    return str(checkpoint_dir())


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def ids(lst: CandidateList) -> list[str]:
    return [lst.get_option_at_index(k).id for k in range(lst.option_count)]


async def prompt_with(pilot, key: str, text: str) -> PromptScreen:
    """Press ``key``, replace the dialog's text with ``text``, press Enter; the dialog (maybe closed)."""
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), what="the dialog")
    dialog = pilot.app.screen
    dialog.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()
    return dialog


async def open_node(pilot, name: str) -> None:
    await pilot.press("slash")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SearchScreen), what="the search")
    await type_text(pilot, name)
    search = pilot.app.screen
    await wait_for(pilot, lambda: search.shown_query == name, what=f"results for {name}")
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, SearchScreen), what="the search to close")


@run_async
async def test_1_a_failed_open_leaves_no_old_model(sample, tmp_path):
    bad = random_bytes(tmp_path)
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        old_command = screen.report.tf2onnx_command
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: pilot.app.screen is not screen, what="the open dialog")
        pilot.app.screen.query_one(Input).value = str(bad)
        await pilot.press("enter")
        await wait_for(pilot, lambda: pilot.app.screen is screen and not screen.loading, what="the load to fail")
        assert screen.model is None and screen.report is None
        assert screen.query_one("#outputs", CandidateList).option_count == 0
        assert screen.query_one("#inputs", CandidateList).option_count == 0
        assert old_command not in text_of(screen, "#command") + text_of(screen, "#tf2onnx-command")
        assert "probabilities" not in text_of(screen, "#command")
        assert screen.sub_title == "no model open"
        await pilot.press("x")
        await pilot.pause()
        assert notes(app)[-1] == "No model open: press Ctrl+O to open one."
        assert not any("Wait until the model is loaded" in n for n in notes(app))


@run_async
async def test_2_shapes_are_checked_against_the_graph(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        inputs = screen.query_one("#inputs", CandidateList)
        inputs.focus()
        inputs.highlighted = ids(inputs).index("x:0")  # [?,28,28,1] in the graph
        for typed, said in (("", "no shape given for x:0"),
                            ("1,28,28", "x:0 has 4 dimensions in the graph, not 3"),
                            ("1,28,x,1", "'x' is not a size"),
                            ("-5,28,28,1", "'-5' is not a size"),
                            ("1,24,24,1", "dimension 2 of x:0 is 28 in the graph, not 24")):
            dialog = await prompt_with(pilot, "s", typed)
            assert pilot.app.screen is dialog, f"{typed!r} was accepted"
            assert said in dialog.error and "?,28,28,1" in dialog.error
            assert "t[" not in dialog.error  # no internals
            await pilot.press("escape")
        assert not screen.choice.edited
        await prompt_with(pilot, "s", "3,28,28,1")
        await wait_settled(pilot, screen)
        assert "x:0[3,28,28,1]" in screen.report.tf2onnx_command


@run_async
async def test_3_hand_picked_tensors_say_so(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        await open_node(pilot, "logits")
        await pilot.press("o")
        await wait_settled(pilot, screen)
        picked = next(c for c in screen.report.outputs if c.name == "logits:0")
        assert picked.recommended
        assert "chosen by hand" in picked.reasons
        assert "given on the command line" not in picked.reasons
    # names given on the command line still say so
    app = make_app(sample, outputs=["logits:0"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        given = next(c for c in screen.report.outputs if c.name == "logits:0")
        assert "given on the command line" in given.reasons


@run_async
async def test_4_an_input_the_outputs_no_longer_need_is_left_out(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        await open_node(pilot, "conv2/Relu")  # below x: a cut there leaves x unneeded
        await pilot.press("i")
        await wait_settled(pilot, screen)
        chosen = [c.name for c in screen.report.recommended_inputs]
        assert chosen == ["conv2/Relu:0"]
        assert "x:0" not in screen.report.tf2onnx_command
        assert "x:0" not in (screen.choice.inputs or ())
        assert any("Left out x:0" in n for n in notes(app))


@run_async
async def test_5_a_new_opset_is_your_choice(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        assert "(recommended)" in text_of(screen, "#command")
        await prompt_with(pilot, "p", "13")
        await wait_settled(pilot, screen)
        assert screen.report.opset.recommended == 13
        assert "(your choice)" in text_of(screen, "#command")
        assert "(recommended)" not in text_of(screen, "#command")


@run_async
async def test_6_converting_onto_an_existing_file_asks(sample, tmp_path):
    existing = tmp_path / "cnn.onnx"
    existing.write_bytes(b"an older model")
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        await prompt_with(pilot, "x", str(existing))
        await wait_for(pilot, lambda: pilot.app.screen.query("#confirm-question"), what="the question")
        assert "exists already" in str(pilot.app.screen.query_one("#confirm-question", Static).content)
        await pilot.press("n")
        assert pilot.app.screen is screen and existing.read_bytes() == b"an older model"
        await prompt_with(pilot, "x", str(existing))
        await wait_for(pilot, lambda: pilot.app.screen.query("#confirm-question"), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConvertScreen), what="the conversion")
        converting = pilot.app.screen
        assert converting.force and "pass --force" not in str(converting.query_one("#convert-status").content)
        await pilot.press("escape")  # cancel straight away
        await wait_for(pilot, lambda: not converting.running, timeout=120, what="the cancel")


@run_async
async def test_7_keys_typed_while_the_dialog_opens_all_arrive(sample, tmp_path):
    out = str(tmp_path / "mnist_dropout_kp05.onnx")
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        # all at once, as a fast typist or a paste does: nothing waits for the dialog to be ready
        keys = ["x", "ctrl+u", *out, "enter"]
        for key in keys:
            char = key if len(key) == 1 else None
            app.post_message(events.Key(key, char))
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConvertScreen), what="the conversion")
        converting = pilot.app.screen
        assert converting.out == out
        await pilot.press("escape")
        await wait_for(pilot, lambda: not converting.running, timeout=120, what="the cancel")
        await pilot.press("escape")
        # the dialog open and focused: editing keys in a burst apply in order with the text
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), what="the opset dialog")
        for key in ["ctrl+u", "1", "9", "backspace", "3", "enter"]:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await wait_settled(pilot, screen)
        assert pilot.app.screen is screen
        assert screen.report.opset.recommended == 13


@run_async
async def test_8_dropping_the_only_needed_input_says_why(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        inputs = screen.query_one("#inputs", CandidateList)
        inputs.focus()
        inputs.highlighted = ids(inputs).index("x:0")
        before = screen.generation
        await pilot.press("enter")
        await pilot.pause()
        assert screen.generation == before  # nothing recomputed
        assert any("x:0 is needed by the chosen outputs" in n for n in notes(app))
        await pilot.press("i")
        await pilot.pause()
        assert sum("x:0 is needed by the chosen outputs" in n for n in notes(app)) == 2


@run_async
async def test_9_a_bad_value_keeps_the_dialog_open(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        dialog = await prompt_with(pilot, "p", "sixteen")
        assert pilot.app.screen is dialog and "'sixteen' is not an opset number" in dialog.error
        assert dialog.query_one(Input).value == "sixteen"
        dialog.query_one(Input).value = "99"
        await pilot.press("enter")
        assert pilot.app.screen is dialog and "opset 99" in dialog.error
        await pilot.press("escape")
        modes = screen.query_one("#modes", CandidateList)
        modes.focus()
        dialog = await prompt_with(pilot, "v", "half")
        assert pilot.app.screen is dialog and "'half' is not a number" in dialog.error
        assert dialog.query_one(Input).value == "half"
        dialog.query_one(Input).value = "0.5"
        await pilot.press("enter")
        await wait_settled(pilot, screen)
        assert pilot.app.screen is screen
        assert screen.report.mode_switches[0].value == 0.5


@run_async
async def test_10_one_node_count_on_the_path(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        text = text_of(screen, "#precheck") + text_of(screen, "#verdict")
        counts = {int(n.replace(",", "")) for n in re.findall(r"([\d,]+) nodes on the path", text)}
        assert len(counts) == 1, text
        assert counts == {screen.report.precheck.subgraph_nodes}


@run_async
async def test_11_mode_switches_show_as_their_values(sample):
    app = make_app(sample)
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        assert "--switch keep_prob:0=1.0" in text_of(screen, "#command")
        assert "feed keep_prob:0 = 1.0" in text_of(screen, "#tf2onnx-command")
        screen.query_one("#modes", CandidateList).focus()
        await prompt_with(pilot, "v", "0.5")
        await wait_settled(pilot, screen)
        assert "--switch keep_prob:0=0.5" in text_of(screen, "#command")
        assert "feed keep_prob:0 = 0.5" in text_of(screen, "#tf2onnx-command")


@run_async
async def test_13_print_is_bypassed_by_convert(tmp_path):
    app = make_app(str(print_model(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        assert [i.op for i in screen.report.blocking] == ["Print"]  # the inspector's verdict on tf2onnx alone
        verdict = text_of(screen, "#verdict")
        assert verdict.startswith("✓") and "bypasses Print" in verdict
        assert "will not convert" not in verdict
        detail = text_of(screen, "#precheck")
        assert "convert bypasses" in detail and "tfscout convert bypasses it" in detail
        await pilot.press("x")  # no "convert anyway?" question: straight to the file name
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, PromptScreen), what="the file name")


@run_async
async def test_14_nothing_recommended_says_so(tmp_path):
    app = make_app(str(anchored_head_model(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_report(pilot)
        assert not screen.report.recommended_outputs
        verdict = text_of(screen, "#verdict")
        assert "nothing chosen" in verdict and "head/Softmax:0" in verdict
        assert "every op on the path converts" not in verdict and "0 nodes on the path" not in verdict
        assert "no command yet" in text_of(screen, "#command")
        await pilot.press("x")
        await pilot.pause()
        assert pilot.app.screen is screen and "choose an output first" in notes(app)[-1]
        await open_node(pilot, "head/Softmax")
        await pilot.press("o")
        await wait_settled(pilot, screen)
        assert [c.name for c in screen.report.recommended_outputs] == ["head/Softmax:0"]
        assert "--outputs head/Softmax:0" in text_of(screen, "#command")
