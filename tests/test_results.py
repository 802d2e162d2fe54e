"""The results file: versioned, atomic, and never mixed across settings."""

import json
import os
import re
import subprocess
import sys

import jsonschema
import pytest
from helpers import FIXTURES, ROOT

from cudnn_repro import files, folders, results, resume
from cudnn_repro.registry import FRAMEWORKS, STACK_FACTS, STACKS
from cudnn_repro.settings import DATA_SOURCES, MATH_MODES, MODELS, PROFILES


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
    with pytest.raises(results.ResultsError, match="is not a cudnn-repro/results file of version 1 or 2"):
        results.load(path)


def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "results.json"
    path.write_text('{"schema": "cudnn-repro/res')
    with pytest.raises(results.ResultsError, match="cannot read"):
        results.load(path)


def test_resume_refuses_other_settings(tmp_path, cpu_results):
    settings = cpu_results["settings"]
    env, data = cpu_results["environment"], cpu_results["data"]
    resume.check_resumable(cpu_results, dict(settings), env, data, tmp_path)
    with pytest.raises(results.ResultsError, match=r"epochs: 3 -> 10.*--force"):
        resume.check_resumable(cpu_results, settings | {"epochs": 10}, env, data, tmp_path)
    assert resume.finished(cpu_results) == {("LSTM", 0), ("GRU", 0)}


def broken(cpu_results: dict, how: str):
    """A results file damaged one way, as a user or a disk might damage it."""
    runs = cpu_results["runs"]
    if how == "binary":
        return b"\x89PNG\r\n\x1a\n\x00\xff\xfe"
    if how == "list":
        return json.dumps([cpu_results])
    if how == "no keys":
        return json.dumps({"schema": results.SCHEMA, "version": results.VERSION})
    if how == "negative":
        return json.dumps(cpu_results | {"runs": [runs[0] | {"fit_seconds": -5.0}, *runs[1:]]})
    if how == "nan":
        return json.dumps(cpu_results | {"runs": [runs[0] | {"epoch_seconds": [float("nan")]}, *runs[1:]]})
    if how == "duplicate":
        return json.dumps(cpu_results | {"runs": [runs[0], runs[0], *runs[1:]]})
    if how == "empty":
        return ""
    if how == "unknown model":
        return json.dumps(cpu_results | {"runs": [runs[0] | {"model": "BiLSTM"}, *runs[1:]]})
    if how == "not run without reason":
        return json.dumps(cpu_results | {"runs": [{"model": "CuDNNLSTM", "repeat": 0, "status": "not_run"}]})
    if how == "text epochs":
        return json.dumps(cpu_results | {"settings": cpu_results["settings"] | {"epochs": "10"}})
    raise ValueError(how)


# Each damaged file, and the words its one-line refusal must contain.
DAMAGE = {
    "binary": "cannot read results file",
    "list": "is not a cudnn-repro/results file of version 1 or 2 (found 'list')",
    "no keys": "does not match results.schema.json at the top level: 'created' is a required property",
    "negative": "does not match results.schema.json at runs/0/fit_seconds: -5.0 is less than the minimum",
    "nan": "NaN is not a JSON number",
    "duplicate": "LSTM run 0 appears twice",
    "empty": "cannot read results file",
    "unknown model": "at runs/0/model: 'BiLSTM' is not one of",
    "not run without reason": "at runs/0: 'reason' is a required property",
    "text epochs": "at settings/epochs: '10' is not of type 'integer'",
}


def test_the_published_schema_is_valid_and_every_committed_file_meets_it():
    schema = json.loads(results.SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    committed = sorted(ROOT.glob("paper/**/results.json")) + sorted(ROOT.glob("tests/fixtures/*results.json"))
    assert len(committed) >= 10
    for path in committed:
        results.load(path)


@pytest.mark.parametrize(("how", "words"), DAMAGE.items())
def test_damaged_results_never_become_a_verdict(tmp_path, cpu_results, how, words):
    path = tmp_path / "results.json"
    data = broken(cpu_results, how)
    path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data)
    with pytest.raises(results.ResultsError, match=re.escape(words)):
        results.load(path)


def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary(tmp_path, cpu_results, monkeypatch):
    path = tmp_path / "results.json"
    results.save(cpu_results, path)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        results.save(cpu_results | {"runs": []}, path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["results.json"]


HOLD = "import sys, time; from pathlib import Path; from cudnn_repro import folders\n" \
       "with folders.exclusive(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)"  # fmt: skip


def test_one_run_per_output_folder_and_a_dead_holder_is_taken_over(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert holder.stdout.readline().strip() == "held"
    with (
        pytest.raises(results.ResultsError, match=rf"is in use by PID {holder.pid} on .*started"),
        folders.exclusive(tmp_path),
    ):
        pass
    holder.kill()  # kill -9: no chance to clean up
    holder.wait()
    with folders.exclusive(tmp_path):
        assert (tmp_path / folders.LOCK_NAME).read_text().startswith(f"PID {os.getpid()}")


def test_the_schemas_enums_are_the_packages_own_constants():
    """The results schema and the Python that writes and reads results name the same choices."""
    schema = json.loads(results.SCHEMA_FILE.read_text())
    settings = schema["properties"]["settings"]["properties"]
    assert settings["profile"]["enum"] == list(PROFILES)
    assert "enum" not in settings["backend"] and "enum" not in settings["stack"]  # named by stacks.json alone
    checked = results.validator().schema["properties"]["settings"]["properties"]
    assert checked["backend"]["enum"] == list(FRAMEWORKS) and checked["stack"]["enum"] == list(STACKS)
    assert settings["math"]["enum"] == list(MATH_MODES)
    assert settings["data"]["enum"] == list(DATA_SOURCES)
    assert schema["$defs"]["model"]["enum"] == list(MODELS)
    assert schema["properties"]["data"]["properties"]["source"]["enum"] == [s for s in DATA_SOURCES if s != "auto"]


def test_a_version_1_file_is_upgraded_step_by_step_on_load(tmp_path):
    """The committed fixtures are version 1: load gives the current shape, with what v1 left out
    said as unknown (None) or as its absence meant, and a resumed file is saved as the current version."""
    old = json.loads((FIXTURES / "cpu-quick-results.json").read_text())
    assert old["version"] == 1 and "tf32" not in old["settings"]
    loaded = results.load(FIXTURES / "cpu-quick-results.json")
    assert loaded["version"] == results.VERSION == 2
    assert (loaded["settings"]["stack"], loaded["settings"]["tf32"]) == ("keras3", None)
    container = loaded["environment"]["container"]
    assert (container["image_base"], container["image_base_pinned"]) == (None, None)
    results.save(loaded, tmp_path / "results.json")
    assert results.load(tmp_path / "results.json") == loaded | {"updated": loaded["updated"]}


def test_the_schema_and_the_typed_dicts_name_the_same_fields():
    """One contract, two spellings (the file's schema, the code's types): held equal here."""
    import typing

    from cudnn_repro import results as contract
    from cudnn_repro.settings import Settings

    schema = json.loads((ROOT / "cudnn_repro" / "results.schema.json").read_text())
    env, settings = schema["properties"]["environment"], schema["properties"]["settings"]
    run = schema["$defs"]["run"]
    objects = {  # each TypedDict, its fields in the schema, and those every file must have
        contract.ResultsFile: (schema["properties"], schema["required"]),
        contract.RunSettings: (settings["properties"], settings["required"]),
        contract.Environment: (env["properties"], env["required"]),
        contract.Container: (env["properties"]["container"]["properties"], env["properties"]["container"]["required"]),
        contract.Run: (run["properties"] | run["then"]["properties"], run["required"]),
    }  # fmt: skip
    for typed, (fields, required) in objects.items():
        assert set(fields) == set(typing.get_type_hints(typed)), typed.__name__
        assert set(required) <= typed.__required_keys__, typed.__name__
    assert set(typing.get_type_hints(Settings)) <= set(typing.get_type_hints(contract.RunSettings))
    # a stack's own recorded settings are its facts (stacks.json), added to the schema as it is read
    stack_settings = contract.validator().schema["properties"]["settings"]["properties"]
    assert set(stack_settings) - set(typing.get_type_hints(contract.RunSettings)) == {
        key for stack in STACK_FACTS.values() for key in stack.recorded_settings
    }
    assert schema["title"].endswith(f"version {contract.VERSION}")
