"""Conformance suites, checks, auth, reporting and the command line."""
