"""RFC 6901 JSON Pointers: the one place a token is escaped, a pointer split and resolved.

The loader follows `$ref`s with it, the diff builds and reads change locations with it and drift
names spec elements with it. `spec/` is the bottom layer, so every package may import this.

    join("/paths", "/v1/orders", "get")  -> "/paths/~1v1~1orders/get"
    resolve(document, "#/components/schemas/Order")
"""

from __future__ import annotations

from typing import Any


class PointerError(LookupError):
    """A pointer that is malformed, or that names nothing in the document."""


def escape(token: str | int) -> str:
    """One reference token, escaped: `~` -> `~0` first, then `/` -> `~1`."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """The inverse of `escape`: `~1` -> `/` first, so `~01` stays `~1`."""
    if "~" in token.replace("~0", "").replace("~1", ""):
        raise PointerError(f"bad escape in JSON pointer token {token!r}: only ~0 and ~1 exist")
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: str | int) -> str:
    """`pointer` with `tokens` appended, each escaped."""
    return pointer + "".join("/" + escape(token) for token in tokens)


def split(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer; a leading `#` (a `$ref` fragment) is allowed."""
    body = pointer.removeprefix("#")
    if not body:
        return []
    if not body.startswith("/"):
        raise PointerError(f"JSON pointer {pointer!r} does not start with '/'")
    return [unescape(token) for token in body.split("/")[1:]]


def step(node: Any, token: str) -> Any:
    """The child of `node` that one unescaped token names (an array takes a decimal index)."""
    if isinstance(node, dict):
        if token in node:
            return node[token]
        raise PointerError(f"no member {token!r}")
    if isinstance(node, list):
        # RFC 6901: an index is 0 or digits without a leading zero; "-" names no element.
        if token.isdecimal() and (token == "0" or not token.startswith("0")):
            if int(token) < len(node):
                return node[int(token)]
            raise PointerError(f"index {token} out of range (array of {len(node)})")
        raise PointerError(f"{token!r} is not an array index")
    raise PointerError(f"cannot look up {token!r} inside a {type(node).__name__}")


def resolve(document: Any, pointer: str) -> Any:
    """The value `pointer` names in `document`; `PointerError` says which token failed."""
    node = document
    for token in split(pointer):
        try:
            node = step(node, token)
        except PointerError as exc:
            raise PointerError(f"unresolvable JSON pointer {pointer!r}: {exc}") from None
    return node


def exists(document: Any, pointer: str) -> bool:
    """Whether `pointer` names a value in `document`."""
    try:
        resolve(document, pointer)
    except PointerError:
        return False
    return True
