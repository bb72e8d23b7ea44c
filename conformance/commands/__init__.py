"""One module per `ordermesh-conformance` subcommand."""
