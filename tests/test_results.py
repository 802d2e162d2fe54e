"""The results file: versioned, atomic, and never mixed across settings."""

import json

import pytest

from cudnn_repro import results


def test_save_then_load_round_trips_with_sorted_keys(tmp_path, cpu_results):
    path = tmp_path / "out" / "results.json"
    results.save(cpu_results, path)
    assert results.load(path)["runs"] == cpu_results["runs"]
    text = path.read_text()
    assert list(json.loads(text)) == sorted(json.loads(text))
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temporary left behind


@pytest.mark.parametrize("change", [{"version": 99}, {"schema": "other"}])
def test_unknown_schema_or_version_is_rejected(tmp_path, cpu_results, change):
    path = tmp_path / "results.json"
    path.write_text(json.dumps(cpu_results | change))
    with pytest.raises(results.ResultsError, match="is not a cudnn-repro/results v1 file"):
        results.load(path)


def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"schema": "cudnn-repro/res')
    with pytest.raises(results.ResultsError, match="cannot read"):
        results.load(path)


def test_resume_refuses_other_settings(tmp_path, cpu_results):
    settings = cpu_results["settings"]
    env, data = cpu_results["environment"], cpu_results["data"]
    results.check_resumable(cpu_results, dict(settings), env, data, tmp_path)
    with pytest.raises(results.ResultsError, match=r"epochs: 3 -> 10.*--force"):
        results.check_resumable(cpu_results, settings | {"epochs": 10}, env, data, tmp_path)
    assert results.finished(cpu_results) == {("LSTM", 0), ("GRU", 0)}
