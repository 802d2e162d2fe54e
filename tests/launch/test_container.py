"""The host side of a container run, without an engine: what it records of the image."""

import pytest

from cudnn_repro.launch.container import REVISION_LABEL, image_revision, pinned_base


@pytest.mark.parametrize(
    ("revision", "expected"),
    [("abc123", ("abc123", False)), ("abc123-dirty", ("abc123", True)), ("None", (None, False)), (None, (None, False))],
)
def test_a_run_in_an_image_records_the_code_the_image_holds(revision, expected):
    assert image_revision({REVISION_LABEL: revision} if revision else {}) == expected


def test_the_pinned_base_is_the_dockerfiles_and_unknown_without_one(tmp_path):
    assert "@sha256:" in pinned_base()  # pinned by digest
    assert pinned_base(tmp_path / "Dockerfile") is None  # an installed package has no Dockerfile to ask
