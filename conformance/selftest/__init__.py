"""`ordermesh-conformance selftest`: run the suite against every seeded mock fault."""
