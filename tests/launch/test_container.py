"""The host side of a container run, without an engine: what it records of the image."""

import pytest

from cudnn_repro.launch.container import INPUTS_LABEL, REVISION_LABEL, ROOT, image_revision, pinned_base
from cudnn_repro.launch.engine import decode_stream


@pytest.mark.parametrize(
    ("revision", "expected"),
    [("abc123", ("abc123", False)), ("abc123-dirty", ("abc123", True)), ("None", (None, False)), (None, (None, False))],
)
def test_a_run_in_an_image_records_the_code_the_image_holds(revision, expected):
    assert image_revision({REVISION_LABEL: revision} if revision else {}) == expected


def test_the_pinned_base_is_the_dockerfiles_and_unknown_without_one(tmp_path):
    assert "@sha256:" in pinned_base()  # pinned by digest
    assert pinned_base(tmp_path / "Dockerfile") is None  # an installed package has no Dockerfile to ask


def test_only_a_finished_build_carries_the_label_an_image_is_reused_by():
    """A build cut short (Ctrl-C, a CI job killed) leaves its last finished step's image behind with
    every label set so far; reusing such an image ran a container with no user and no entrypoint."""
    steps = [line for line in (ROOT / "docker" / "Dockerfile").read_text().splitlines() if line[:1].isalpha()]
    assert steps[-1] == f'LABEL {INPUTS_LABEL}="${{INPUTS}}"'
    assert not any(INPUTS_LABEL in step for step in steps[:-1])


def test_container_logs_decode_characters_split_across_chunks():
    text = "epoch 1/10: 0:00:05 — ✓"
    data = text.encode()
    chunks = [data[i : i + 3] for i in range(0, len(data), 3)]  # splits the multi-byte characters
    assert "".join(decode_stream(chunks)) == text
