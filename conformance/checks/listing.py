"""Paging and filtering: pages do not overlap, and every filter is honoured.

For a list or search answer, the check asks for the next page with the same filters and
compares: no record may appear twice, and every returned record must match each filter that
names one of its fields. When an operation's answer fits on one page, the check pages it once
more with a page size that makes two pages, so paging is tested however few records the target
holds (a fresh mock, or a run narrowed to the listing alone).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from schemathesis import Response

from conformance.checks.context import CheckContext, project_check
from conformance.failures.hierarchy import ListingFailure
from conformance.machinery.contract import is_success, json_of
from conformance.transport.operations import operation_of
from spec.vocabulary import vocabulary

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

# query parameter -> the field of a returned record it filters on
FILTERS = (
    "status",
    "externalId",
    "safeId",
    "orderId",
    "sku",
    "vendorId",
    "facilityId",
    "shipmentStatus",
    "resourceId",
    "resourceType",
)
OVERLAP_TRIES = 3  # reads of a page pair before a listing that keeps moving gets no verdict


def records_of(ctx: CheckContext, case: OpenApiCase, body: Any) -> list[dict[str, Any]] | None:
    """The page's records, where the spec puts them (an undocumented list beside them, or
    a non-JSON answer, is not read: the schema check judges the answer)."""
    records = vocabulary(ctx.spec).records(operation_of(case), body)
    return None if records is None else [r for r in records if isinstance(r, dict)]


def records_on(
    ctx: CheckContext, case: OpenApiCase, query: dict[str, Any], page: int, size: int
) -> list[dict[str, Any]] | None:
    """The records of page `page` at `size` per page, asked with `query`; None on a refusal."""
    answer = ctx.client.get(case.formatted_path, params={**query, "page": page, "pageSize": size})
    if not is_success(answer.status_code):
        return None
    return records_of(ctx, case, json_of(answer))


def ids_of(records: list[dict[str, Any]] | None) -> list[Any] | None:
    return None if records is None else [r.get("id") for r in records]


def _ids_on(
    ctx: CheckContext, case: OpenApiCase, query: dict[str, Any], page: int, size: int
) -> list[Any] | None:
    return ids_of(records_on(ctx, case, query, page, size))


def _overlap(
    ctx: CheckContext,
    case: OpenApiCase,
    query: dict[str, Any],
    page: int,
    size: int,
    ids: list[Any],
) -> None:
    """Fail when page+1 repeats a record of page `page` (`ids`), unless the listing moved
    meanwhile: other writers (another worker of this run, other users of a shared staging)
    insert records that shift every later page. So an overlap counts only when page `page`,
    read again after page+1, still shows the same records; a listing that keeps moving is
    tried again a few times and then left without a verdict."""
    for _ in range(OVERLAP_TRIES):
        following = _ids_on(ctx, case, query, page + 1, size)
        if following is None:
            return
        repeated = set(ids) & set(following)
        if not repeated:
            return
        again = _ids_on(ctx, case, query, page, size)
        if again == ids:
            _fail(
                case,
                "Pages overlap",
                f"page {page} and page {page + 1} both contain "
                f"{sorted(repeated, key=str)[:5]} (pageSize {size})",
            )
        if again is None:
            return
        ids = again


def _paged_smaller(ctx: CheckContext, case: OpenApiCase, query: dict[str, Any], total: int) -> None:
    """Two pages of what fitted on one: page 1 and 2 at half the records."""
    size = max(1, total // 2)
    ids = _ids_on(ctx, case, query, 1, size)
    if ids:
        _overlap(ctx, case, query, 1, size, ids)


@project_check
def paging_and_filters(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
    if not is_success(response.status_code) or case.operation.method.upper() != "GET":
        return
    body = json_of(response)
    records = records_of(ctx, case, body)
    if records is None or "page" not in body:
        return
    query = dict(case.query or {})
    for name in FILTERS:
        if name in query and not isinstance(query[name], (list, dict)):
            wrong = [r.get("id") for r in records if name in r and str(r[name]) != str(query[name])]
            if wrong:
                _fail(
                    case,
                    "Filter ignored",
                    f"{name}={query[name]!r} returned records {wrong[:5]} that do not match",
                )
    paging = [body.get(key) for key in ("page", "pageSize", "totalCount")]
    if not all(isinstance(v, int) for v in paging):
        return  # a malformed envelope is the schema check's finding; no next page to ask for
    page, size, total = paging
    if page * size < total and records:
        _overlap(ctx, case, query, page, size, [r.get("id") for r in records])
    elif (
        page == 1
        and len(records) >= 2
        and ctx.run.first_time("paged smaller", case.operation.label)
    ):
        _paged_smaller(ctx, case, query, len(records))


def _fail(case: OpenApiCase, title: str, message: str) -> NoReturn:
    raise ListingFailure(
        operation=case.operation.label, title=title, message=message, check="paging_and_filters"
    )
