"""The package's layers: which subpackage may import which is import-linter's (pyproject.toml, run by
`make lint`); what it cannot say is here: the layers are the subpackages, and the light commands,
through cli and the commands' lazy imports, load no framework, engine client or scheduler."""

import ast
import json
import subprocess
import sys
import tomllib

from helpers import FIXTURES, ROOT

from cudnn_repro.registry import FRAMEWORKS, STACKS

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


def test_no_code_outside_the_stack_and_framework_modules_branches_on_their_names():
    """A stack or framework is its module and its stacks.json entry: nowhere else compares a name to one,
    or keys a table by one (adding a stack touches no other file)."""
    names = set(STACKS) | set(FRAMEWORKS)
    own = {PACKAGE / "measure" / "stacks", PACKAGE / "measure" / "frameworks"}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if own & set(path.parents):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare):
                named = [node.left, *node.comparators]
                named += [e for c in node.comparators if isinstance(c, (ast.Tuple, ast.List, ast.Set)) for e in c.elts]
            elif isinstance(node, ast.Dict):
                named = [k for k in node.keys if k is not None]
            else:
                continue
            found += [
                f"{path.relative_to(ROOT)}:{node.lineno} {n.value!r}"
                for n in named
                if isinstance(n, ast.Constant) and n.value in names
            ]
    assert found == []


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
