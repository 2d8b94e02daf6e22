"""A customer's risk score, 0 to 100, with the reasons that make it: a pure function of their history
(rma.returns.customer_history), no database.

Each signal adds points, up to its own cap; the score is their sum, at most 100:

| signal                                                       | points                        |
|--------------------------------------------------------------|-------------------------------|
| units received without the announced item (other, missing)   | 30 a unit, at most 60         |
| units graded as worn or used (wardrobing)                    | 25 a unit, at most 50         |
| return rate (units returned / bought), 5 units bought or more | 15 from 50 %, 30 from 75 %    |
| rejected returns                                             | 10 a return, at most 20       |
| returns                                                      | 10 from 5 returns, 20 from 10 |
| emails the orders and returns were made under                | 10 from 3 emails              |

What the warehouse found weighs most: two units without their item, two worn ones, or one of each reach the review
threshold (settings.RMA_RISK_REVIEW_SCORE, 50 by default). A high return rate alone does not, nor do many returns
(30 and 20 at most): many honest customers order two sizes and send one back. Both at their highest (three in four
units sent back over ten returns and more) do.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rma.returns.customer_history import CustomerHistory

UNMATCHED_POINTS, UNMATCHED_CAP = 30, 60
WORN_POINTS, WORN_CAP = 25, 50
RATE_MIN_UNITS = 5  # below, a rate says little (one of two units sent back is 50 %)
RATE_STEPS = ((75, 30), (50, 15))  # (from this many %, points), highest first
REJECTED_POINTS, REJECTED_CAP = 10, 20
RETURNS_STEPS = ((10, 20), (5, 10))  # (from this many returns, points), highest first
EMAILS_FROM, EMAILS_POINTS = 3, 10


@dataclass(frozen=True)
class RiskReason:
    """One signal of the score: a stable code, a sentence with its figure (in the active language), its points."""

    code: str
    text: str
    points: int

    @property
    def described(self) -> str:
        """The reason and its points: "2 units graded as worn or used (+50)"."""
        return _("%(reason)s (+%(points)d)") % {"reason": self.text, "points": self.points}


@dataclass(frozen=True)
class RiskScore:
    score: int
    reasons: tuple[RiskReason, ...]  # the most points first

    @property
    def high(self) -> bool:
        """At or over the review threshold (settings.RMA_RISK_REVIEW_SCORE)."""
        return self.score >= risk_review_score()

    @property
    def summary(self) -> str:
        """The score and every reason: "Risk score 75/100: 2 units graded as worn or used (+50) · Return rate of 80%
        (8 of 10 units) (+30)"."""
        return self.summary_within(None)

    def summary_within(self, limit: int | None) -> str:
        """The summary with as many reasons as fit in `limit` characters (the most points first), "…" for the
        rest: a return's review reason has room for 200."""
        if not self.reasons:
            return _("Risk score %(score)d/100") % {"score": self.score}
        described = [reason.described for reason in self.reasons]
        text = ""
        for kept in range(len(described), 0, -1):
            reasons = " · ".join(described[:kept]) + (" · …" if kept < len(described) else "")
            text = _("Risk score %(score)d/100: %(reasons)s") % {"score": self.score, "reasons": reasons}
            if limit is None or len(text) <= limit:
                return text
        return text[: (limit or len(text)) - 1] + "…"


def risk_review_score() -> int:
    """The score from which the policy sends a return to review."""
    return int(settings.RMA_RISK_REVIEW_SCORE)


def _step(value: int, steps: tuple[tuple[int, int], ...]) -> int:
    return next((points for threshold, points in steps if value >= threshold), 0)


def risk_score(history: CustomerHistory) -> RiskScore:
    """The score of a customer's history and the reasons that make it."""
    reasons = []
    if history.units_unmatched:
        text = ngettext(
            "%(count)d unit received without the announced item",
            "%(count)d units received without the announced item",
            history.units_unmatched,
        ) % {"count": history.units_unmatched}
        points = min(history.units_unmatched * UNMATCHED_POINTS, UNMATCHED_CAP)
        reasons.append(RiskReason("unmatched", text, points))
    if history.units_worn:
        text = ngettext(
            "%(count)d unit graded as worn or used", "%(count)d units graded as worn or used", history.units_worn
        ) % {"count": history.units_worn}
        reasons.append(RiskReason("worn", text, min(history.units_worn * WORN_POINTS, WORN_CAP)))
    rate = history.return_rate
    if rate is not None and history.units_bought >= RATE_MIN_UNITS:
        percent = int(rate * 100)
        points = _step(percent, RATE_STEPS)
        if points:
            text = _("Return rate of %(rate)d%% (%(returned)d of %(bought)d units)") % {
                "rate": percent,
                "returned": history.units_returned,
                "bought": history.units_bought,
            }
            reasons.append(RiskReason("return_rate", text, points))
    if history.rejected:
        text = ngettext("%(count)d rejected return", "%(count)d rejected returns", history.rejected) % {
            "count": history.rejected
        }
        reasons.append(RiskReason("rejected", text, min(history.rejected * REJECTED_POINTS, REJECTED_CAP)))
    points = _step(history.count, RETURNS_STEPS)
    if points:
        text = ngettext("%(count)d return", "%(count)d returns", history.count) % {"count": history.count}
        reasons.append(RiskReason("returns", text, points))
    if len(history.emails) >= EMAILS_FROM:
        text = _("Orders and returns under %(count)d emails") % {"count": len(history.emails)}
        reasons.append(RiskReason("emails", text, EMAILS_POINTS))
    reasons.sort(key=lambda reason: -reason.points)
    return RiskScore(score=min(sum(reason.points for reason in reasons), 100), reasons=tuple(reasons))
