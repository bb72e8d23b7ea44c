"""The closest valid names for a mistaken one, for usage errors that fit on one line.

difflib is enough for typos (`creatOrder`, `--profil`, `ORDERMESH_READONLY`). Every check that
refuses a name (an operation id or tag, a fault, a flag, a variable) words its hint here, so
they all read alike.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.6  # difflib's own default: close enough to be the name meant
MAX_SHOWN = 3
NEAR = 0.1  # names shown besides the closest are at most this much less alike


def closest(word: str, known: Iterable[str], cutoff: float = CUTOFF) -> list[str]:
    """Up to three known names like `word`, the closest first, each about as close as the best
    (case does not count): `--profil` is --profile, not also --config."""
    folded = word.casefold()
    scored = sorted(
        ((difflib.SequenceMatcher(None, folded, name.casefold()).ratio(), name) for name in known),
        key=lambda pair: -pair[0],
    )
    best = scored[0][0] if scored else 0.0
    return [name for score, name in scored if score >= max(cutoff, best - NEAR)][:MAX_SHOWN]


def did_you_mean(word: str, known: Iterable[str], otherwise: str = "") -> str:
    """'; did you mean A or B?', else `otherwise` (such as where the valid names are listed)."""
    found = closest(word, known)
    if found:
        return f"; did you mean {' or '.join(found)}?"
    return f"; {otherwise}" if otherwise else ""


def fault_problem(names: Iterable[str]) -> str | None:
    """Why `--fault NAME...` cannot run, or None: `run` and `mock` refuse an unknown fault alike."""
    from ordermesh_mock.faults import BY_NAME

    unknown = [name for name in names if name not in BY_NAME]
    if not unknown:
        return None
    hint = did_you_mean(
        unknown[0], BY_NAME, "`ordermesh-conformance mock --list-faults` lists them"
    )
    return f"--fault {unknown[0]!r}: no such fault{hint}"
