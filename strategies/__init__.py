"""Hypothesis strategies for realistic OrderMesh data, registered with Schemathesis."""
