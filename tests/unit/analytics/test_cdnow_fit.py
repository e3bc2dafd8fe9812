"""The fitting code on the vendored CDNOW sample reproduces Fader, Hardie & Lee (2005)."""

from datetime import date
from typing import Any

import numpy as np
import pytest

from services.analytics.domain import bgnbd, gamma_gamma
from services.analytics.domain.clv import Assumptions, predict
from services.analytics.domain.model import NotEnoughData, fit_population
from services.analytics.domain.summary import Summaries, compress, summarise
from tests import cdnow


@pytest.fixture(scope="module")
def summaries() -> Summaries:
    return summarise(cdnow.purchase_days().values(), cdnow.CALIBRATION_END, "week", "USD")


def test_the_sample_has_the_published_population(summaries: Summaries) -> None:
    assert len(cdnow.purchases()) == 6919
    assert len(summaries) == cdnow.CUSTOMERS
    assert int(summaries.repeat.sum()) == cdnow.REPEAT_CUSTOMERS


def test_bgnbd_reproduces_the_published_parameters(summaries: Summaries) -> None:
    fitted = bgnbd.fit(compress(summaries))
    for name, published in cdnow.PUBLISHED_BGNBD.items():
        assert cdnow.within_one_percent(getattr(fitted, name), published), (name, fitted)


def test_compressing_rows_keeps_the_likelihood(summaries: Summaries) -> None:
    params = np.array([0.243, 4.414, 0.793, 2.426])
    full = bgnbd.log_likelihood(params, summaries).sum()
    packed = compress(summaries)
    assert len(packed) < len(summaries)
    assert np.dot(packed.weight, bgnbd.log_likelihood(params, packed)) == pytest.approx(full)


def test_gamma_gamma_reproduces_the_published_parameters(summaries: Summaries) -> None:
    repeat = summaries.repeat
    fitted = gamma_gamma.fit(summaries.frequency[repeat], summaries.monetary[repeat])
    for name, published in cdnow.PUBLISHED_GAMMA_GAMMA.items():
        assert cdnow.within_one_percent(getattr(fitted, name), published), (name, fitted)


def test_predictions_are_bounded_and_ordered(summaries: Summaries) -> None:
    frequency_model = bgnbd.BgNbd(0.243, 4.414, 0.793, 2.426, -9582.4)
    spend_model = gamma_gamma.GammaGamma(6.25, 3.74, 15.44, 0.0)
    out = predict(frequency_model, spend_model, summaries, "week", Assumptions())
    assert np.all((out.p_alive > 0) & (out.p_alive <= 1))
    assert np.all(out.p_alive[~summaries.repeat] == 1.0)  # no repeat purchase: never seen to drop
    assert np.all(out.expected_purchases >= 0)
    assert np.all(out.clv_12m_major >= 0)
    longer = predict(frequency_model, spend_model, summaries, "week", Assumptions(horizon_days=180))
    assert np.all(longer.expected_purchases >= out.expected_purchases)
    undiscounted = predict(
        frequency_model, spend_model, summaries, "week", Assumptions(annual_discount_rate=0.0)
    )
    assert np.all(undiscounted.clv_12m_major >= out.clv_12m_major)
    assert undiscounted.clv_12m_major.sum() > out.clv_12m_major.sum()


def test_a_fit_before_anyone_bought_twice_says_so() -> None:
    with pytest.raises(NotEnoughData, match="at least"):
        fit_population(list(cdnow.purchase_days().values()), date(1997, 1, 1), "week", "USD")


@pytest.mark.parametrize(
    "in_segment",
    [
        lambda days: min(days) < date(1997, 2, 1),  # the January cohort
        lambda days: sum(days.values()) >= 5_000,  # spent $50 or more
    ],
    ids=["january-cohort", "big-spenders"],
)
def test_gamma_gamma_on_a_segment_finds_the_interior_optimum(in_segment: Any) -> None:
    """On CDNOW segments the unbounded search once ran off to p ~ 1e9, γ ~ 1e-8, where the
    likelihood is rounding noise; the fitted optimum must beat every point of a coarse grid."""
    days = [d for d in cdnow.purchase_days().values() if in_segment(d)]
    s = summarise(days, cdnow.CALIBRATION_END, "week", "USD")
    x, m_x = s.frequency[s.repeat], s.monetary[s.repeat]
    fitted = gamma_gamma.fit(x, m_x)
    assert 1 < fitted.p < 100, fitted
    assert 1 < fitted.q < 100, fitted
    assert 0.1 < fitted.gamma < 1000, fitted
    grid = np.exp(np.stack(np.meshgrid(*[np.linspace(-3, 6, 19)] * 3), -1).reshape(-1, 3))
    best_on_grid = max(float(gamma_gamma.log_likelihood(g, x, m_x).sum()) for g in grid)
    assert fitted.log_likelihood >= best_on_grid
