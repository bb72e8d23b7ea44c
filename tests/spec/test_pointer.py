"""`spec.pointer`: RFC 6901 escaping, splitting and resolution, the one copy the project keeps."""

from __future__ import annotations

import pytest

from spec.loader import Spec, SpecError
from spec.pointer import PointerError, escape, exists, join, resolve, split, unescape

# RFC 6901 section 5's example document, with its pointers and values.
RFC_DOCUMENT = {
    "foo": ["bar", "baz"],
    "": 0,
    "a/b": 1,
    "c%d": 2,
    "e^f": 3,
    "g|h": 4,
    "i\\j": 5,
    'k"l': 6,
    " ": 7,
    "m~n": 8,
}


@pytest.mark.parametrize(
    "token, escaped",
    [("a/b", "a~1b"), ("m~n", "m~0n"), ("~1", "~01"), ("/~", "~1~0"), ("plain", "plain")],
)
def test_escape_and_unescape_are_inverse(token, escaped):
    assert escape(token) == escaped
    assert unescape(escaped) == token


def test_escape_takes_an_index():
    assert escape(3) == "3"


@pytest.mark.parametrize("token", ["~", "a~2b", "~x", "end~"])
def test_unescape_refuses_a_tilde_that_is_no_escape(token):
    with pytest.raises(PointerError, match="only ~0 and ~1"):
        unescape(token)


def test_join_escapes_every_token():
    assert join("/paths", "/v1/orders/{id}", "get") == "/paths/~1v1~1orders~1{id}/get"
    assert join("", "parameters", 0) == "/parameters/0"
    assert join("/x") == "/x"


@pytest.mark.parametrize(
    "pointer, value",
    [
        ("", RFC_DOCUMENT),
        ("/foo", ["bar", "baz"]),
        ("/foo/0", "bar"),
        ("/", 0),
        ("/a~1b", 1),
        ("/c%d", 2),
        ("/e^f", 3),
        ("/g|h", 4),
        ("/i\\j", 5),
        ('/k"l', 6),
        ("/ ", 7),
        ("/m~0n", 8),
    ],
)
def test_resolve_follows_rfc_6901_examples(pointer, value):
    assert resolve(RFC_DOCUMENT, pointer) == value
    assert resolve(RFC_DOCUMENT, "#" + pointer) == value  # a $ref fragment
    assert exists(RFC_DOCUMENT, pointer)


def test_split_returns_unescaped_tokens():
    assert split("#/paths/~1v1~1orders/get") == ["paths", "/v1/orders", "get"]
    assert split("") == []
    assert split("/a//b") == ["a", "", "b"]


@pytest.mark.parametrize(
    "pointer, reason",
    [
        ("foo", "does not start with '/'"),
        ("/missing", "no member 'missing'"),
        ("/foo/2", "index 2 out of range"),
        ("/foo/01", "'01' is not an array index"),
        ("/foo/-", "'-' is not an array index"),
        ("/foo/x", "'x' is not an array index"),
        ("/foo/0/deeper", "inside a str"),
        ("/m~2n", "only ~0 and ~1"),
    ],
)
def test_resolve_names_what_failed(pointer, reason):
    with pytest.raises(PointerError, match=reason):
        resolve(RFC_DOCUMENT, pointer)
    assert not exists(RFC_DOCUMENT, pointer)


def test_spec_pointer_resolves_refs_and_turns_misses_into_spec_errors():
    spec = Spec({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {"A/B": {"x": 1}}}})
    assert spec.pointer("#/components/schemas/A~1B") == {"x": 1}
    with pytest.raises(SpecError, match="unresolvable"):
        spec.pointer("#/components/schemas/Nope")
    with pytest.raises(SpecError, match="only local"):
        spec.pointer("other.yaml#/x")
