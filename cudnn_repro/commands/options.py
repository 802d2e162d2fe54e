"""What several commands parse alike: value types checked where they enter, the run options
(declared once, from settings.OPTIONS), where an image is built from, and the settings they make."""

from __future__ import annotations

import argparse
import typing
from collections.abc import Callable
from pathlib import Path

from ..errors import INPUT_ERROR, OK, SOME_NOT_REPRODUCED, SOME_UNDECIDED, Failure, UsageError
from ..settings import OPTIONS, PROFILES, Settings, configured
from ..variables import IMDB_ENV


# Types that check a value where it enters: a bad one is a usage error (exit 2), before any import.
def path(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("a path cannot be empty")
    return Path(text)


def whole(text: str) -> int:
    """A whole number; its bounds are Settings' (or count's) to check."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a whole number") from None


def count(most: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = whole(text)
        if not 1 <= value <= most:
            raise argparse.ArgumentTypeError(f"{value} is not between 1 and {most:,}")
        return value

    return parse


def claim_ids(text: str) -> frozenset[str]:
    """--claims: ids from the claims file, comma-separated; an unknown one is a usage error naming them all."""
    from ..judge.claims import load_article

    known = [c.id for c in load_article().claims]
    ids = [part.strip() for part in text.split(",")]
    unknown = [i for i in ids if i not in known]
    if unknown or not text.strip():
        raise argparse.ArgumentTypeError(
            f"unknown claim {', '.join(map(repr, unknown)) or 'id (none given)'}; choose from {', '.join(known)}"
        )
    return frozenset(ids)


def add_check_options(parser: argparse.ArgumentParser, what: str) -> None:
    """--check and --claims, alike for report (one run set's verdicts) and compare (the reconciled outcomes)."""
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit by {what}: {OK} every gating claim reproduced (or not applicable on this hardware: an absolute "
        f"time off the article's GPU class), {SOME_NOT_REPRODUCED} some gating claim decided not reproduced, "
        f"{SOME_UNDECIDED} none refuted but some inconclusive, indicative or not verifiable ({INPUT_ERROR}: no results "
        "file can be read)",
    )
    parser.add_argument(
        "--claims",
        type=claim_ids,
        metavar="ID[,ID...]",
        help="with --check: the claims that gate the exit status (default: all; ids as in judge/claims.json)",
    )


def argument(parse: Callable[[str], object]) -> Callable[[str], object]:
    """A parser's own failure (a Failure with its message) as argparse's usage error."""

    def convert(text: str) -> object:
        try:
            return parse(text)
        except Failure as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_run_options(run: argparse.ArgumentParser, skip: tuple[str, ...] = ()) -> None:
    """The profile, then every overridable setting from settings.OPTIONS, then where to read and write."""
    paper, quick = PROFILES["paper"], PROFILES["quick"]
    run.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="paper",
        help=f"paper: the article's size ({paper.train_samples:,} reviews, {paper.epochs} epochs); quick: the same "
        f"{quick.train_samples:,} reviews, {quick.epochs} epochs of {quick.steps_per_epoch} steps, whose steady "
        "per-step times predict the article-size times; smoke: tiny, for tests",
    )
    types = typing.get_type_hints(Settings)
    for name, option in OPTIONS.items():
        if name in skip:
            continue
        kind = types[name]
        if kind is bool:
            run.add_argument(flag(name), action="store_true", default=None, help=option.help)
        elif name == "models":
            run.add_argument(flag(name), type=lambda text: tuple(text.split(",")), help=option.help)
        else:
            number = int in typing.get_args(kind) or kind is int
            run.add_argument(flag(name), type=whole if number else str, choices=option.choices, help=option.help)
    run.add_argument("--imdb-path", type=path, help=f"path to imdb.npz (also ${IMDB_ENV}); default: the Keras cache")
    run.add_argument(
        "--out",
        type=path,
        help="folder for results.json, REPORT.md and figure.png (default: a folder of its own, "
        "out/<host>-<gpu or cpu>-<stack>-<backend>-<profile>/; `--out paper` writes the project's evidence)",
    )
    run.add_argument("--force", action="store_true", help="start over instead of resuming the results in --out")


def add_build_options(command: argparse.ArgumentParser) -> None:
    """Where the image is built from: container's and image's, declared once."""
    command.add_argument(
        "--wheelhouse",
        type=path,
        default=Path("wheelhouse"),
        help="folder of pinned wheels the image is built from, offline (make wheelhouse)",
    )
    command.add_argument(
        "--base",
        help="base image to build on instead of the pinned one (air-gapped); `local`: the Debian 12 stand-in "
        "made from build/engine-base.tar, where no registry answers",
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """The run's settings; a combination Settings refuses is a usage error (exit 2)."""
    overrides = {name: getattr(args, name) for name in OPTIONS if getattr(args, name, None) is not None}
    try:
        return configured(args.profile, overrides)
    except ValueError as error:
        raise UsageError(str(error)) from None


def forwarded_run_options(args: argparse.Namespace) -> list[str]:
    """The run options, as the container's own `reproduce.py run` takes them (without --out)."""
    argv = ["--profile", args.profile] + (["--force"] if args.force else [])
    for name in OPTIONS:
        value = getattr(args, name, None)
        if value is True:
            argv.append(flag(name))
        elif value is not None:
            argv += [flag(name), ",".join(value) if isinstance(value, tuple) else str(value)]
    return argv


def written(what: str, out_dir: Path, work: Callable[[], int]) -> int:
    """work()'s status; an output folder that cannot be written is a Failure for cli's boundary (a results
    file that cannot be read is one already)."""
    try:
        return work()
    except OSError as error:
        raise Failure(f"cannot write the {what} to {out_dir}: {error.strerror or error}") from error
