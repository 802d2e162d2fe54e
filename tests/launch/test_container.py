"""The host side of a container run, without an engine: what it records of the image."""

import pytest

from cudnn_repro.launch.container import REVISION_LABEL, image_revision


@pytest.mark.parametrize(
    ("revision", "expected"),
    [("abc123", ("abc123", False)), ("abc123-dirty", ("abc123", True)), ("None", (None, False)), (None, (None, False))],
)
def test_a_run_in_an_image_records_the_code_the_image_holds(revision, expected):
    assert image_revision({REVISION_LABEL: revision} if revision else {}) == expected
