"""After a create that got no answer: the resource the target made, found by its natural key.

A POST whose connection closed before any answer is never resent (transport/transient.py). The
target may have made the resource before it hung up, so neither "it exists" nor "it does not" is
safe to assume. Where the spec names the create's natural key (`spec/natural_key.py`) and the
request carried one, the caller looks the resource up by it, waiting out replica lag like any
judging read. Found: the unanswered request is still reported, at its operation, as the target's
transport failure, and the caller goes on with what the target made. Not found: the caller is
blocked by that failure, as before.
"""

from __future__ import annotations

from typing import Any

from conformance.machinery.contract import (
    ContractBreach,
    GatedClient,
    Need,
    has_field,
    is_success,
    json_of,
)
from conformance.transport.client import ApiClient
from conformance.transport.polling import poll_until
from spec import Spec
from spec.natural_key import NaturalKey, natural_key
from spec.vocabulary import vocabulary


def found_by_natural_key(
    client: ApiClient,
    spec: Spec,
    breach: ContractBreach,
    body: Any,
    poll_timeout: float,
    needs: tuple[str, ...] = ("id",),
) -> Any | None:
    """The resource an unanswered create made, as its lookup reads it, once the breach is
    reported; None (nothing reported) when it cannot be found by a natural key, or lacks `needs`.
    """
    if breach.check != "transport" or not isinstance(client, GatedClient):
        return None
    key = natural_key(spec, breach.operation_id)
    value = body.get(key.field) if key is not None and isinstance(body, dict) else None
    if key is None or not isinstance(value, str):
        return None
    matches = _lookup(client, spec, key, value, poll_timeout)
    if len(matches) != 1 or not all(has_field(matches[0], need) for need in needs):
        return None
    client.gate.report(_noted(breach, key))
    return matches[0]


def _lookup(
    client: GatedClient, spec: Spec, key: NaturalKey, value: str, poll_timeout: float
) -> list[Any]:
    """The resources whose key is `value`, read until there is one or `poll_timeout` passes."""
    path, query = key.request(value)
    words = vocabulary(spec)
    lookup = key.lookup.operation_id

    def matching(response: Any) -> list[Any]:
        if not is_success(response.status_code):
            return []
        body = json_of(response)
        found = [words.resource(lookup, body)] if key.by_path else words.records(lookup, body)
        return [r for r in found or [] if isinstance(r, dict) and r.get(key.field) == value]

    response = poll_until(
        lambda: client.request("GET", path, params=query, need=Need(success=False)),
        lambda answer: bool(matching(answer)),
        poll_timeout,
    )
    return matching(response)


def _noted(breach: ContractBreach, key: NaturalKey) -> ContractBreach:
    """The breach, saying the resource was found all the same and the run went on with it."""
    failure = breach.failure
    failure.message = (
        f"{failure.message}. The target made it all the same: found by {key.field} through"
        f" {key.lookup.operation_id}, and the run went on with it"
    )
    return breach
