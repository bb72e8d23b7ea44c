"""The pytest suites: property tests per operation, link-following, and lifecycle scenarios."""
