"""Stateful lifecycle scenarios: a model of OrderMesh built from spec/lifecycle.yaml, a driver
that checks a target against it, a Hypothesis state machine and named scenarios on top."""
