"""Compact in-memory storage: records and audit events are kept encoded, not as live dicts.

Why: a dict per record and per audit event costs ~10 KB for one small order (the order, its item,
two creation events whose `changes` repeat every field), so 100,000 orders took over 2 GB and
the garbage collector's full passes over millions of objects showed up as latency spikes.
Encoded, a record is one `bytes` object and an event a compressed one; the collector does not
track either. Reads decode into a fresh dict, which is also the private working copy a unit of
work needs (cheaper than `copy.deepcopy` of the stored dict, and no handler can change stored
state behind the unit of work's back).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any, TypeVar, overload

import orjson

# The layout of encoded records and events. A --db file records it; one written with another
# layout is refused rather than misread. Bump it when encode/encode_event or the dictionary change.
FORMAT_VERSION = 2
# Events are written once and read rarely (audit-log reads): trade a little CPU for ~5x less RAM.
# An event is ~2 KB of JSON whose keys and field names repeat in every event, so raw deflate
# primed with typical events (a preset dictionary) halves the output of plain deflate, and runs
# faster with a 4 KiB window than with the default 32 KiB one.
EVENT_COMPRESSION_LEVEL = 1
EVENT_WINDOW_BITS = -12
EVENT_DICTIONARY = (Path(__file__).parent / "event_dictionary.jsonl").read_bytes()
T = TypeVar("T")
# orjson refuses integers beyond 64 bits (and would read them back as floats), yet a valid body
# may carry one. Such values are written by the standard library, behind this marker.
STDLIB_MARK = b"J"


def _stdlib_dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def dumps(value: Any) -> bytes:
    """JSON bytes for a response, exact for any integer size."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return _stdlib_dumps(value)


def encode(record: dict[str, Any]) -> bytes:
    """A record as stored: orjson bytes, or the standard library's behind STDLIB_MARK."""
    try:
        # orjson's result keeps its ~8 KiB growth buffer; a kept record gets an exact-size copy
        return bytes(memoryview(orjson.dumps(record)))
    except TypeError:
        return STDLIB_MARK + _stdlib_dumps(record)


def decode(data: bytes) -> dict[str, Any]:
    record: dict[str, Any] = json.loads(data[1:]) if data[:1] == STDLIB_MARK else orjson.loads(data)
    return record


# Priming a compressor with the dictionary costs as much as compressing an event: do it once and
# start every event from a copy.
_PRIMED = zlib.compressobj(
    EVENT_COMPRESSION_LEVEL, zlib.DEFLATED, EVENT_WINDOW_BITS, zdict=EVENT_DICTIONARY
)


def encode_event(event: dict[str, Any]) -> bytes:
    deflate = _PRIMED.copy()
    return deflate.compress(encode(event)) + deflate.flush()


def decode_event(data: bytes) -> dict[str, Any]:
    inflate = zlib.decompressobj(EVENT_WINDOW_BITS, zdict=EVENT_DICTIONARY)
    return decode(inflate.decompress(data) + inflate.flush())


class RecordTable(MutableMapping[str, dict[str, Any]]):
    """id -> record, stored encoded; every read returns a new dict."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def __getitem__(self, rid: str) -> dict[str, Any]:
        return decode(self._data[rid])

    def __setitem__(self, rid: str, record: dict[str, Any]) -> None:
        self._data[rid] = encode(record)

    def __delitem__(self, rid: str) -> None:
        del self._data[rid]

    def __contains__(self, rid: object) -> bool:
        return rid in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    @overload
    def get(self, rid: str, /) -> dict[str, Any] | None: ...
    @overload
    def get(self, rid: str, default: dict[str, Any] | T, /) -> dict[str, Any] | T: ...
    def get(self, rid: str, default: Any = None) -> Any:
        data = self._data.get(rid)
        return default if data is None else decode(data)

    def raw(self, rid: str) -> bytes:
        return self._data[rid]

    def set_raw(self, rid: str, data: bytes) -> None:
        self._data[rid] = data

    def __repr__(self) -> str:
        return f"RecordTable({len(self._data)} records)"
