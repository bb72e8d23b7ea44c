"""Behavioural diff: the same seeded cases and named flows on two targets, compared per
operation by status code, response shape, enum values and audit events
(`ordermesh-conformance compare`)."""
