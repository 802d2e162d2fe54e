"""Docs that cannot rot: every make target, command and option they name exists, every relative
link resolves, and the figures they copy (the headline, the exit codes, the version) match their
owners."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT

from cudnn_repro import __version__, errors, results
from cudnn_repro.cli import build_parser
from cudnn_repro.judge import outcomes
from cudnn_repro.judge.analysis import analyse
from cudnn_repro.judge.claims import RatioClaim, load_article
from cudnn_repro.measure import framework
from cudnn_repro.registry import STACK_FACTS
from cudnn_repro.render import claims_table, docs, formats, glossary, summary, verdicts
from cudnn_repro.settings import PROFILES, SPECS

DOCS = [ROOT / "README.md", ROOT / "ARTIFACT.md", *sorted((ROOT / "docs").glob("*.md"))]
# Options of other tools that the docs quote (pip, Slurm, Apptainer, pyxis, the benchmarks).
FOREIGN = {"--no-deps", "--require-hashes", "--no-index", "--nv", "--containall", "--dependency",
           "--container-image"}  # fmt: skip
# The benchmark scripts' own options, which the docs quote with their commands.
BENCH_OPTIONS = {
    o for p in (ROOT / "bench").glob("*.py") for o in re.findall(r'add_argument\(\s*"(--[a-z0-9-]+)"', p.read_text())
}


def code(path) -> str:
    """The text a reader would type: inline code spans and fenced blocks."""
    text = path.read_text()
    return "\n".join(re.findall(r"```.*?```", text, re.S) + re.findall(r"`([^`\n]+)`", text))


def parsers():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")  # argparse keeps its subparsers here
    return parser, sub.choices


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_make_target_named_exists(doc):
    targets = set(re.findall(r"\bmake ([a-z][a-z-]*)", code(doc)))
    for target in targets:
        done = subprocess.run(["make", "-n", target, "RUNNER=local"], cwd=ROOT, capture_output=True, text=True)
        assert "No rule to make target" not in done.stderr, f"{doc.name}: make {target}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_command_and_option_named_exists(doc):
    parser, commands = parsers()
    text = code(doc)
    for command in re.findall(r"(?:reproduce\.py|cudnn-repro) ([a-z][a-z-]*)", text):
        assert command in commands, f"{doc.name}: reproduce.py {command}"
    options = {o for p in [parser, *commands.values()] for a in p._actions for o in a.option_strings} | BENCH_OPTIONS
    for option in set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text)) - FOREIGN:
        assert option in options, f"{doc.name}: {option}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_relative_link_resolves(doc):
    for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text()):
        if target.startswith(("http://", "https://", "mailto:", "#")):
            continue
        path = target.split("#")[0]
        assert (doc.parent / path).exists(), f"{doc.name}: {target}"


def test_the_front_pages_first_screen_holds_the_commands_and_the_claims_table_of_the_summary():
    """README's first 40 lines: `make reproduce` and the claims table as paper/summary.json gives it
    (`make docs` regenerates it), the same table that opens paper/SUMMARY.md."""
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "make reproduce" in first_screen and claims_table.FRONT_PAGE.end in first_screen
    table = claims_table.front_page_table(ROOT / "paper" / "summary.json")
    assert claims_table.FRONT_PAGE.block(table) in readme
    assert len(table.splitlines()) == 2 + len(load_article().claims)  # a row per claim
    summary_md = (ROOT / "paper" / "SUMMARY.md").read_text()
    assert summary_md.split("\n\n")[1] == table, "paper/SUMMARY.md opens with the same table"


def test_ci_gates_each_stack_only_on_claims_its_framework_can_run():
    text = (ROOT / "docs" / "ci.md").read_text()
    rows = re.findall(r"^\| (\w+) \| (\w+) \| ([\w,]+) \| ([\w,]+) \|$", text.split("<!-- gates -->")[1], re.M)
    assert {(stack, fw) for stack, fw, _, _ in rows} >= {("keras2", "tensorflow"), ("keras3", "jax")}
    claims = {c.id: c for c in load_article().claims}
    for stack, name, models, gates in rows:
        assert name in STACK_FACTS[stack].frameworks, (stack, name)
        chosen = framework.load(name)
        for model in models.split(","):
            spec = SPECS[model]
            assert not spec.cudnn or chosen.no_cudnn_kernel(spec.cell) is None, f"{name} cannot run {model} on cuDNN"
        for gate in gates.split(","):
            assert set(claims[gate].models) <= set(models.split(",")), f"{stack}/{name}: {gate} needs a model not run"


def test_the_exit_code_table_is_errors_own():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Exit codes", 1)[1].split("\n\n")[1]
    listed = {int(code): text for code, text in re.findall(r"^\| (\d+) \| (.*) \|$", table, re.M)}
    owned = {value for name, value in vars(errors).items() if name.isupper() and isinstance(value, int)}
    assert listed == errors.MEANINGS and set(errors.MEANINGS) == owned


def test_every_generated_part_of_the_docs_is_what_its_files_say_now():
    """stacks.md (stacks.json), README's words (judge/outcomes.py), claims table and evidence.md's run sets
    (paper/): `make docs` writes each; none may differ."""
    for page, part, body in docs.parts(ROOT / "paper"):
        assert part.block(body) in page.read_text(), f"run `make docs`: {page.name} differs at {part.begin}"


def test_the_words_are_defined_once_each_with_their_check_status():
    readme = (ROOT / "README.md").read_text()
    for word in (*outcomes.VERDICT_WORDS, *outcomes.OUTCOME_WORDS):
        assert f"- **{word.word}**: {word.meaning} (`--check`: {word.check}," in readme
    planted = readme.replace(outcomes.VERDICT_WORDS[2].meaning, "the interval is wide")
    assert glossary.VERDICTS.block(glossary.verdicts_text()) not in planted, "a hand edit of a meaning is caught"


def test_the_evidence_page_has_a_row_per_run_set():
    page = (ROOT / "docs" / "evidence.md").read_text()
    for folder in (ROOT / "paper" / "runs").iterdir():
        if folder.is_dir():
            assert f"`paper/runs/{folder.name}/`" in page, f"docs/evidence.md has no row for paper/runs/{folder.name}"


def test_archive_metadata_matches_the_package():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text())
    citation = (ROOT / "CITATION.cff").read_text()
    assert zenodo["version"] == __version__ and f"version: {__version__}" in citation
    assert zenodo["license"] == "MIT" and "license: MIT" in citation and "MIT License" in (ROOT / "LICENSE").read_text()
    assert zenodo["title"] in citation and zenodo["creators"]


def test_every_stack_is_in_the_stacks_page_as_stacks_json_describes_it():
    """docs/stacks.md's table has a row per stack, and its generated section is what stacks.json says."""
    page = (ROOT / "docs" / "stacks.md").read_text()
    for name in STACK_FACTS:
        assert re.search(rf"^\| `{name}`", page, re.M), f"docs/stacks.md has no row for the {name} stack"


def test_the_check_tables_exit_codes_are_errors_own():
    """docs/method.md's `--check` table and docs/ci.md's table list codes that mean what errors.py says."""
    method = (ROOT / "docs" / "method.md").read_text()
    table = re.search(r"<!-- check: \S+ -->\n(.*?)<!-- end check -->", method, re.S).group(1)
    codes = {int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M)}
    assert codes == {errors.OK, errors.SOME_NOT_REPRODUCED, errors.SOME_UNDECIDED, errors.INPUT_ERROR}
    assert "not applicable" in table and "not verifiable" in table
    ci = (ROOT / "docs" / "ci.md").read_text()
    assert {int(c) for c in re.findall(r"^\| (\d+) \|", ci, re.M)} == {
        errors.OK, errors.PROVENANCE, errors.SOME_NOT_REPRODUCED, errors.SOME_UNDECIDED, errors.SELF_TEST
    }  # fmt: skip


def prose(pattern: str) -> list[tuple[str, ...]]:
    """Every copy of a figure the docs state in words, as the pattern's groups."""
    return [m.groups() for doc in DOCS for m in re.finditer(pattern, doc.read_text())]


def test_every_range_size_and_version_the_docs_restate_is_its_owners():
    """The claims' ranges (claims.json), the profiles' sizes and repeats (settings.PROFILES) and the
    output files' versions, wherever the docs copy them in words."""
    claims = [c for c in load_article().claims if isinstance(c, RatioClaim)]
    ranges = prose(r"\b(\d+(?:\.\d+)?)x-(\d+(?:\.\d+)?)x\b")
    assert ranges and set(ranges) <= {(f"{c.low:g}", f"{c.high:g}") for c in claims if c.high is not None}
    margins = prose(r"\babove (1\.\d+)\b")
    assert margins and set(margins) <= {(f"{c.low * (1 + c.margin):g}",) for c in claims if c.high is None}
    paper, quick = PROFILES["paper"], PROFILES["quick"]
    assert set(prose(r"(\d+) epochs (?:of|after) (\d+) steps")) == {(str(quick.epochs), str(quick.steps_per_epoch))}
    more = {(str(paper.repeats), str(paper.max_repeats - paper.repeats))}
    assert set(prose(r"(\d+) interleaved repeats, and (\d+) more")) == more
    assert set(prose(r"(\d+) interleaved repeats \(up to (\d+)\)")) == {(str(paper.repeats), str(paper.max_repeats))}
    for name, version in {"verdicts.json": verdicts.VERSION, "summary.json": summary.SUMMARY_VERSION}.items():
        assert set(prose(rf"`{re.escape(name)}` \(version (\d+)\)")) == {(str(version),)}, name


def test_the_front_page_quotes_the_largest_recorded_peak_memory_and_its_run_set():
    """The needs table's memory figure is the largest a committed run set recorded, named with its folder."""
    recorded = {}
    for path in (ROOT / "paper").rglob("results.json"):
        peak = analyse(results.load(path), load_article()).peak_memory.host_bytes
        if peak:
            recorded[path.parent.relative_to(ROOT)] = peak
    needs = (ROOT / "README.md").read_text().split("## What they need, and how long they take")[1].split("\n## ")[0]
    if not recorded:
        assert "no committed run set holds the record yet" in needs
        return
    folder, peak = max(recorded.items(), key=lambda item: item[1])
    assert f"peak memory {formats.gib(peak)}" in needs and f"`{folder}`" in needs


def test_the_flagships_method_history_quotes_its_committed_file():
    """Every ratio and interval docs/evidence.md gives in the flagship's history is in the file
    bench/method_history.py wrote (bench/results/method-history.txt)."""
    history = (ROOT / "docs" / "evidence.md").read_text().split("## The flagship's method history")[1]
    made = (ROOT / "bench" / "results" / "method-history.txt").read_text()
    quoted = re.findall(r"\d+\.\d+x \[\d+\.\d+, \d+\.\d+\]", history)
    assert len(quoted) >= 4 and all(q in made for q in quoted), quoted


def test_every_report_of_a_set_made_from_a_dirty_checkout_says_so_from_its_record():
    for path in (ROOT / "paper").rglob("results.json"):
        dirty = results.load(path)["environment"]["git"].get("dirty")
        report = (path.parent / "REPORT.md").read_text()
        assert ("Made from a checkout with uncommitted changes" in report) == bool(dirty), path


def console_log_facts(log: Path) -> tuple[str, str | None, str]:
    """A committed console log's wall time ('42 min 6 s'), the ETA it printed and its exit status."""
    text = log.read_text()
    minutes, seconds = re.search(r"^real\s+(\d+)m([\d.]+)s$", text, re.M).groups()
    eta = re.search(r"^ETA: (\d+:\d\d:\d\d) ", text, re.M)
    return (
        f"{int(minutes)} min {round(float(seconds))} s",
        eta.group(1) if eta else None,
        re.search(r"^exit: (\d+)$", text, re.M).group(1),
    )


def test_the_main_commands_times_on_the_front_page_and_in_artifact_are_their_console_logs():
    """README's needs table and ARTIFACT.md quote the main command's and the quick one's wall time and
    ETA: each figure is the committed log's it names."""
    row = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| CPU host"))
    artifact = " ".join((ROOT / "ARTIFACT.md").read_text().split())
    for log in ("paper/make-reproduce.log", "paper/runs/main-quick/make-reproduce-quick.log"):
        took, eta, status = console_log_facts(ROOT / log)
        assert f"[`{log}`]({log})" in row and f"took {took}" in row and status == "0"
        assert f"took {took}" in artifact
        if eta:
            assert f"ETA of {eta}" in row and f"ETA of {eta}" in artifact


def test_the_cold_make_test_time_on_the_front_page_and_in_artifact_is_its_console_log():
    """README's needs table and ARTIFACT.md quote the last cold `make test`: its time and commit, from its log."""
    log = ROOT / "bench" / "results" / "make-test.log"
    took, _, status = console_log_facts(log)
    commit = re.search(r"^cold fresh clone at (\w+) ", log.read_text(), re.M).group(1)
    row = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `make test`"))
    artifact = " ".join((ROOT / "ARTIFACT.md").read_text().split())
    assert status == "0" and f"{took} on a fresh clone of {commit}" in row
    assert f"`make test` ({took} on a fresh clone of {commit}, cold" in artifact
