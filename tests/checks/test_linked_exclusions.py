"""A call a link made is judged by every check, but `positive_data_acceptance` leaves out a body
the link did not give: generated values, not the prepared resources a property test's case
carries, may be refused for reasons of their own."""

from __future__ import annotations

from schemathesis.checks import positive_data_acceptance

from conformance.suites.runner import unlinked_body_exclusions


def test_a_generated_body_of_a_linked_call_is_not_held_to_acceptance(make_case):
    case = make_case("createPackages", body=[{"carrierName": "x"}])
    assert unlinked_body_exclusions(case, link_gave_body=False) == [positive_data_acceptance]


def test_a_body_the_link_gave_and_a_call_without_body_keep_every_check(make_case):
    assert unlinked_body_exclusions(make_case("createPackages", body=[{}]), True) == []
    assert unlinked_body_exclusions(make_case("getOrderById"), link_gave_body=False) == []
