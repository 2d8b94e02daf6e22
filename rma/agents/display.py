"""How the agents' pages show amounts and a customer's return history, in the reader's language."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rma.core.formatting import counted
from rma.returns.choices import ReturnStatus
from rma.returns.customer_history import CustomerHistory
from rma.returns.models import ReturnRequest
from rma.returns.risk import risk_score

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


def money(amount: Decimal, currency: str) -> str:
    """`69,00 €` in French, `69.00 €` in English: the number in the reader's locale, then the currency."""
    number = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{number}\u00a0{CURRENCY_SYMBOLS.get(currency, currency)}"


@dataclass(frozen=True)
class RiskView:
    """A customer's risk score as the pages show it."""

    score: int
    label: str  # "Risk score: 75/100"
    high: bool  # at or over the review threshold
    reasons: list[str]  # "2 units graded as worn or used (+50)", the most points first


@dataclass(frozen=True)
class HistoryView:
    """A customer's return history as the pages show it."""

    count: int
    summary: str  # "3 returns · 245,00 €"
    outcomes: list[tuple[str, str, int, str]]  # (status, its label, how many, "Approved: 3")
    risk: RiskView
    # The whole history, on the return's page only (empty in the queue's rows):
    figures: list[tuple[str, str]]  # (what, "Return rate: 50% (2 of 4 units)")
    emails: str  # "Under 2 emails: a@example.fr, b@example.fr", or "" under one


@dataclass(frozen=True)
class _Phrases:
    """The fixed words of a history in one language. Each gettext costs some forty function calls, and a queue page of
    25 histories asked for the same few hundreds of times; translations do not change while the process runs."""

    status_labels: dict[str, str]
    outcome: str  # "%(label)s: %(count)s"
    risk: str  # "Risk score: %(score)d/100"
    no_return: str


@cache
def _phrases(language: str | None) -> _Phrases:
    with translation.override(language):
        return _Phrases(
            status_labels={status: str(label) for status, label in ReturnStatus.choices},
            outcome=_("%(label)s: %(count)s"),
            risk=_("Risk score: %(score)d/100"),
            no_return=_("No return before"),
        )


def history_view(history: CustomerHistory, *, full: bool = True) -> HistoryView:
    """The history as the pages show it; `full` adds the figures and the emails, which only a return's page shows."""
    phrases = _phrases(translation.get_language())
    count_text = ngettext("%(count)d return", "%(count)d returns", history.count) % {"count": history.count}
    values = [money(value, currency) for currency, value in sorted(history.values.items())]
    summary = " · ".join([count_text, *values]) if values else count_text
    outcomes = [
        (status, label, n, phrases.outcome % {"label": label, "count": n})
        for status, n in history.by_status.items()
        for label in [phrases.status_labels[status]]
    ]
    if not history.count:
        summary = phrases.no_return
    risk = risk_score(history)
    risk_view = RiskView(
        score=risk.score,
        label=phrases.risk % {"score": risk.score},
        high=risk.high,
        reasons=[reason.described for reason in risk.reasons],
    )
    if not full:
        return HistoryView(
            count=history.count, summary=summary, outcomes=outcomes, risk=risk_view, figures=[], emails=""
        )
    rate = history.return_rate
    rate_text = (
        _("Return rate: %(rate)d%% (%(returned)d of %(bought)d units)")
        % {"rate": int(rate * 100), "returned": history.units_returned, "bought": history.units_bought}
        if rate is not None
        else _("Return rate: no unit bought")
    )
    figures = [
        ("return_rate", rate_text),
        ("worn", _("Units graded as worn or used: %(count)d") % {"count": history.units_worn}),
        ("unmatched", _("Units received without the announced item: %(count)d") % {"count": history.units_unmatched}),
    ]
    emails = ""
    if len(history.emails) > 1:
        emails = _("Under %(count)d emails: %(emails)s") % {
            "count": len(history.emails),
            "emails": ", ".join(sorted(history.emails)),
        }
    return HistoryView(
        count=history.count, summary=summary, outcomes=outcomes, risk=risk_view, figures=figures, emails=emails
    )


@dataclass(frozen=True)
class QueueRow:
    """A return of the review queue with its cells' texts worked out in Python: a template tag per cell (a
    translated plural, a date, an age, an include per history) cost more than the rest of the page."""

    return_request: ReturnRequest
    url: str
    lines: str  # "2 lines"
    waiting_since: str  # the short date and time it was submitted (or created)
    waiting_for: str  # "3 days ago"
    value: str
    history: HistoryView


def queue_rows(returns: Iterable[ReturnRequest], histories: dict[int, CustomerHistory], url: str) -> list[QueueRow]:
    """The queue's rows, from returns_requests_needing_review (which counts their lines), with the history of each
    return's customer by return id; `url` is the start of a return's page (rma.core.http.url_prefix)."""
    now = timezone.now()
    zone = timezone.get_current_timezone()
    ago = _("%(age)s ago")
    lines = counted("%(counter)s line", "%(counter)s lines")
    rows = []
    for return_request in returns:
        since = return_request.submitted_at or return_request.created_at
        line_count: int = getattr(return_request, "line_count")  # noqa: B009 (annotated by the queue's selector)
        rows.append(
            QueueRow(
                return_request=return_request,
                url=f"{url}{return_request.public_id}/",
                lines=lines(line_count),
                waiting_since=date_format(since.astimezone(zone), "SHORT_DATETIME_FORMAT"),
                waiting_for=ago % {"age": timesince(since, now)},
                value=money(return_request.refund_estimate, return_request.currency),
                history=history_view(histories[return_request.pk], full=False),
            )
        )
    return rows
