"""Hostile models: ops not known to be safe are listed wherever they are, and nothing tfscout runs
executes them by default.

The graphs (tests/hostile_models.py) read a canary file and write a target file when TensorFlow
runs them. ``convert``, ``freeze``, ``verify`` and ``check --confirm`` run through the installed
console script must refuse them in one line and leave the target uncreated and the canary unread;
with ``--allow-unsafe`` the refusal goes away and the graphs do what they were built to do, which
shows the refusal is what stands in the way.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_tfscout
from tests.graphdefs import GraphBuilder
from tests.hostile_models import RAW_GRAPHS, TF_GRAPHS, raw_data_read, raw_function_write, raw_graphs
from tfscout.inspector.safety import default_allowlist

pytestmark = pytest.mark.timeout(600)
ALL_GRAPHS = {**TF_GRAPHS, **RAW_GRAPHS}
CANARY_TEXT = "3.5"
# The op types the denylist named before the allowlist: every one is still refused wherever it runs.
FORMER_DENYLIST = (
    "BigQueryReader", "CSVDataset", "CSVDatasetV2", "CacheDataset", "CacheDatasetV2", "CloseSummaryWriter",
    "CollectiveAllToAllV2", "CollectiveAllToAllV3", "CollectiveBcastRecv", "CollectiveBcastRecvV2",
    "CollectiveBcastSend", "CollectiveBcastSendV2", "CollectiveGather", "CollectiveGatherV2",
    "CollectiveInitializeCommunicator", "CollectiveReduce", "CollectiveReduceScatterV2", "CollectiveReduceV2",
    "CollectiveReduceV3", "CreateSummaryDbWriter", "CreateSummaryFileWriter", "DataServiceDataset",
    "DataServiceDatasetV2", "DataServiceDatasetV3", "DataServiceDatasetV4", "DatasetToTFRecord",
    "DebugIdentity", "DebugIdentityV2", "DebugNanCount", "DebugNumericSummary", "DecodeProtoV2",
    "DeleteSessionTensor", "DistributedSave", "EagerPyFunc", "EncodeProto", "ExperimentalCSVDataset",
    "ExperimentalDatasetToTFRecord", "ExperimentalLMDBDataset", "ExperimentalMatchingFilesDataset",
    "ExperimentalSqlDataset", "FileSystemSetConfiguration", "FixedLengthRecordDataset",
    "FixedLengthRecordDatasetV2", "FixedLengthRecordReader", "FixedLengthRecordReaderV2", "FlushSummaryWriter",
    "GcsConfigureBlockCache", "GcsConfigureCredentials", "GenerateBigQueryReaderPartitions",
    "GenerateVocabRemapping", "IgniteDataset", "ImmutableConst", "ImportEvent", "InitializeTableFromTextFile",
    "InitializeTableFromTextFileV2", "KafkaDataset", "KinesisDataset", "LMDBDataset", "LMDBReader",
    "ListSnapshotChunksDataset", "LoadAndRemapMatrix", "LoadDataset", "MatchingFiles", "MatchingFilesDataset",
    "MergeV2Checkpoints", "PyFunc", "PyFuncStateless", "ReadFile", "ReaderRead", "ReaderReadUpTo",
    "ReaderReadUpToV2", "ReaderReadV2", "ReaderRestoreState", "ReaderRestoreStateV2", "RemoteCall", "Restore",
    "RestoreSlice", "RestoreV2", "Rpc", "RpcCall", "RpcClient", "RpcServer", "RpcServerRegister",
    "RpcServerStart", "Save", "SaveDataset", "SaveDatasetV2", "SaveSlices", "SaveV2", "SnapshotChunkDataset",
    "SnapshotDataset", "SnapshotDatasetReader", "SnapshotDatasetV2", "SnapshotNestedDatasetReader",
    "SqlDataset", "TFRecordDataset", "TFRecordDatasetV2", "TFRecordReader", "TFRecordReaderV2",
    "TextLineDataset", "TextLineReader", "TextLineReaderV2", "TryRpc", "WholeFileReader", "WholeFileReaderV2",
    "WriteAudioSummary", "WriteFile", "WriteGraphSummary", "WriteHistogramSummary", "WriteImageSummary",
    "WriteRawProtoSummary", "WriteScalarSummary", "WriteSummary",
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    canary, target = root / "canary.txt", root / "pwned"
    canary.write_text(CANARY_TEXT)
    graphs = root / "graphs"
    subprocess.run([sys.executable, "-m", "tests.hostile_models", str(graphs), str(canary), str(target)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300,
                   env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    raw_graphs(graphs, str(canary), str(target))
    return {"root": root, "canary": canary, "target": target,
            "graphs": {name: graphs / f"{name}.pb" for name in ALL_GRAPHS}}


@pytest.fixture(scope="module")
def onnx_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A harmless ONNX model with the graphs' interface (x:0 -> y:0), for ``verify``."""
    import onnx
    from onnx import TensorProto, helper

    two = helper.make_tensor("two", TensorProto.FLOAT, [], [2.0])
    graph = helper.make_graph([helper.make_node("Mul", ["x:0", "two"], ["y:0"])], "g",
                              [helper.make_tensor_value_info("x:0", TensorProto.FLOAT, ["N", 2])],
                              [helper.make_tensor_value_info("y:0", TensorProto.FLOAT, ["N", 2])], [two])
    path = tmp_path_factory.mktemp("onnx") / "model.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)]), str(path))
    return path


def command(name: str, graph: Path, work: Path, onnx_model: Path) -> list[str]:
    return {
        "convert": ["convert", str(graph), "-o", str(work / "out.onnx")],
        "freeze": ["freeze", str(graph), "-o", str(work / "out.pb")],
        "verify": ["verify", str(graph), str(onnx_model)],
        "check --confirm": ["check", "--confirm", str(graph)],
    }[name]


COMMANDS = ("convert", "freeze", "verify", "check --confirm")


# ---------------------------------------------------------------------------------------------
# Listed wherever they are


@pytest.mark.parametrize("name", sorted(ALL_GRAPHS))
def test_hostile_ops_are_listed_on_the_path(name: str, hostile: dict[str, Any]) -> None:
    report = run_tfscout("inspect", "--json", str(hostile["graphs"][name])).json()
    assert [c["name"] for c in report["outputs"] if c["recommended"]] == ["y:0"]
    on_path = {u["op"] for u in report["unsafe_ops"] if u["in_subgraph"]}
    assert ALL_GRAPHS[name][1] <= on_path, report["unsafe_ops"]


def test_hostile_ops_off_the_path_are_listed_but_not_on_it(tmp_path: Path) -> None:
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 2])
    b.op("y", "Mul", [x, b.const("two", 2.0)])
    read = b.graph.node.add(name="side/read", op="ReadFile", input=["y"])
    b.graph.node.add(name="side/write", op="WriteFile", input=["y", read.name])
    path = b.write(tmp_path / "off_path.pb")
    report = run_tfscout("inspect", "--json", str(path), "--outputs", "y").json()
    listed = {u["op"]: u for u in report["unsafe_ops"]}
    assert set(listed) == {"ReadFile", "WriteFile"}
    assert not any(u["in_subgraph"] for u in listed.values())
    assert run_tfscout("check", str(path), "--outputs", "y").returncode == 0


def test_given_outputs_that_avoid_the_hostile_part_are_not_refused(hostile: dict[str, Any]) -> None:
    report = run_tfscout("inspect", "--json", str(hostile["graphs"]["raw_control_write"]),
                         "--outputs", "scaled").json()
    assert {u["op"] for u in report["unsafe_ops"]} == {"ReadFile", "WriteFile"}
    assert not any(u["in_subgraph"] for u in report["unsafe_ops"])


def _set_strings(node: Any, values: dict[str, str]) -> None:
    for key, value in values.items():
        node.attr[key].s = value.encode()


def _one_op_graph(op: str, where: str) -> GraphBuilder:
    """``op`` on the data path, behind a control dependency, in a called function, or off the path."""
    b = GraphBuilder()
    x = b.placeholder("x", shape=[-1, 2])
    condition = default_allowlist().conditional.get(op)
    unsafe_value = {condition.attr: "/tmp/tfscout-descriptors.bin"} if condition else {}  # not its safe value
    if where == "data":
        node = b.graph.node.add(name="hostile", op=op, input=[x])
        _set_strings(node, unsafe_value)
        b.op("y", "Identity", [node.name])
    elif where == "control":
        _set_strings(b.graph.node.add(name="hostile", op=op, input=[x]), unsafe_value)
        b.op("y", "Identity", [x, "^hostile"])
    elif where in ("function", "unused_function"):
        fn = b.graph.library.function.add()
        fn.signature.name = "fn"
        fn.signature.input_arg.add(name="v", type=1)
        fn.signature.output_arg.add(name="out", type=1)
        _set_strings(fn.node_def.add(name="hostile", op=op, input=["v"]), unsafe_value)
        fn.ret["out"] = "hostile:output:0"
        if where == "function":
            call = b.graph.node.add(name="call", op="PartitionedCall", input=[x])
            call.attr["f"].func.name = "fn"
            b.op("y", "Identity", ["call"])
        else:
            b.op("y", "Identity", [x])
    else:
        b.op("y", "Identity", [x])
        _set_strings(b.graph.node.add(name="hostile", op=op, input=["y"]), unsafe_value)
    return b


@pytest.mark.parametrize("op", FORMER_DENYLIST)
def test_every_unsafe_op_type_is_found_where_it_runs(op: str, tmp_path: Path) -> None:
    from tfscout.inspector import inspect_model

    for where, on_path in (("data", True), ("control", True), ("function", True), ("unused_function", False),
                           ("off", False)):
        graph = _one_op_graph(op, where)
        report = inspect_model(graph.write(tmp_path / f"{where}.pb"), inputs="x", outputs="y")
        found = [u for u in report.unsafe_ops if u.op == op]
        assert len(found) == 1, (op, where, report.unsafe_ops)
        assert found[0].in_subgraph is on_path, (op, where)
        nodes = [*graph.graph.node, *(n for f in graph.graph.library.function for n in f.node_def)]
        hostile = next(n for n in nodes if n.name == "hostile")
        assert found[0].reasons == [default_allowlist().judge(op, hostile.attr)]


def test_print_to_a_file_is_unsafe_and_print_to_stderr_is_not(tmp_path: Path) -> None:
    from tfscout.inspector import inspect_model

    for stream, unsafe in (("file:///tmp/out.txt", True), ("stderr", False)):
        b = GraphBuilder()
        x = b.placeholder("x", shape=[-1, 2])
        fmt = b.graph.node.add(name="fmt", op="StringFormat", input=[x])
        b.graph.node.add(name="print", op="PrintV2", input=[fmt.name]).attr["output_stream"].s = stream.encode()
        b.op("y", "Identity", [x, "^print"])
        report = inspect_model(b.write(tmp_path / "p.pb"), outputs="y")
        assert [(u.op, u.in_subgraph) for u in report.unsafe_ops] == ([("PrintV2", True)] if unsafe else [])


# ---------------------------------------------------------------------------------------------
# Refused by default: nothing written, nothing read


def assert_refused(result: Any, graph: Path, ops: set[str]) -> None:
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"tfscout: error: {graph}: "), line
    assert "--allow-unsafe" in line and "not known to be safe" in line, line
    assert any(op in line for op in ops), line
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(ALL_GRAPHS))
@pytest.mark.parametrize("cmd", COMMANDS)
def test_commands_refuse_hostile_graphs(cmd: str, name: str, hostile: dict[str, Any], onnx_model: Path,
                                        tmp_path: Path) -> None:
    target = hostile["target"]
    target.unlink(missing_ok=True)
    graph = hostile["graphs"][name]
    result = run_tfscout(*command(cmd, graph, tmp_path, onnx_model))
    assert_refused(result, graph, ALL_GRAPHS[name][1])
    assert not target.exists(), f"{cmd} let {name} write a file"
    assert not list(tmp_path.iterdir()), "no output file for a refused model"


class FifoCanary:
    """A named pipe as the canary: any reader blocks in open() until we answer, so a read is seen."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.reads = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:  # ENXIO: nobody has it open for reading
                    raise
                time.sleep(0.005)
                continue
            self.reads += 1
            try:
                os.write(fd, CANARY_TEXT.encode())
            except OSError:
                pass
            finally:
                os.close(fd)
            time.sleep(0.05)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


@pytest.fixture
def fifo_graph(tmp_path: Path) -> Any:
    canary = FifoCanary(tmp_path / "canary.fifo")
    graph = tmp_path / "models" / "read_fifo.pb"
    graph.parent.mkdir()
    graph.write_bytes(raw_data_read(str(canary.path), str(tmp_path / "unused")).SerializeToString())
    yield graph, canary
    canary.close()


def test_no_command_reads_the_canary_by_default(fifo_graph: Any, onnx_model: Path, tmp_path: Path) -> None:
    graph, canary = fifo_graph
    for cmd in COMMANDS:
        work = tmp_path / cmd.replace(" ", "_")
        work.mkdir()
        assert_refused(run_tfscout(*command(cmd, graph, work, onnx_model)), graph, {"ReadFile"})
    assert canary.reads == 0, "the canary was opened for reading"


# ---------------------------------------------------------------------------------------------
# --allow-unsafe: the refusal goes away, and the graphs really are hostile


@pytest.fixture(scope="module")
def ran_by_tensorflow(hostile: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """function_write (the shared target), raw_function_write (a target of its own) and raw_data_read (a FIFO
    canary) run in TensorFlow's own session, in one TensorFlow child: what each wrote or read."""
    from tests.security.attacks import Attack, tensorflow_child, wait_for_done

    root = tmp_path_factory.mktemp("ran")
    fifo = FifoCanary(root / "canary.fifo")
    try:
        hostile["target"].unlink(missing_ok=True)
        raw_target = root / "raw_function_write.out"
        graphs = {"function_write": hostile["graphs"]["function_write"], "raw_function_write": root / "raw_fw.pb",
                  "raw_data_read": root / "raw_dr.pb"}
        graphs["raw_function_write"].write_bytes(
            raw_function_write(str(hostile["canary"]), str(raw_target)).SerializeToString())
        graphs["raw_data_read"].write_bytes(raw_data_read(str(fifo.path), str(root / "unused")).SerializeToString())
        plan = [Attack(name, str(path), False, ("x:0",), ("y:0",), False, str(root), str(root), 0)
                for name, path in graphs.items()]
        with tensorflow_child(plan, root / "spec.json") as child:
            lines = wait_for_done(child)
    finally:
        fifo.close()
    target = hostile["target"]
    yield {"lines": lines, "function_write": target.read_text() if target.exists() else None,
           "raw_function_write": raw_target.read_text() if raw_target.exists() else None, "raw_data_read": fifo.reads}
    target.unlink(missing_ok=True)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["function_write", "raw_function_write"])
def test_tensorflow_runs_the_graphs_write(name: str, ran_by_tensorflow: dict[str, Any]) -> None:
    assert ran_by_tensorflow[name] == CANARY_TEXT, (f"{name} did not write what it read from the canary: the test "
                                                    f"would not show that the refusal protects", ran_by_tensorflow)


@pytest.mark.slow
def test_tensorflow_reads_the_canary(ran_by_tensorflow: dict[str, Any]) -> None:
    assert ran_by_tensorflow["raw_data_read"] >= 1, ("TensorFlow ran the graph and read the canary",
                                                    ran_by_tensorflow)


@pytest.mark.slow
def test_with_allow_unsafe_convert_runs_the_graph(hostile: dict[str, Any], tmp_path: Path) -> None:
    target = hostile["target"]
    target.unlink(missing_ok=True)
    result = run_tfscout("convert", str(hostile["graphs"]["control_write"]), "-o", str(tmp_path / "out.onnx"),
                         "--allow-unsafe", timeout=600)
    assert "not known to be safe" not in result.stderr, result.stderr
    assert target.exists(), "control_write did not write: the test would not show that the refusal protects"
    assert target.read_text() == CANARY_TEXT, "it wrote what it read from the canary"
    target.unlink()


@pytest.mark.slow
def test_with_allow_unsafe_verify_freeze_and_confirm_go_ahead(hostile: dict[str, Any], onnx_model: Path,
                                                              tmp_path: Path) -> None:
    target = hostile["target"]
    target.unlink(missing_ok=True)
    graph = hostile["graphs"]["control_write"]
    verify = run_tfscout("verify", str(graph), str(onnx_model), "--allow-unsafe", timeout=600)
    assert "not known to be safe" not in verify.stderr, verify.stderr
    assert target.exists(), "verify ran the graph in TensorFlow"
    target.unlink()
    frozen = tmp_path / "frozen.pb"
    freeze = run_tfscout("freeze", str(hostile["graphs"]["const_write"]), "-o", str(frozen), "--allow-unsafe",
                         timeout=600)
    assert freeze.returncode == 0, freeze.stderr
    assert frozen.is_file()
    confirm = run_tfscout("check", "--confirm", "--allow-unsafe", str(hostile["graphs"]["data_read"]),
                          timeout=600)
    assert "not known to be safe" not in confirm.stderr, confirm.stderr
    assert "Confirmed with a tf2onnx trial conversion" in confirm.stdout
