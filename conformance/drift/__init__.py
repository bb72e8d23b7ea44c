"""Drift: what a target really returns against the spec, grouped by provenance, with an
OpenAPI Overlay that patches the spec to match (`ordermesh-conformance drift`).

observe.py sends seeded positive cases and lifecycle refusals; walk.py compares each body with
its raw schema; analyse.py turns that into findings; overlay.py and render.py write the outputs.
"""
