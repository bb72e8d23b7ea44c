"""The machinery the suites stand on: the harness, the contract gate, the factory and preparers,
where resources live, and the embedded mock a run starts when no target is given."""
