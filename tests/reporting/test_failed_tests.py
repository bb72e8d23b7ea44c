"""The case a run adds to junit.xml on exit 2 or 3 is no test of ours that failed unrecorded."""

from __future__ import annotations

from conformance.exit_codes import Exit
from conformance.reporting import exit_outputs
from conformance.reporting.summary import failed_tests

JUNIT = """<testsuites><testsuite name="pytest">
<testcase classname="Orders" name="createOrder"><failure message="status"/></testcase>
<testcase classname="Orders" name="listOrders"/>
</testsuite>
<testsuite name="{suite}"><testcase classname="{suite}" name="{case}"><error message="gone"/>
</testcase></testsuite></testsuites>"""


def test_only_the_tests_that_failed_are_counted(tmp_path):
    path = tmp_path / "junit.xml"
    case = exit_outputs.CASE[Exit.TARGET]
    path.write_text(JUNIT.format(suite=exit_outputs.SUITE, case=case))
    assert failed_tests(path) == {"createOrder": "status"}
