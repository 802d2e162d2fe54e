"""The command line: options declared once, forwarded to the container unchanged."""

import dataclasses
import importlib.util
import re
import signal
import subprocess
import sys

import pytest
from helpers import ROOT

from cudnn_repro import cli
from cudnn_repro.cli import build_parser
from cudnn_repro.commands.options import forwarded_run_options, settings_from
from cudnn_repro.registry import keras_backend, stack_problem
from cudnn_repro.settings import Settings


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


# What the profile alone decides: the article's fixed sizes, the stopping rule's most, the seed.
PROFILE_ONLY = {"batch_size", "maxlen", "num_words", "max_repeats", "seed"}


def test_every_setting_a_user_may_change_is_a_run_option(capsys):
    """Read from Settings' own fields, not from the OPTIONS table the parser is made from."""
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    shown = set(re.findall(r"--[a-z0-9-]+", capsys.readouterr().out))
    for field in dataclasses.fields(Settings):
        assert (f"--{field.name.replace('_', '-')}" in shown) == (field.name not in PROFILE_ONLY), field.name


def test_the_torch_stack_without_pytorch_is_one_line_with_the_fix(monkeypatch):
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "torch" else real(name))
    problem = stack_problem("torch", keras_backend())
    assert problem.startswith("the torch stack needs PyTorch, which is not installed") and ".[torch]" in problem
    assert stack_problem("keras3", keras_backend()) is None  # KERAS_BACKEND unset: TensorFlow, installed


def test_the_torch_stack_in_a_container_is_refused_before_any_engine(capsys):
    status = cli.main(["container", "--stack", "torch", "--profile", "smoke", "--out", "/nonexistent/x"])
    assert status == 1 and "the torch stack runs outside the images" in capsys.readouterr().err


def test_a_command_stopped_by_sigterm_ends_by_the_signal():
    """After engine.run has stopped its container, the process ends as SIGTERM would have ended it: the
    Slurm task reads -SIGTERM as "stopped by Slurm" (launch/slurm.py), and a shell as 143."""
    terminated = (
        "import sys; from cudnn_repro import cli, errors; from cudnn_repro.commands import report; "
        "report.main = lambda args: (_ for _ in ()).throw(errors.Terminated()); sys.exit(cli.main(['report', 'x']))"
    )
    done = subprocess.run([sys.executable, "-c", terminated], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == -signal.SIGTERM and "Traceback" not in done.stderr, done.stderr
