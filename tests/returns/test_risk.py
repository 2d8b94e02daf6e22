"""The risk score: its weights on histories written by hand, its reasons in words with their figures, and the
threshold from the settings. A pure function: no database."""

from decimal import Decimal

import pytest
from django.utils import translation

from rma.returns.customer_history import CustomerHistory
from rma.returns.risk import risk_review_score, risk_score


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def history(**figures) -> CustomerHistory:
    return CustomerHistory(**figures)


def test_a_clean_history_scores_nothing():
    score = risk_score(history(count=1, by_status={"refunded": 1}, units_bought=4, units_returned=1))

    assert (score.score, score.reasons) == (0, ())
    assert not score.high
    assert score.summary == "Risk score 0/100"


@pytest.mark.parametrize(
    ("figures", "code", "points"),
    [
        ({"units_unmatched": 1}, "unmatched", 30),
        ({"units_unmatched": 3}, "unmatched", 60),  # capped
        ({"units_worn": 1}, "worn", 25),
        ({"units_worn": 4}, "worn", 50),  # capped
        ({"units_bought": 10, "units_returned": 5}, "return_rate", 15),
        ({"units_bought": 10, "units_returned": 8}, "return_rate", 30),
        ({"count": 2, "by_status": {"rejected": 2}}, "rejected", 20),
        ({"count": 3, "by_status": {"rejected": 3}}, "rejected", 20),  # capped
        ({"count": 5}, "returns", 10),
        ({"count": 12}, "returns", 20),
        ({"emails": {"a@x.fr", "b@x.fr", "c@x.fr"}}, "emails", 10),
    ],
)
def test_each_signal_weighs_its_points(figures, code, points):
    score = risk_score(history(**figures))

    assert [(reason.code, reason.points) for reason in score.reasons] == [(code, points)]
    assert score.score == points


@pytest.mark.parametrize(
    "figures",
    [
        {"units_bought": 4, "units_returned": 4},  # a rate on fewer than 5 units says little
        {"units_bought": 10, "units_returned": 4},  # 40 %
        {"count": 4},
        {"emails": {"a@x.fr", "b@x.fr"}},
    ],
)
def test_below_each_signals_threshold_nothing_counts(figures):
    assert risk_score(history(**figures)).score == 0


def test_the_reasons_say_their_figures_most_points_first_and_the_score_stops_at_100():
    score = risk_score(
        history(
            count=10, by_status={"rejected": 2}, units_bought=10, units_returned=8, units_worn=2, units_unmatched=2
        )
    )

    assert score.score == 100  # 60 + 50 + 30 + 20 + 20
    assert [reason.described for reason in score.reasons] == [
        "2 units received without the announced item (+60)",
        "2 units graded as worn or used (+50)",
        "Return rate of 80% (8 of 10 units) (+30)",
        "2 rejected returns (+20)",
        "10 returns (+20)",
    ]
    assert score.summary.startswith("Risk score 100/100: 2 units received without the announced item (+60) · 2 units")


def test_the_reasons_speak_the_readers_language():
    with translation.override("fr"):
        score = risk_score(history(units_bought=10, units_returned=8, units_worn=1))
        summary = score.summary  # in the language active when it is read

    assert [reason.text for reason in score.reasons] == [
        "Taux de retour de 80\u00a0% (8 unités sur 10)",
        "1 unité classée portée ou utilisée",
    ]
    assert summary == (
        "Score de risque 55/100\u00a0: Taux de retour de 80\u00a0% (8 unités sur 10) (+30) · "
        "1 unité classée portée ou utilisée (+25)"
    )


def test_the_review_threshold_is_a_setting(settings):
    worn_twice = risk_score(history(units_worn=2))  # 50

    assert risk_review_score() == 50
    assert worn_twice.high
    settings.RMA_RISK_REVIEW_SCORE = 51
    assert not worn_twice.high


def test_the_return_rate_is_to_the_hundredth():
    assert history(units_bought=3, units_returned=1).return_rate == Decimal("0.33")
    assert history().return_rate is None


def test_what_the_warehouse_found_reaches_review_and_a_high_rate_or_many_returns_alone_do_not():
    assert risk_score(history(units_unmatched=2)).high
    assert risk_score(history(units_worn=2)).high
    assert risk_score(history(units_worn=1, units_unmatched=1)).high
    assert not risk_score(history(units_unmatched=1)).high
    assert not risk_score(history(units_bought=10, units_returned=10)).high
    assert not risk_score(history(count=20)).high
    assert risk_score(history(count=10, units_bought=40, units_returned=30)).high  # 20 + 30
