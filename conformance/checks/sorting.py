"""Sort order: a list or search answers its records in the order it was asked for.

For every operation whose parameters declare a sort (`x-sort`, spec/implied.py), the records of
a page must be in the order of the property the sort key names, in the direction asked (or the
spec's defaults when the case asks for none), and the next page must go on where this one
stopped. Records with equal keys may come in any order, and a record without the key gives no
verdict. Generated cases rarely ask for every key and direction, so once per operation per run
the check asks for each declared pair itself, with no other filter: every declared sort is
sent at least once per profile.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import TYPE_CHECKING, Any, NoReturn

from schemathesis import Response

from conformance.checks.context import CheckContext, project_check
from conformance.checks.listing import OVERLAP_TRIES, ids_of, records_of, records_on
from conformance.failures.hierarchy import SortFailure
from conformance.machinery.contract import is_success, json_of
from conformance.transport.operations import operation_of
from spec.implied import ASCENDING, SortParameters, naive, sort_parameters
from spec.vocabulary import number

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

CHECK = "sort_order"
Key = tuple[int, Any]  # comparable within one kind: (0, instant) (1, number) (2, text)


@project_check
def sort_order(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
    if not is_success(response.status_code) or case.operation.method.upper() != "GET":
        return
    sort = sort_parameters(ctx.spec, operation_of(case))
    body = json_of(response)
    records = records_of(ctx, case, body)
    if sort is None or records is None:
        return
    query = dict(case.query or {})
    asked = _asked(sort, query)
    if asked is not None:
        _judge(case, sort, asked, records)
        if ctx.run.first_time(CHECK, "next page", operation_of(case), *map(str, asked)):
            _next_page(ctx, case, sort, asked, query, body, records)
    if ctx.run.first_time(CHECK, "every declared sort", operation_of(case)):
        _every_declared(ctx, case, sort)


def _asked(sort: SortParameters, query: dict[str, Any]) -> tuple[str | None, str] | None:
    """The (key value, direction value) a query asks for, the spec's defaults filled in; None
    when it asks for one the spec does not declare (a negative case: not ours to judge)."""
    key = query.get(sort.key_parameter, sort.default_key) if sort.key_parameter else None
    direction = query.get(sort.direction_parameter, sort.default_direction)
    if (sort.key_parameter and key not in sort.keys) or direction not in sort.directions:
        return None
    return key, direction


def _judge(
    case: OpenApiCase,
    sort: SortParameters,
    asked: tuple[str | None, str],
    records: list[dict[str, Any]],
) -> None:
    problem = _problem(sort, asked, records)
    if problem is not None:
        _fail(case, problem)


def _problem(
    sort: SortParameters, asked: tuple[str | None, str], records: list[dict[str, Any]]
) -> str | None:
    """What is out of the asked order among `records`, with what was asked; None when in order."""
    key, direction = asked
    prop = sort.keys[key] if key is not None else next(iter(sort.keys.values()))
    problem = out_of_order(records, prop, sort.directions[direction])
    if problem is None:
        return None
    shown = f"{sort.key_parameter}={key}, " if sort.key_parameter else ""
    return f"{problem} ({shown}{sort.direction_parameter}={direction})"


def out_of_order(records: list[dict[str, Any]], prop: str, direction: str) -> str | None:
    """The first pair of records out of `direction` order by `prop`; None when in order. Equal
    keys pass; records without a comparable value are left out."""
    keyed = [(r.get("id"), r.get(prop), _key(r.get(prop))) for r in records]
    present = [(rid, raw, key) for rid, raw, key in keyed if key is not None]
    for (first_id, first, a), (second_id, second, b) in itertools.pairwise(present):
        if a[0] != b[0]:
            continue  # values of two kinds: no order to judge between them
        wrong = a[1] > b[1] if direction == ASCENDING else a[1] < b[1]
        if wrong:
            return (
                f"record {first_id} ({prop} {first!r}) comes before record {second_id} "
                f"({prop} {second!r}) in a {direction} sort"
            )
    return None


def _key(value: Any) -> Key | None:
    when: datetime | None = naive(value)
    if when is not None:
        return (0, when)
    amount = number(value) if not isinstance(value, str) else None
    if amount is not None:
        return (1, amount)
    return (2, value) if isinstance(value, str) else None


def _next_page(
    ctx: CheckContext,
    case: OpenApiCase,
    sort: SortParameters,
    asked: tuple[str | None, str],
    query: dict[str, Any],
    body: dict[str, Any],
    records: list[dict[str, Any]],
) -> None:
    """The next page goes on where this one stopped: its first record follows this one's last.

    Other writers (another worker of this run, other users of a shared staging) insert records
    between the two reads, and an insert shifts an earlier record onto the next page. So a
    break in order counts only when this page, read again after the next one, is unchanged; a
    listing that keeps moving is tried again a few times and then left without a verdict."""
    page, size, total = (body.get(key) for key in ("page", "pageSize", "totalCount"))
    if not records or not (isinstance(page, int) and isinstance(size, int)):
        return
    if not isinstance(total, int) or page * size >= total:
        return
    for _ in range(OVERLAP_TRIES):
        following = records_on(ctx, case, query, page + 1, size)
        problem = _problem(sort, asked, [records[-1], *following]) if following else None
        if problem is None:
            return
        again = records_on(ctx, case, query, page, size)
        if ids_of(again) == ids_of(records):
            _fail(case, f"{problem}, across pages {page} and {page + 1}")
        if not again:
            return
        records = again


def _every_declared(ctx: CheckContext, case: OpenApiCase, sort: SortParameters) -> None:
    """Ask for every declared (key, direction) pair once, page 1 and 2 of each."""
    for key, direction in sort.combinations():
        query = {sort.direction_parameter: direction}
        if sort.key_parameter is not None and key is not None:
            query[sort.key_parameter] = key
        answer = ctx.client.get(case.formatted_path, params=query)
        body = json_of(answer) if is_success(answer.status_code) else None
        records = records_of(ctx, case, body)
        if records is None or not isinstance(body, dict):
            continue
        _judge(case, sort, (key, direction), records)
        _next_page(ctx, case, sort, (key, direction), query, body, records)


def _fail(case: OpenApiCase, message: str) -> NoReturn:
    raise SortFailure(
        operation=case.operation.label, title="Records out of order", message=message, check=CHECK
    )
