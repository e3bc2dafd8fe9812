"""The fitting code on the vendored CDNOW sample reproduces Fader, Hardie & Lee (2005)."""

from datetime import date

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
