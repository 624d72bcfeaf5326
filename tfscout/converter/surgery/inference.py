"""The surgery that turns a copy of the model's graph into its inference graph, pass by pass, in order."""

from __future__ import annotations

from tfscout.converter.plan import PlannedInput, PlannedSwitch
from tfscout.converter.surgery import branches, repairs, training
from tfscout.converter.surgery.graphedit import GraphEdit


def repair_graph(edit: GraphEdit, outputs: list[str], switches: list[PlannedSwitch],
                 inputs: list[PlannedInput], log: repairs.SurgeryLog) -> None:
    """Cut, fix the mode switches, resolve constant conditions, training mode to inference, prune,
    take defaults, bypass debug ops, prune again (keeping the control edges that matter), name the
    cut inputs; each pass adds its step to ``log``."""
    repairs.cut_inputs(edit, inputs, log)
    repairs.freeze_mode_switches(edit, switches, log)
    branches.fold_constant_switches(edit, log, edit.ancestors(outputs, repairs.ControlPolicy(edit, outputs)))
    keep = edit.ancestors(outputs, repairs.ControlPolicy(edit, outputs))
    training.inference_batch_norm(edit, keep, log)
    training.remove_dropout(edit, keep, log)
    repairs.prune_to_outputs(edit, outputs, log)
    repairs.use_defaults(edit, set(edit.nodes), log)
    repairs.bypass_debug_ops(edit, log)
    edit.prune(outputs, repairs.ControlPolicy(edit, outputs))
    repairs.name_cut_inputs(edit, log)
    training.random_ops_left(edit, log)
