"""Command line: find the command (commands/, one module each), and the one error boundary.

python reproduce.py --profile paper             # the article's size
python reproduce.py --profile quick --repeats 3 # predicted article-size verdicts in minutes
python reproduce.py report out/RUN/results.json # re-render the report, run nothing
python reproduce.py container --profile paper   # the same run inside the pinned Docker image
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import tempfile
import traceback
from pathlib import Path

from . import __version__
from .commands import check_gpu_stack, compare, container, image, report, run, slurm
from .errors import INTERNAL, INTERRUPTED, Failure, Terminated, UsageError, exit_code_help
from .folders import CRASH
from .registry import DEFAULT_KERAS_BACKEND, STACK_FACTS

COMMANDS = {
    "run": run,
    "container": container,
    "image": image,
    "check-gpu-stack": check_gpu_stack,
    "report": report,
    "compare": compare,
    "slurm": slurm,
}
BACKEND_NOTE = " ".join(
    f"Set KERAS_BACKEND={'|'.join(s.frameworks)} to choose the {name} stack's backend (default "
    f"{DEFAULT_KERAS_BACKEND})."
    for name, s in STACK_FACTS.items()
    if s.keras_backend and len(s.frameworks) > 1
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=Path(sys.argv[0]).name,
        description="Reproduce the article's claim that cuDNN LSTM/GRU train about 10x faster "
        "than the plain layers (IMDB, Keras), and report a verdict per claim. Without a command, "
        "`run` is meant: `reproduce.py --profile quick` is `reproduce.py run --profile quick`.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"{BACKEND_NOTE}\n\n{exit_code_help()}",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    parsers = {name: command.add_parser(sub) for name, command in COMMANDS.items()}
    others = "\n".join(f"  {name:<16} {command.HELP}" for name, command in COMMANDS.items() if name != "run")
    parsers["run"].epilog = f"other commands (each has --help):\n{others}\n\n{BACKEND_NOTE}\n\n{exit_code_help()}"
    return parser


def main(argv: list[str] | None = None) -> int:
    """The one error boundary: an expected failure is one line and its exit code; anything
    else is a bug, one line naming the file that holds its traceback."""
    # TensorFlow's start-up noise (CPU-feature banners, cuInit errors), hidden as in the image.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        argv.insert(0, "run")
    parser = build_parser()
    bad = next((a for a in argv if CONTROL.search(a)), None)
    if bad is not None:  # such a value could start a new line of a job script or a report
        parser.error(f"control characters (newline, tab, escape ...) are not allowed in a value: {bad[:60]!r}")
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command].main(args)
    except UsageError as error:
        parser.error(str(error))
    except Failure as error:
        print(f"{error.prefix}{error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return INTERRUPTED
    except Terminated:  # what it started is stopped: now end as the signal would have (Slurm reads it so)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)
        return INTERRUPTED
    except Exception as error:
        where = crash_report(getattr(args, "out", None))
        what = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        print(f"error: unexpected {what}; this is a bug, please report it with {where}", file=sys.stderr)
        return INTERNAL


def crash_report(out: Path | None) -> Path:
    """The traceback in a file: in the output folder when there is one to write to, else the temp folder."""
    folder = out if out is not None and out.is_dir() and os.access(out, os.W_OK) else Path(tempfile.gettempdir())
    fd, name = tempfile.mkstemp(prefix=CRASH[0], suffix=CRASH[1], dir=folder)
    with os.fdopen(fd, "w") as f:
        f.write(f"{__version__} {sys.argv!r}\n{traceback.format_exc()}")
    return Path(name)
