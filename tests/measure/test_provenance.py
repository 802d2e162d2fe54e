"""Kernel provenance on the CPU: plain is recognised as plain; cuDNN without a GPU is never a time."""

import dataclasses
import json

import pytest
from helpers import NO_CUDA_REASONS, tiny_data, tiny_settings

from cudnn_repro import results
from cudnn_repro.measure import framework, provenance, stacks, workload
from cudnn_repro.measure.stacks.keras3 import build_model
from cudnn_repro.measure.telemetry import GpuSampler
from cudnn_repro.registry import FRAMEWORK_FACTS
from cudnn_repro.settings import SPECS

TINY = tiny_settings()


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_plain_model_is_recognised_as_plain(name):
    data = tiny_data()
    model = build_model(SPECS[name], 12, "article", jit_compile=False)
    evidence = provenance.kernel_evidence(model, data.x_train[:10], data.y_train[:10])
    assert evidence["ran_cudnn"] is False and evidence["cudnn_ops"] == {}
    assert evidence["loop_ops"].get("While", 0) + evidence["loop_ops"].get("StatelessWhile", 0) >= 2
    provenance.check(name, False, evidence)
    with pytest.raises(provenance.ProvenanceError, match=f"{name} should have run a cuDNN RNN kernel"):
        provenance.check(name, True, evidence)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_a_plain_torch_model_runs_pytorchs_own_kernels(name):
    data = tiny_data()
    model = stacks.fresh_model(SPECS[name], dataclasses.replace(TINY, stack="torch", math="matched"))
    with framework.selected("torch"):
        evidence = provenance.kernel_evidence(model, data.x_train[:10], data.y_train[:10])
    assert evidence["method"] == "torch.profiler events of one train_on_batch"
    # PyTorch asks aten::cudnn_is_acceptable even with cuDNN off: a question, not a cuDNN kernel.
    assert evidence["ran_cudnn"] is False and evidence["cudnn_ops"] == {}
    if name == "LSTM":  # oneDNN's fused layer, one per recurrent layer
        assert evidence["loop_ops"] == {"aten::mkldnn_rnn_layer": 2}
    else:  # a matmul per time step (12) in each of the two layers, forward and backward
        assert evidence["loop_ops"]["aten::mm"] >= 2 * 2 * 12
    provenance.check(name, False, evidence)


@pytest.mark.parametrize(
    ("framework", "cudnn", "loop", "neither"),
    [
        ("torch", ["aten::_cudnn_rnn", "aten::_cudnn_rnn_backward"], ["aten::mm", "aten::lstm_cell"],
         ["aten::cudnn_is_acceptable", "aten::addmm"]),
        ("tensorflow", ["CudnnRNNV3", "CudnnRNNBackpropV3"], ["while", "While"], ["MatMul"]),
        ("jax", ["cudnn_rnn_ffi", "__gpu$cudnn_rnn"], ["while", "scan"], ["dot_general"]),
    ],
)  # fmt: skip
def test_op_names_prove_the_kernel_as_each_framework_names_it(framework, cudnn, loop, neither):
    """A cuDNN kernel, not PyTorch's question whether it could run one; a loop, not any matmul."""
    facts = FRAMEWORK_FACTS[framework]
    assert all(facts.cudnn_op.search(op) for op in cudnn)
    assert all(facts.loop_op.search(op) and not facts.cudnn_op.search(op) for op in loop)
    assert not any(facts.cudnn_op.search(op) or facts.loop_op.search(op) for op in neither)


@pytest.mark.parametrize(
    ("stack", "reason"),
    [
        ("keras3", "the Keras tensorflow backend has no cuDNN kernel for it"),
        ("keras2", "TensorFlow has no kernel for its CudnnRNN op here"),
        ("torch", "PyTorch runs cuDNN's RNN only on a CUDA GPU with cuDNN"),
    ],
)
def test_forced_cudnn_without_gpu_is_not_run_never_a_time(stack, reason):
    settings = dataclasses.replace(TINY, stack=stack, math="matched" if stack == "torch" else "article")
    with framework.selected(stack):
        record = workload.measure(SPECS["CuDNNLSTM"], settings, tiny_data(), GpuSampler(), "test")
    assert record == {"status": "not_run", "reason": reason}


def test_workload_records_cudnn_models_as_not_run(tmp_path):
    settings = dataclasses.replace(TINY, models=("LSTM", "CuDNNGRU"))
    state = workload.run(settings, tmp_path, tiny_data())
    lstm, gru = state["runs"]
    assert lstm["status"] == "ok" and len(lstm["epoch_seconds"]) == 2 and lstm["provenance"]["ran_cudnn"] is False
    assert gru["status"] == "not_run" and gru["reason"] in NO_CUDA_REASONS
    assert "fit_seconds" not in gru and "epoch_seconds" not in gru


def test_resume_refuses_another_machine_or_stack(tmp_path):
    settings = dataclasses.replace(TINY, models=("CuDNNGRU",), repeats=2)
    workload.run(settings, tmp_path, tiny_data())
    results_file = tmp_path / "results.json"
    saved = json.loads(results_file.read_text())
    saved["environment"]["packages"]["keras"] = "3.0.0"
    saved["runs"].pop()
    results_file.write_text(json.dumps(saved))
    with pytest.raises(results.ResultsError, match="measured with another packages"):
        workload.run(settings, tmp_path, tiny_data())
