"""Files as this package writes and checks them: written so that a crash or a full disk never leaves a partial
one (results, reports, figures), and hashed one way (a dataset, an image archive, the image's inputs)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path


def write_json(data: dict, path: Path) -> None:
    write_atomically(path, json.dumps(data, indent=1, sort_keys=True) + "\n")


def write_atomically(path: Path, content: str | bytes) -> None:
    """A temporary file beside it, fsynced, renamed over the old one: a crash or a full disk
    leaves the old file whole (or none), never a partial one, and no temporary file behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.chmod(tmp, 0o644)  # mkstemp makes it private; results and reports are meant to be shared
        with os.fdopen(fd, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_of(path: Path) -> str:
    """The file's SHA-256, hex, read in blocks (an image archive is gigabytes)."""
    with Path(path).open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
