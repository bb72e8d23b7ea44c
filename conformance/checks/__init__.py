"""The project's own checks, written as Schemathesis checks."""
