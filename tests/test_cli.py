"""The command line: options declared once, forwarded to the container unchanged."""

import pytest

from cudnn_repro.cli import build_parser, forwarded_run_options, settings_from
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
