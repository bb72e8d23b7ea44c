"""What a run tested: every request folded into a map keyed by the spec's elements.

model.py lists the elements (spec and lifecycle table), record.py folds each request into hit
counts, build.py turns the merged counts into summary.json's `coverage`, levels.py says which
Test Coverage Level (Martin-Lopez et al., A-TEST 2019) the run reached, page.py and table.py
draw it, floor.py gates a run on it and changes.py maps a spec diff onto it.
"""
