"""The environment record: what decides timings, and nothing secret."""

from cudnn_repro.measure import environment


def test_environment_records_what_decides_timings(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("TF_TOKEN_app_terraform_io", "secret")  # Terraform's, never recorded
    env = environment.collect_environment()
    assert len(env["load_average"]) == 3 and {"governor", "mhz"} <= env["cpu"].keys()
    assert env["variables"]["OMP_NUM_THREADS"] == "2" and "TF_TOKEN_app_terraform_io" not in env["variables"]
    assert {"lock", "packages", "backend", "gpu", "git", "container"} <= env.keys()
