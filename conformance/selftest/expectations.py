"""Which of our checks should catch each seeded fault, and where to look for it.

One entry per fault of `ordermesh_mock.faults.CATALOGUE` and of the fault proxy's `PROXY_FAULTS`
(they are the source of truth for names and categories; this module only adds what the suite
should do about each fault).
`checks` are the "check" values a run records in summary.json failures: Schemathesis check names
and our own checks' names. `operations` are the operations the fault affects; selftest passes
them as `--include`, so each run stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from conformance.config.settings import PROFILES
from conformance.config.suggestions import did_you_mean
from conformance.errors import OrderMeshError, UnknownFaultError
from conformance.selftest.proxy_faults import PROXY_FAULTS
from ordermesh_mock.faults import BY_NAME, Fault

# Our check functions (conformance/checks/*); tests/selftest asserts they still exist.
AUDIT = "audit_log_side_effect"
READ_AFTER_WRITE = "read_after_write"
TENANT = "tenant_isolation"
LISTING = "paging_and_filters"
SINGLE_VIOLATION = "single_constraint_violation"  # one declared rule broken in a valid body
SORT = "sort_order"  # records in the order of the declared sort asked for
OWNERSHIP = "list_ownership"  # every listed record is the caller's
WRITE_ANSWER = "write_answer"  # a write answers what was sent, and what a read shows
TIMESTAMPS = "time_runs_forward"  # created <= updated, each within its request's window
# The stateful scenarios' checks (conformance/stateful: LifecycleFailure.check values).
LIFECYCLE_STATE = "lifecycle_state"  # a resource reads back other than the model says
LIFECYCLE_STATUS = "lifecycle_status"  # a forbidden call was allowed, or an allowed one refused
LIFECYCLE_AUDIT = "lifecycle_audit"
LIFECYCLE_LISTING = "lifecycle_listing"


@dataclass(frozen=True)
class Expectation:
    fault: str
    checks: tuple[str, ...]  # any one of these, recorded as a failure, is a correct detection
    operations: tuple[str, ...]  # operationIds the run includes
    why: str  # how the fault shows up to the check
    # The smallest profile whose budget reaches the fault (e.g. the coverage phase, or enough
    # examples to hit page 2); selftest runs the fault at this or the requested profile.
    profile: str = "smoke"
    # In a whole run its checks fire at every write the spec audits (`x-audit`), not only at
    # `operations`: a several-faults row keeps it apart from faults at those operations.
    everywhere: bool = False
    # Of its checks, only the lifecycle scenarios' reach it at the selftest's budgets (the
    # single-fault matrix shows which check caught it): a row must leave it a scenario.
    scenario_only: bool = False
    # The named lifecycle scenarios that reach the fault's condition (empty: any scenario
    # calling one of its operations); for a fault only a scenario catches.
    scenarios: tuple[str, ...] = ()

    @property
    def proxied(self) -> bool:
        """A fault of the proxy in front of the clean mock, not one seeded inside the mock."""
        return self.fault in PROXY_FAULTS

    @property
    def category(self) -> str:
        if self.proxied:
            return PROXY_FAULTS[self.fault].category
        return BY_NAME[self.fault].category


def _e(
    fault: str,
    checks: Iterable[str],
    operations: Iterable[str],
    why: str,
    profile: str = "smoke",
    everywhere: bool = False,
    scenario_only: bool = False,
    scenarios: Iterable[str] = (),
) -> Expectation:
    return Expectation(
        fault,
        tuple(checks),
        tuple(operations),
        why,
        profile,
        everywhere,
        scenario_only,
        tuple(scenarios),
    )


def run_profile(expectation: Expectation, requested: str) -> str:
    """The larger budget of the two (profiles are ordered smoke < ci < full)."""
    order = list(PROFILES)
    return max(requested, expectation.profile, key=order.index)


SCHEMA, STATUS = "response_schema_conformance", "status_code_conformance"
NEGATIVE, IGNORED_AUTH, SERVER_ERROR = (
    "negative_data_rejection",
    "ignored_auth",
    "not_a_server_error",
)

EXPECTATIONS: tuple[Expectation, ...] = (
    _e(
        "order-missing-status",
        [SCHEMA],
        ["getOrderById", "getOrderBySafeId"],
        "required `status` missing from a 200 body",
    ),
    _e(
        "shipment-status-as-string",
        [SCHEMA],
        ["createShipment", "getShipmentById"],
        "integer shipmentStatus serialized as a string",
    ),
    _e("create-order-200", [STATUS], ["createOrder"], "200 is not a documented createOrder status"),
    _e(
        "hold-conflict-422",
        [STATUS, LIFECYCLE_STATUS],
        ["holdOrder"],
        "a hold on an already held or closed order answers the undocumented 422",
    ),
    _e(
        "bad-location-header",
        [READ_AFTER_WRITE],
        ["createOrder"],
        "GET on the returned Location answers 404",
    ),
    _e(
        "accepts-invalid-quantity",
        [SINGLE_VIOLATION, NEGATIVE],
        ["createOrder"],
        "a valid order whose only problem is quantity 0 answers 201",
    ),
    _e(
        "ignores-max-length",
        [SINGLE_VIOLATION, NEGATIVE],
        ["createOrder"],
        "a valid order whose only problem is a 65-character externalId answers 201",
    ),
    _e(
        "ignores-enum", [NEGATIVE], ["searchOrders"], "an unknown `status` value answers 200", "ci"
    ),  # one constraint broken at a time: the coverage phase
    _e(
        "ignores-required",
        [SINGLE_VIOLATION, NEGATIVE],
        ["createNote"],
        "a valid note without `text` answers 201",
    ),
    _e(
        "search-ignores-auth",
        [IGNORED_AUTH],
        ["searchOrders"],
        "the request without a token answers 200",
    ),
    _e("cross-merchant-read", [TENANT], ["getOrderById"], "merchant B reads merchant A's order"),
    _e(
        "cancel-not-persisted",
        [READ_AFTER_WRITE, LIFECYCLE_STATE],
        ["cancelOrder"],
        "the order reads back with the items still open",
    ),
    _e(
        "delete-does-not-delete",
        [READ_AFTER_WRITE, LIFECYCLE_STATE],
        ["deleteNote"],
        "GET after DELETE answers 200",
    ),
    _e(
        "put-not-idempotent",
        [READ_AFTER_WRITE, LIFECYCLE_STATE],
        ["updateNote"],
        "the note reads back as old + new text",
    ),
    _e(
        "partial-put",
        [READ_AFTER_WRITE, LIFECYCLE_STATE],
        ["updateNote"],
        "a text longer than 20 characters reads back truncated",
        scenario_only=True,  # the property test's texts are shorter than what it keeps
        scenarios=["notes"],
    ),
    _e(
        "audit-missing-on-update",
        [AUDIT, LIFECYCLE_AUDIT],
        ["updateOrder"],
        "updateOrder adds no audit event",
    ),
    _e(
        "audit-wrong-values",
        [AUDIT, LIFECYCLE_AUDIT],
        ["cancelOrder"],
        "an item event with oldValue == newValue",
    ),
    _e(
        "audit-wrong-actor",
        [AUDIT, LIFECYCLE_AUDIT],
        ["createOrder", "createNote"],
        "the event's clientId is not the caller",
        everywhere=True,  # every audit event of every write
    ),
    _e(
        "audit-missing-bulk",
        [AUDIT, LIFECYCLE_AUDIT],
        ["createOrdersBulk"],
        "the second and later orders have no creation event",
        scenario_only=True,  # the property test's bulk bodies make one order; the step, two
        scenarios=["notes"],
    ),
    _e(
        "refund-over-balance",
        [LIFECYCLE_STATUS],
        ["addRefund"],
        "a refund above the remaining balance answers 200 and drives the balance negative",
        scenarios=["create, ship, cancel, refund"],
    ),
    _e(
        "refund-wrong-item",
        [READ_AFTER_WRITE, LIFECYCLE_STATE],
        ["addRefund"],
        "the named item's balance reads back unchanged",
    ),
    _e(
        "cancelled-item-shippable",
        [LIFECYCLE_STATUS],
        ["createShipment"],
        "a shipment for a Cancelled item answers 201",
        scenarios=["reject"],
    ),
    _e(
        "partial-cancel-cancels-order",
        [READ_AFTER_WRITE, LIFECYCLE_STATE],
        ["cancelOrder"],
        "an item not named in the cancel reads back Cancelled",
    ),
    _e(
        "hold-does-not-block-shipping",
        [LIFECYCLE_STATUS],
        ["createShipment"],
        "a shipment for a held order answers 201",
        scenarios=["Customer Care Hold"],
    ),
    _e(
        "pagination-repeats",
        [LISTING, LIFECYCLE_LISTING],
        ["listOrders"],
        "page 2 repeats the last record of page 1",
        "ci",
    ),  # needs a case asking for page 1
    _e(
        "search-filter-ignored",
        [LISTING, LIFECYCLE_LISTING],
        ["searchOrders"],
        "records with another status come back",
        scenario_only=True,  # the search step knows which orders must not come back
    ),
    _e(
        "unicode-note-500", [SERVER_ERROR], ["createNote"], "a non-ASCII note answers 500", "ci"
    ),  # smoke's 3 examples may all be ASCII
    _e(
        "sort-ignored",
        [SORT],
        ["listOrders"],
        "the records come in insertion order whatever sort was asked",
    ),
    _e(
        "list-leaks-other-merchant",
        [OWNERSHIP],
        ["listOrders"],
        "merchant B's newest order is first on merchant A's page 1",
    ),
    _e(
        "update-answers-stale",
        [WRITE_ANSWER],
        ["updateOrder"],
        "the answer to a PATCH shows the fields as they were before it",
    ),
    _e(
        "local-time-as-utc",
        [TIMESTAMPS],
        ["updateOrder"],
        "updatedAt is 5 hours before createdAt, outside the PATCH's window",
    ),
)

# The fault proxy's rows (conformance/selftest/proxy_faults.py). `operations` are where the check
# must catch the fault, which is not always an operation the proxy rewrites (audit logs, reads).
PROXY_EXPECTATIONS: tuple[Expectation, ...] = (
    _e(
        "proxy-envelope-field-dropped",
        [SCHEMA],
        ["listOrders"],
        "a listOrders page without its required `totalCount`",
    ),
    _e(
        "proxy-note-field-dropped",
        [SCHEMA],
        ["getNoteById"],
        "a note without its required `createdBy`",
    ),
    _e("proxy-number-as-string", [SCHEMA], ["getOrderById"], "item `quantity` is a string"),
    _e("proxy-undocumented-2xx", [STATUS], ["deleteNote"], "202 is not a documented status"),
    _e(
        "proxy-refusal-to-success",
        [LIFECYCLE_STATUS],
        ["holdOrder"],
        "a hold the model forbids answers 200",
        scenarios=["Customer Care Hold"],
    ),
    _e(
        "proxy-write-not-forwarded",
        [READ_AFTER_WRITE, LIFECYCLE_STATE],
        ["updateNote"],
        "the note reads back with its old text",
    ),
    _e(
        "proxy-stale-read",
        [READ_AFTER_WRITE, LIFECYCLE_STATE],
        ["updateOrder"],
        "the order reads back as it was before the PATCH",
    ),
    _e(
        "proxy-audit-event-dropped",
        [AUDIT, LIFECYCLE_AUDIT],
        ["updateOrder"],
        "the order changed but its audit log shows no new event",
    ),
    _e(
        "proxy-audit-actor-changed",
        [AUDIT, LIFECYCLE_AUDIT],
        ["createNote"],
        "the note's creation event names another actor than the caller",
    ),
    _e(
        "proxy-auth-bypass",
        [IGNORED_AUTH],
        ["searchOrders"],
        "the request without a token answers 200",
    ),
    _e("proxy-shared-cache", [TENANT], ["getOrderById"], "merchant B reads merchant A's order"),
    _e(
        "proxy-page-repeats",
        [LISTING, LIFECYCLE_LISTING],
        ["listOrders"],
        "page 2 repeats the last record of page 1",
        "ci",
    ),  # needs a case asking for page 1
    _e(
        "proxy-filter-dropped",
        [LISTING, LIFECYCLE_LISTING],
        ["searchOrders"],
        "records with another status come back",
        scenario_only=True,  # the search step knows which orders must not come back
    ),
    _e(
        "proxy-unicode-500", [SERVER_ERROR], ["createNote"], "a non-ASCII note answers 500", "ci"
    ),  # smoke's 3 examples may all be ASCII
)

BY_FAULT: dict[str, Expectation] = {e.fault: e for e in (*EXPECTATIONS, *PROXY_EXPECTATIONS)}


def select(names: Iterable[str] = ()) -> list[Expectation]:
    """The expectations for `names` in catalogue order; all of them when `names` is empty."""
    names = list(dict.fromkeys(names))
    every = [*BY_NAME, *PROXY_FAULTS]  # catalogue order, then the proxy's
    unknown = [n for n in names if n not in every]
    if unknown:
        hint = did_you_mean(
            unknown[0], every, "`ordermesh-conformance mock --list-faults` lists them"
        )
        raise UnknownFaultError(f"--fault {unknown[0]!r}: no such fault{hint}")
    missing = [name for name in every if name not in BY_FAULT]
    if missing:  # a catalogue fault nobody said how to catch: our bug, not the user's
        raise OrderMeshError(f"no selftest expectation for fault(s): {', '.join(missing)}")
    wanted = set(names) or set(every)
    return [BY_FAULT[name] for name in every if name in wanted]


def fault(name: str) -> Fault:
    return BY_NAME[name]
