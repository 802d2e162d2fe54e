"""The package's layers as a rule: which subpackage may import which, and what the light commands load."""

import ast
import json
import subprocess
import sys

import pytest
from helpers import FIXTURES, ROOT

PACKAGE = ROOT / "cudnn_repro"
LAYERS = ("measure", "judge", "render", "launch")
CONTRACT = ("settings", "results", "outcome", "errors", "scaling", "variables")
# What each part may not import, lazily or not: measure runs where the GPU is and knows nothing of
# verdicts or launchers; judge decides without formatting or launching; the contract at the top
# depends on no layer.
FORBIDDEN = {
    "measure": {"judge", "render", "launch"},
    "judge": {"render", "launch"},
    **{name: set(LAYERS) for name in CONTRACT},
}
HEAVY = ("keras", "tensorflow", "tf_keras", "torch", "jax", "docker", "submitit")


def part(path) -> str:
    """A module's layer, or its own name for a module at the top."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_parts(path) -> set[str]:
    """Every part of cudnn_repro a module imports, anywhere in it (function-level imports too)."""
    package = ["cudnn_repro", *path.relative_to(PACKAGE).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names = [*base[1:], *(node.module or "").split(".")] if node.module else base[1:]
                targets = [names] if node.module else [[*names, alias.name] for alias in node.names]
            elif node.module == "cudnn_repro":
                targets = [[alias.name] for alias in node.names]
            elif (node.module or "").startswith("cudnn_repro."):
                targets = [node.module.split(".")[1:]]
            else:
                continue
            found |= {t[0] for t in targets if t and t[0]}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("cudnn_repro.")}
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_across_its_layers_fence(path):
    crossed = imported_parts(path) & FORBIDDEN.get(part(path), set())
    assert not crossed, f"{path.relative_to(ROOT)} imports {sorted(crossed)}"


def test_the_layers_are_the_subpackages():
    assert sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()) == sorted(LAYERS)
    assert {part(p) for p in MODULES} >= {*LAYERS, *CONTRACT}


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
