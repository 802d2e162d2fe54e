"""The command line: options declared once, forwarded to the container unchanged."""

import importlib.util

import pytest

from cudnn_repro import cli
from cudnn_repro.cli import build_parser
from cudnn_repro.commands import run
from cudnn_repro.commands.options import forwarded_run_options, settings_from
from cudnn_repro.settings import OPTIONS


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--profile", "quick", "--models", "LSTM,GRU", "--repeats", "3", "--tf32", "--stack", "keras3"],
        ["--profile", "smoke", "--epochs", "1", "--math", "matched", "--stack", "keras3", "--data", "synthetic"],
    ],
)
def test_container_gets_the_same_settings(argv):
    parser = build_parser()
    host = parser.parse_args(["container", *argv])
    inner = parser.parse_args(["run", *forwarded_run_options(host)])
    assert settings_from(inner) == settings_from(host)


def test_every_setting_option_is_on_the_command_line():
    help_text = build_parser().parse_args(["run"])
    for name in OPTIONS:
        assert hasattr(help_text, name)


def test_the_torch_stack_without_pytorch_is_one_line_with_the_fix(monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "torch" else real(name))
    problem = run.backend_problem("torch")
    assert problem.startswith("the torch stack needs PyTorch, which is not installed") and ".[torch]" in problem
    assert run.backend_problem("keras3") is None  # KERAS_BACKEND unset: TensorFlow, installed


def test_the_torch_stack_in_a_container_is_refused_before_any_engine(capsys):
    status = cli.main(["container", "--stack", "torch", "--profile", "smoke", "--out", "/nonexistent/x"])
    assert status == 1 and "the torch stack runs outside the images" in capsys.readouterr().err
