"""Certificates: what every optimiser returns beside its solution."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Certificate:
    """Proof of quality of one optimisation result.

    Attributes
    ----------
    objective
        Value of the returned solution (in the problem's sense: maximised or minimised).
    bound
        Best proven bound on the optimum (upper bound when maximising, lower when
        minimising); ``nan`` when the method proves none.
    sense
        ``"max"`` or ``"min"``.
    seconds
        Wall time used by the solve.
    status
        Solver status in words (``"optimal"``, ``"time_limit"``, ...).
    verified
        ``True`` when code that did not build the solution re-checked it and agreed.
    checks
        Named figures from that re-check (e.g. recounted coverage, violations).
    """

    objective: float
    bound: float
    sense: str
    seconds: float
    status: str
    verified: bool
    checks: dict[str, Any] = field(default_factory=dict)

    @property
    def gap(self) -> float:
        """Relative gap ``|bound - objective| / max(|objective|, 1e-9)``; ``nan`` without bound."""
        if math.isnan(self.bound) or math.isnan(self.objective):
            return math.nan
        diff = self.bound - self.objective if self.sense == "max" else self.objective - self.bound
        return max(diff, 0.0) / max(abs(self.objective), 1e-9)

    @property
    def proven_optimal(self) -> bool:
        """Whether the gap is closed to solver tolerance (1e-6 relative)."""
        return self.gap <= 1e-6 if not math.isnan(self.gap) else False

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form, with the derived ``gap`` and ``proven_optimal``."""
        out = asdict(self)
        out["gap"] = self.gap
        out["proven_optimal"] = self.proven_optimal
        return out
