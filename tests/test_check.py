"""`report --check` and `compare --check` as a gate: a results file in which every claim this hardware
can judge is decided reproduced exits 0; a hardware-bound claim off the article's GPU class does not
hold it back, a claim whose models did not run does; `--claims` names the claims that gate."""

import copy
import json

import pytest
from helpers import ROOT

from cudnn_repro import cli, errors

TEMPLATE = ROOT / "paper" / "runs" / "h200-torch" / "results.json"  # a real H200 file: its environment, runs' shape
CPU_TEMPLATE = ROOT / "paper" / "results.json"
# Synthetic article-size fit times (s): both cuDNN speed-ups near 10x, GRU 1.3x faster than LSTM in each pair.
FITS = {"LSTM": 260.0, "GRU": 200.0, "CuDNNLSTM": 26.0, "CuDNNGRU": 20.0}
NOISE = (1.0, 1.01, 0.99)  # per repeat, the same for every model: the paired ratios are tight


def run_record(template: dict, model: str, repeat: int, fit: float, epochs: int = 10) -> dict:
    """One finished run at the article's size: ten equal epochs, each of 250 equal steps, nothing after them."""
    epoch = fit / epochs
    return copy.deepcopy(template) | {
        "model": model,
        "repeat": repeat,
        "fit_seconds": fit,
        "teardown_seconds": 0.0,
        "epoch_seconds": [epoch] * epochs,
        "epoch_setup_seconds": [0.001] * epochs,
        "step_seconds": [epoch / 250] * epochs,
    }


def synthetic_set(template_file, fits: dict[str, float], folder) -> object:
    """An article-size, 3-repeat results file of these fit times, on the template's machine."""
    results = json.loads(template_file.read_text())
    templates = {r["model"]: r for r in results["runs"]}
    results["settings"] |= {"profile": "paper", "epochs": 10, "steps_per_epoch": None, "test_samples": 25000,
                            "repeats": 3, "models": list(fits)}  # fmt: skip
    results["runs"] = [run_record(templates.get(m, next(iter(templates.values()))), m, r, fit * NOISE[r])
                       for r in range(3) for m, fit in fits.items()]  # fmt: skip
    results.pop("stopping", None)  # the template's looks, at repeats this set may not have
    folder.mkdir()
    path = folder / "results.json"
    path.write_text(json.dumps(results))
    return path


def check(path, *options: str) -> int:
    return cli.main(["report", str(path), "--check", *options])


def test_an_h200_set_with_the_four_models_decidedly_in_range_exits_0(tmp_path):
    path = synthetic_set(TEMPLATE, FITS, tmp_path / "h200")
    assert check(path) == errors.OK
    verdicts = json.loads((tmp_path / "h200" / "verdicts.json").read_text())["claims"]
    assert [v["verdict"] for v in verdicts] == ["reproduced", "not applicable", "reproduced", "reproduced",
                                                "reproduced"]  # fmt: skip
    assert cli.main(["compare", str(path), "--out", str(tmp_path / "summary"), "--check"]) == errors.OK


def test_a_ratio_below_the_range_exits_4(tmp_path):
    """A cuDNN path that lost its speed: 3x instead of about 10x."""
    path = synthetic_set(TEMPLATE, FITS | {"CuDNNLSTM": 86.0}, tmp_path / "slow")
    assert check(path, "--claims", "cudnn_lstm_speedup") == errors.SOME_NOT_REPRODUCED
    assert cli.main(["report", str(path)]) == errors.OK  # without --check, a rendered report is success
    assert check(path, "--claims", "cudnn_gru_speedup") == errors.OK
    # verdicts.json says which way it missed, and the interval's level beside the coverage it gives.
    lstm = json.loads((tmp_path / "slow" / "verdicts.json").read_text())["claims"][0]
    assert (lstm["verdict"], lstm["direction"]) == ("not reproduced", "smaller than claimed")
    assert (lstm["level"], lstm["coverage"]) == (0.95, 0.95)


def test_a_claim_whose_models_did_not_run_still_holds_back_0_and_claims_names_those_that_gate(tmp_path):
    plain = {"LSTM": 260.0, "GRU": 200.0}  # a CPU host: the cuDNN pair "not run"
    path = synthetic_set(CPU_TEMPLATE, plain, tmp_path / "cpu")
    assert check(path) == errors.SOME_UNDECIDED
    assert check(path, "--claims", "gru_faster_plain") == errors.OK
    assert check(path, "--claims", "gru_faster_plain,cudnn_lstm_under_3_minutes") == errors.OK  # not applicable
    assert check(path, "--claims", "gru_faster_plain,cudnn_gru_speedup") == errors.SOME_UNDECIDED  # not verifiable


@pytest.mark.parametrize("claims", ["nonsense", "gru_faster_plain,", ""])
def test_an_unknown_claim_is_a_usage_error_naming_the_ids(tmp_path, capsys, claims):
    path = synthetic_set(CPU_TEMPLATE, {"LSTM": 260.0, "GRU": 200.0}, tmp_path / "cpu")
    with pytest.raises(SystemExit) as stop:
        check(path, "--claims", claims)
    assert stop.value.code == errors.USAGE
    assert "choose from cudnn_lstm_speedup, cudnn_lstm_under_3_minutes" in capsys.readouterr().err
