"""How a curl reproduction gets its bearer token: with the kind of credentials the run used.

A reproduction never holds a token or a secret. It reads them from the run's ORDERMESH_*
variables: a line before the curl fetches a token into `$ORDERMESH_TOKEN` through the spec's own
token operation (client credentials or a user login), or, for a run given a static token, stops
with the name of the variable to set.
"""

from __future__ import annotations

import shlex

from conformance.config.settings import ENV_CREDENTIALS
from conformance.transport.auth import ACCESS_TOKEN, KIND_FIELDS, token_operation
from spec import Spec

TOKEN_VARIABLE = "ORDERMESH_TOKEN"


def variable(field: str) -> str:
    return f"ORDERMESH_{ENV_CREDENTIALS[field]}"


def token_line(spec: Spec, kind: str | None, base_url: str) -> str:
    """A shell line that leaves a bearer token in $ORDERMESH_TOKEN. `base_url` is shell text:
    a URL (quoted here) or a variable reference such as `$BASE_URL` (used as it is)."""
    if kind not in KIND_FIELDS:
        return f': "${{{TOKEN_VARIABLE}:?set {TOKEN_VARIABLE} to a bearer token for the target}}"'
    operation = token_operation(spec, kind)
    fields = KIND_FIELDS[kind]
    url = (
        f'"{base_url}"{shlex.quote(operation.path)}'
        if base_url.startswith("$")
        else shlex.quote(base_url.rstrip("/") + operation.path)
    )
    # A missing variable stops the line, naming it; jq builds the JSON body, so a secret with
    # quotes in it stays one string.
    needed = " ".join(f'"${{{variable(field)}:?set {variable(field)}}}"' for field in fields)
    args = " ".join(f'--arg {field} "${variable(field)}"' for field in fields)
    return (
        f": {needed} && {TOKEN_VARIABLE}=$(jq -n {args} '$ARGS.named' "
        f"| curl -sS -X {operation.method} {url} -H 'Content-Type: application/json' -d @- "
        f"| jq -r .{ACCESS_TOKEN})"
    )


def bearer_reference() -> str:
    """The Authorization header of a reproduction: the token by its variable, never its value."""
    return f'"Authorization: Bearer ${TOKEN_VARIABLE}"'
