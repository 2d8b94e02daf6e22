"""How the agents' pages show amounts and a customer's return history, in the reader's language."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rma.returns.choices import ReturnStatus
from rma.returns.selectors import CustomerHistory

CURRENCY_SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "CHF": "CHF"}


def money(amount: Decimal, currency: str) -> str:
    """`69,00 €` in French, `69.00 €` in English: the number in the reader's locale, then the currency."""
    number = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{number}\u00a0{CURRENCY_SYMBOLS.get(currency, currency)}"


@dataclass(frozen=True)
class HistoryView:
    """A customer's return history as the pages show it."""

    count: int
    summary: str  # "3 returns · 245,00 €"
    outcomes: list[tuple[str, str, int]]  # (status, its label, how many)


def history_view(history: CustomerHistory) -> HistoryView:
    count_text = ngettext("%(count)d return", "%(count)d returns", history.count) % {"count": history.count}
    values = [money(value, currency) for currency, value in sorted(history.values.items())]
    summary = " · ".join([count_text, *values]) if values else count_text
    outcomes = [(status, str(ReturnStatus(status).label), n) for status, n in history.by_status.items()]
    if not history.count:
        summary = _("No return before")
    return HistoryView(count=history.count, summary=summary, outcomes=outcomes)
