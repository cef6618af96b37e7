"""Coverage of a requirement from the materials filed under it (the colours of the matrix)."""

from types import SimpleNamespace

import pytest

from shian.evidence.matrix import coverage_of


def m(status, *flags):
    return SimpleNamespace(status=status, flags=[{"code": f, "message": ""} for f in flags])


@pytest.mark.parametrize(
    "materials, expected",
    [
        ([], "missing"),
        ([m("approved")], "approved"),
        ([m("approved"), m("approved")], "approved"),
        ([m("approved"), m("pending")], "uploaded"),
        ([m("approved"), m("returned"), m("pending")], "returned"),
        ([m("pending", "out_of_period")], "out_of_period"),
        ([m("pending", "out_of_period"), m("pending")], "uploaded"),
        ([m("pending", "empty")], "missing"),
        ([m("pending", "unreadable")], "missing"),
        ([m("pending", "empty"), m("approved")], "approved"),
        ([m("pending", "empty"), m("pending", "duplicate")], "uploaded"),
        ([m("returned", "empty")], "returned"),
    ],
)
def test_coverage_of_the_materials_filed_under_a_requirement(materials, expected):
    assert coverage_of(materials) == expected
