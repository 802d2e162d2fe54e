"""reproduce.py as a user runs it: smoke runs on the CPU, interruption, resume, re-rendering."""

import importlib.metadata
import json
import os
import signal
import subprocess
import sys

from helpers import NO_CUDA_REASONS, ROOT, TINY, reproduce

from cudnn_repro.results import compared_fit_seconds

# A wait inside fit() after training this long is tf.data's teardown, not scheduling noise on a busy
# machine: the waits it catches (the autotune thread's sleep, another fit's leftovers) ran 13-56 s.
TEARDOWN_WAIT = 10.0


def load(out):
    return json.loads((out / "results.json").read_text())


def test_smoke_run_writes_results_report_and_figure(tmp_path):
    out = tmp_path / "paper"
    done = reproduce(*TINY, "--out", str(out))
    assert done.returncode == 0, done.stderr
    results = load(out)
    assert results["settings"]["backend"] == "tensorflow" and results["settings"]["jit_compile"] is False
    assert results["settings"]["stack"] == "keras2"
    assert results["settings"]["tf_keras"] == importlib.metadata.version("tf_keras")  # the Keras 2 that built them
    status = {r["model"]: r["status"] for r in results["runs"]}
    assert status == {"LSTM": "ok", "GRU": "ok", "CuDNNLSTM": "not_run", "CuDNNGRU": "not_run"}
    layers = {r["model"]: r["layer"] for r in results["runs"]}
    assert layers["CuDNNLSTM"]["class"] == "tf_keras.src.layers.rnn.cudnn_lstm.CuDNNLSTM"
    assert layers["CuDNNLSTM"]["parameters"] == 10812 and layers["CuDNNGRU"]["parameters"] == 8109
    assert (
        layers["GRU"] | {"recurrent_activation": "hard_sigmoid", "implementation": 1, "reset_after": False}
        == (layers["GRU"])
    )
    assert results["environment"]["argv"][0] == "reproduce.py" and results["environment"]["packages"]["keras"]
    assert results["settings"]["tf32"] is False
    assert results["environment"]["backend"]["tf32_flags"] == {"tensor_float_32_execution": False}
    assert results["environment"]["lock"]["differs"] == {}  # the test venv is the locked one
    (call,) = results["invocations"]
    assert call["command"] == results["environment"]["argv"] and call["runs_before"] == 0 and call["ended"]
    assert {r["model"]: r.get("parameters") for r in results["runs"]} == {
        "LSTM": 10608,
        "GRU": 7956,
        "CuDNNLSTM": None,
        "CuDNNGRU": None,
    }
    for r in (r for r in results["runs"] if r["status"] == "ok"):  # tf_keras's own fit: its epochs, then its end
        assert sum(r["epoch_seconds"]) + r["teardown_seconds"] <= compared_fit_seconds(r), r
        # The iterator is held past the call: no wait for tf.data's autotune thread inside it.
        assert r["teardown_seconds"] < TEARDOWN_WAIT and r["released_seconds"] >= 0 and r["collected_seconds"] >= 0
        assert r["peak_rss_bytes"] > 2**20
    report = (out / "REPORT.md").read_text()
    assert "**not verifiable**" in report
    assert any(f"| CuDNNLSTM not run: {reason}" in report for reason in NO_CUDA_REASONS)
    assert "IMDB-shaped synthetic data: timings valid, accuracy not comparable" in report
    assert "plain loop: `StatelessWhile`" in report
    assert (out / "figure.png").read_bytes()[:4] == b"\x89PNG"

    assert json.loads((out / "verdicts.json").read_text())["claims"][0]["verdict"] == "not verifiable"

    # The report is a function of the results file alone.
    (out / "REPORT.md").unlink()
    again = reproduce("report", str(out / "results.json"))
    assert again.returncode == 0, again.stderr
    assert (out / "REPORT.md").read_text() == report

    # --check: not verifiable claims leave the verdict undecided (5); errors are one line (1).
    assert reproduce("report", "--check", str(out / "results.json")).returncode == 5
    missing = reproduce("report", str(tmp_path / "missing.json"))
    assert missing.returncode == 1 and "Traceback" not in missing.stderr and "error: cannot read" in missing.stderr

    summary = reproduce("compare", str(out), "--out", str(tmp_path / "summary"))
    assert summary.returncode == 0, summary.stderr
    assert "`../paper`" in (tmp_path / "summary" / "SUMMARY.md").read_text()


def test_interrupted_run_keeps_finished_models_and_resumes(tmp_path):
    out = tmp_path / "paper"
    args = [sys.executable, str(ROOT / "reproduce.py"), *TINY, "--models", "LSTM,GRU", "--out", str(out)]
    env = os.environ | {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"}
    with subprocess.Popen(args, env=env, stderr=subprocess.PIPE, text=True) as proc:
        for line in proc.stderr:
            if "GRU run 1/1: fitting" in line:
                proc.send_signal(signal.SIGINT)
                break
        rest = proc.stderr.read()
    assert proc.returncode == 130, rest
    assert "interrupted: finished runs are kept" in rest
    first = load(out)
    assert [r["model"] for r in first["runs"]] == ["LSTM"]
    assert "not run yet" in (out / "REPORT.md").read_text()

    resumed = reproduce(*TINY, "--models", "LSTM,GRU", "--out", str(out))
    assert resumed.returncode == 0, resumed.stderr
    assert "1 run(s) already done" in resumed.stderr and "LSTM run" not in resumed.stderr
    second = load(out)
    assert second["runs"][0] == first["runs"][0] and second["runs"][1]["model"] == "GRU"
    assert [c["runs_before"] for c in second["invocations"]] == [0, 1]  # the resumed command is on record

    other = reproduce(*TINY, "--models", "LSTM,GRU", "--epochs", "3", "--out", str(out))
    assert other.returncode == 1 and "epochs: 2 -> 3" in other.stderr and "--force" in other.stderr


def test_jax_backend_runs_the_workload(tmp_path):
    out = tmp_path / "jax"
    done = reproduce(*TINY, "--stack", "keras3", "--models", "LSTM,GRU,CuDNNLSTM", "--out", str(out), backend="jax")
    assert done.returncode == 0, done.stderr
    results = load(out)
    assert results["settings"]["backend"] == "jax" and results["settings"]["jit_compile"] is True
    assert results["settings"]["stack"] == "keras3" and "tf_keras" not in results["settings"]
    lstm, gru, cudnn = results["runs"]
    assert lstm["status"] == gru["status"] == "ok"
    assert lstm["provenance"]["ran_cudnn"] is False and lstm["provenance"]["loop_ops"]["stablehlo.while"] >= 2
    assert cudnn == cudnn | {"status": "not_run", "reason": "no CUDA GPU visible to JAX"}
    assert "XLA on (`jit_compile=True`); JAX always compiles" in (out / "REPORT.md").read_text()


# reproduce.py's own main, then what it imported: the torch stack loads no Keras and no TensorFlow.
MAIN_THEN_MODULES = (
    "import sys; from cudnn_repro import cli; status = cli.main(sys.argv[1:]); "
    "print(sorted(m for m in ('keras', 'tensorflow', 'tf_keras', 'jax') if m in sys.modules)); sys.exit(status)"
)


def test_torch_stack_runs_the_workload_on_pytorchs_own_kernels(tmp_path):
    out = tmp_path / "torch"
    command = [sys.executable, "-c", MAIN_THEN_MODULES, "run", *TINY, "--stack", "torch", "--out", str(out)]
    env = os.environ | {"CUDA_VISIBLE_DEVICES": "", "KERAS_BACKEND": "tensorflow"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"  # KERAS_BACKEND is not the torch stack's business
    results = load(out)
    s = results["settings"]
    assert (s["stack"], s["backend"], s["math"], s["jit_compile"], s["tf32"]) == (
        "torch",
        "torch",
        "matched",
        False,
        False,
    )
    assert "tf_keras" not in s
    env = results["environment"]
    assert env["backend"]["name"] == "torch" and env["backend"]["tf32_flags"]["cudnn.allow_tf32"] is False
    runs = {r["model"]: r for r in results["runs"]}
    no_gpu = "no CUDA GPU visible to PyTorch (torch.cuda.is_available() is False)"
    for name in ("CuDNNLSTM", "CuDNNGRU"):
        assert runs[name] == runs[name] | {"status": "not_run", "reason": no_gpu}
    for name in ("LSTM", "GRU"):
        r = runs[name]
        assert r["status"] == "ok" and len(r["epoch_seconds"]) == 2 and r["provenance"]["ran_cudnn"] is False
        assert r["layer"]["class"] == f"torch.nn.{name}" and r["layer"]["cudnn_enabled"] is False
    assert runs["GRU"]["layer"]["reset_after"] is True and runs["CuDNNGRU"]["layer"]["cudnn_enabled"] is True
    # PyTorch's double bias in both pairs: Keras 2.0.9's CuDNN classes' counts.
    assert {n: r["layer"]["parameters"] for n, r in runs.items()} == {
        "LSTM": 10812, "GRU": 8109, "CuDNNLSTM": 10812, "CuDNNGRU": 8109,
    }  # fmt: skip
    report = (out / "REPORT.md").read_text()
    assert f"| CuDNNLSTM not run: {no_gpu}" in report
    assert "Plain PyTorch 2.10.0" in report and "only the kernel differs (math `matched`)" in report
    assert "LSTM has 10,812 parameters here, 10,608 in Keras 2.0.9 (PyTorch keeps two biases per gate" in report
    # the plain pair's claim, with its kernel's kind
    assert "on CPU with plain PyTorch (nn.LSTM/nn.GRU) (plain kernel: native kernel; 1 run: indicative" in report

    again = reproduce(*TINY, "--stack", "torch", "--out", str(out))
    assert again.returncode == 0 and "4 run(s) already done" in again.stderr, again.stderr
    assert reproduce("report", "--check", str(out / "results.json")).returncode == 5
    mixed = reproduce(*TINY, "--stack", "torch", "--math", "article", "--out", str(tmp_path / "m"))
    assert mixed.returncode == 2 and "the torch stack's nn.LSTM/nn.GRU compute cuDNN's math" in mixed.stderr


def test_installed_package_gives_the_same_cli(tmp_path):
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(ROOT)]
    installed = subprocess.run(pip, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    assert {"claims.json", "prediction_error.json"} <= {p.name for p in (site / "cudnn_repro" / "judge").iterdir()}
    assert (site / "cudnn_repro" / "results.schema.json").is_file()
    env = os.environ | {"PYTHONPATH": str(site)}
    script = [str(site / "bin" / "cudnn-repro")]
    done = subprocess.run([*script, "--help"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("usage: cudnn-repro") and "compare" in done.stdout
    image = subprocess.run([*script, "image"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert image.returncode == 6 and "needs a checkout" in image.stderr and "Traceback" not in image.stderr


def test_help_lists_commands_exit_codes_and_every_option():
    done = reproduce("--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: reproduce.py")
    for command in ("run", "container", "image", "report", "compare", "slurm"):
        assert f"    {command}" in done.stdout
    assert "exit codes:" in done.stdout and "130  interrupted" in done.stdout
    assert reproduce("--version").stdout.startswith("reproduce.py 0.")
    text = reproduce("run", "--help").stdout
    for option in (
        "--profile",
        "--models",
        "--epochs",
        "--train-samples",
        "--test-samples",
        "--steps-per-epoch",
        "--repeats",
        "--math",
        "--data",
        "--imdb-path",
        "--out",
        "--force",
        "--tf32",
        "--stack",
        "paper",
        "quick",
        "smoke",
    ):
        assert option in text


def test_bad_input_is_a_clear_error(tmp_path):
    bad = reproduce("--profile", "smoke", "--models", "LSTM,BiLSTM", "--out", str(tmp_path))
    assert bad.returncode == 2 and "unknown model(s) ['BiLSTM']" in bad.stderr
    mixed = reproduce("--profile", "smoke", "--math", "matched", "--out", str(tmp_path))
    assert mixed.returncode == 2 and "--math applies to the keras3 stack" in mixed.stderr
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for case in (
        reproduce(*TINY, "--out", str(a_file)),
        reproduce(*TINY, "--out", str(tmp_path / "b"), backend="bogus"),
        reproduce(*TINY, "--out", str(tmp_path / "t"), backend="torch"),  # keras2 is TensorFlow's
    ):
        assert case.returncode == 1 and case.stderr.startswith("error: ") and "Traceback" not in case.stderr
    off_tf = reproduce(*TINY, "--out", str(tmp_path / "j"), backend="jax")
    assert (
        off_tf.returncode == 1
        and "the keras2 stack runs on TensorFlow, not KERAS_BACKEND=jax: pass --stack keras3" in off_tf.stderr
    )
    assert "Traceback" not in off_tf.stderr
    corrupt = tmp_path / "imdb.npz"
    corrupt.write_bytes(b"PK\x03\x04 truncated")
    done = reproduce("--profile", "smoke", "--imdb-path", str(corrupt), "--out", str(tmp_path / "o"))
    assert done.returncode == 1 and "corrupt or truncated" in done.stderr
    assert not (tmp_path / "o" / "results.json").exists()


# No engine is needed to check what happens without one: here, beside the other local runs.
def test_no_engine_says_so_and_falls_back_to_a_local_run(tmp_path):
    env_host = {"DOCKER_HOST": "unix:///nonexistent/docker.sock", "KERAS_HOME": str(tmp_path / "keras")}
    out = tmp_path / "paper"
    # --data auto: the host looks for imdb.npz (and tries the download) once; the fallback does not again.
    args = ["container", "--profile", "smoke", "--train-samples", "100", "--test-samples", "100", "--models", "LSTM",
            "--out", str(out)]  # fmt: skip
    refused = reproduce(*args, env_extra=env_host)
    assert refused.returncode == 6 and "no Docker engine answers" in refused.stderr
    done = reproduce(*args, "--fallback-local", env_extra=env_host)
    assert done.returncode == 0, done.stderr
    assert "falling back to a local run" in done.stderr and done.stderr.count("downloading ") == 1
    assert json.loads((out / "results.json").read_text())["environment"]["container"]["image_id"] is None
