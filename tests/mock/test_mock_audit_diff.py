"""The audit `changes` of a creation or deletion equal the field-by-field rule for any record."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ordermesh_mock.audit import IGNORED_FIELDS, diff

values = st.none() | st.integers() | st.text(max_size=3) | st.lists(st.integers(), max_size=2)
keys = st.sampled_from(["status", "_owner", "updatedAt", "lastModifiedDate", "", "a", "b"])
records = st.dictionaries(keys, values, max_size=6)


def field_by_field(old: dict, new: dict) -> list[dict]:
    return [
        {"field": k, "oldValue": old.get(k), "newValue": new.get(k)}
        for k in [*old, *(k for k in new if k not in old)]
        if k not in IGNORED_FIELDS and not k.startswith("_") and old.get(k) != new.get(k)
    ]


@given(records)
def test_creation_and_deletion(record):
    assert diff(None, record) == field_by_field({}, record)
    assert diff(record, None) == field_by_field(record, {})


@given(records, records)
def test_update(old, new):
    assert diff(old, new) == field_by_field(old, new)
