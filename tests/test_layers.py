"""The package's layers: which subpackage may import which is import-linter's (pyproject.toml, run by
`make lint`); what it cannot say is here: the layers are the subpackages, and the light commands,
through cli and the commands' lazy imports, load no framework, engine client or scheduler."""

import ast
import json
import re
import subprocess
import sys
import tomllib

from helpers import FIXTURES, ROOT

from cudnn_repro.registry import FRAMEWORK_FACTS, FRAMEWORKS, STACK_FACTS, STACKS

PACKAGE = ROOT / "cudnn_repro"
LAYERS = ("measure", "judge", "render", "launch", "commands")
HEAVY = ("keras", "tensorflow", "tf_keras", "torch", "jax", "docker", "submitit")


def test_the_layers_are_the_subpackages():
    assert sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()) == sorted(LAYERS)
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    named = {m.split(".")[1] for c in contracts for m in c["source_modules"]}
    assert named >= set(LAYERS) - {"commands"} and all(
        (PACKAGE / f"{n}.py").exists() or (PACKAGE / n).is_dir() for n in named
    )


def test_reading_and_help_commands_load_no_framework_engine_or_scheduler(tmp_path):
    """report, compare and every --help, in one process: none loads a deep-learning framework,
    docker-py or submitit (they are seconds each to import, and a host that only reads results
    needs none of them)."""
    calls = [["--help"], ["report", str(FIXTURES / "cpu-quick-results.json"), "--out", str(tmp_path / "r")],
             ["compare", str(ROOT / "paper"), "--out", str(tmp_path / "s")]]  # fmt: skip
    calls += [[command, "--help"] for command in ("run", "container", "image", "check-gpu-stack", "report",
                                                  "compare", "slurm")]  # fmt: skip
    code = (
        "import json, sys\nfrom cudnn_repro import cli\n"
        "for argv in json.loads(sys.argv[1]):\n"
        "    try:\n        cli.main(argv)\n    except SystemExit:\n        pass\n"
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code, json.dumps(calls)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
    assert (tmp_path / "r" / "REPORT.md").exists() and (tmp_path / "s" / "SUMMARY.md").exists()


# Every name a stack or framework goes by in code: its key, the package it is imported as, the settings
# it records of its own.
NAMES = (
    set(STACKS) | set(FRAMEWORKS) | {f.import_name for f in FRAMEWORK_FACTS.values()}
    | {key for s in STACK_FACTS.values() for key in s.recorded_settings}
)  # fmt: skip
NAMED = re.compile(r"\b(" + "|".join(map(re.escape, sorted(NAMES))) + r")\b")
URL = re.compile(r"https?://\S+")
# What may name one outside its module: history that no new stack changes.
HISTORY = {("cudnn_repro/results.py", "keras3")}  # version 1 files predate --stack: all ran Keras 3


def named_in_code(source: str) -> list[tuple[int, str]]:
    """(line, string) of each string in the code, docstrings and URLs aside, that names a stack or framework."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node) is not None
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and NAMED.search(URL.sub("", node.value))
    ]  # fmt: skip


def test_no_code_outside_the_stack_and_framework_modules_names_one():
    """A stack or framework is its module and its stacks.json entry: no other code, and not the results
    schema, names one in a string (a comparison, a table's key, a message, a default), so adding one
    touches no other file."""
    own = {PACKAGE / "measure" / "stacks", PACKAGE / "measure" / "frameworks"}
    found = [
        f"{path.relative_to(ROOT)}:{line} {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if not own & set(path.parents)
        for line, text in named_in_code(path.read_text())
        if (str(path.relative_to(ROOT)), text) not in HISTORY
    ]
    assert found == []
    schema = (PACKAGE / "results.schema.json").read_text()
    assert not NAMED.search(schema), NAMED.search(schema)


def test_the_name_check_finds_planted_names_and_passes_docstrings():
    planted = (
        '"""A docstring may say keras2."""\n'
        'DEFAULT = "keras2"\n'
        'if framework == "torch":\n    pass\n'
        'TABLE = {"jax": 1}\n'
        'note = f"the {name} stack, unlike tf_keras"\n'
        'URL = "https://example.org/tensorflow/data"\n'
    )
    assert sorted(line for line, _ in named_in_code(planted)) == [2, 3, 5, 6]


def module_imports(path) -> set[str]:
    """The package's modules that a file imports, at any depth of its code (lazy imports included)."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]) if node.level else ""
            target = ".".join(p for p in (base, node.module) if p)
            found |= {target} | {f"{target}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {name for name in found if name.startswith("cudnn_repro") and name != module}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every path that leads from a module back to itself, one per circle (depth-first)."""
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*path, nxt])
        done.add(node)

    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    return found


def test_the_package_imports_in_no_circle_and_the_check_finds_a_planted_one():
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {name: module_imports(path) & set(modules) for name, path in modules.items()}
    assert circles(graph) == []
    planted = graph | {"cudnn_repro.judge.stats": graph["cudnn_repro.judge.stats"] | {"cudnn_repro.judge.analysis"}}
    assert circles(planted), "the check must find a circle planted through stats"


RESULTS_KEYS = {"settings", "environment", "runs", "data", "created", "updated", "invocations", "stopping"}


def results_reads(source: str) -> list[int]:
    """Lines that index a results file's top-level keys (x["settings"], x.get("runs"))."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        key = None
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            key = node.slice.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            key = node.args[0].value if node.args and isinstance(node.args[0], ast.Constant) else None
        if key in RESULTS_KEYS:
            lines.append(node.lineno)
    return lines


def test_render_reads_the_typed_record_not_the_results_file():
    """judge hands render a run set's record (judge/record.py): no page indexes the results dict, and
    the check finds a planted read."""
    found = {
        str(path.relative_to(ROOT)): results_reads(path.read_text())
        for path in sorted((PACKAGE / "render").glob("*.py"))
    }
    assert {path: lines for path, lines in found.items() if lines} == {}
    assert results_reads('s = results["settings"]\nruns = results.get("runs", [])\n') == [1, 2]
