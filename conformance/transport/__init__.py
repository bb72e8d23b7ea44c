"""How a request reaches the target: the client, auth, TLS, the throttle, retries and liveness."""
