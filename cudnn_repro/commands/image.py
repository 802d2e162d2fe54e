"""`image`: build the pinned image offline from the wheelhouse, and optionally `docker save` it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import OK
from .options import add_build_options, path

HELP = "build the pinned image offline, and optionally archive it"


def add_parser(sub) -> argparse.ArgumentParser:
    image = sub.add_parser("image", help=HELP)
    image.add_argument("--variant", choices=("cpu", "gpu"), default="cpu", help="which image (default cpu)")
    add_build_options(image)
    image.add_argument("--archive", type=path, help="also `docker save` it here, with a .sha256 beside it")
    return image


def main(args: argparse.Namespace) -> int:
    return make_image(args.variant, args.wheelhouse, args.base, args.archive)


def make_image(variant: str, wheelhouse: Path, base: str | None, archive: Path | None) -> int:
    from ..launch import engine
    from ..launch.container import VARIANTS, build_image, require_checkout

    require_checkout()  # an EngineError goes to cli's boundary (exit 6)
    client = engine.connect()
    image = build_image(client, VARIANTS[variant], wheelhouse, base)
    print(f"built {VARIANTS[variant].tag}: {image}")
    if archive:
        archive.parent.mkdir(parents=True, exist_ok=True)
        print(f"archived: {archive} ({engine.save_archive(client, image, archive)})")
    return OK
