"""The Gamma-Gamma model of spend per transaction.

P. S. Fader, B. G. S. Hardie and K. L. Lee, "RFM and CLV: Using Iso-Value Curves for Customer
Base Analysis", Journal of Marketing Research 42(4), 415-430, 2005 (section "Spend per
transaction"); the likelihood as written in Fader & Hardie, "The Gamma-Gamma Model of Monetary
Value" (2013 note).

A customer's transaction values are Gamma(p, ν) around their mean p/ν, with ν ~ Gamma(q, γ)
across customers. Only repeat customers (x > 0) carry information: m_x is the mean of their x
repeat transactions.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from scipy.special import gammaln

Floats = NDArray[np.float64]
_START = np.log([1.0, 1.0, 1.0])
# Each parameter between e^-10 and e^10 (4.5e-5 .. 22,026). Unbounded, Nelder-Mead can walk off
# towards p -> inf, gamma -> 0 on smaller samples (segments of CDNOW do), where lnΓ(px+q) -
# lnΓ(px) loses every digit to cancellation and the "likelihood" it climbs is rounding noise.
_LOG_BOUNDS = [(-10.0, 10.0)] * 3


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    gamma: float
    log_likelihood: float


def log_likelihood(params: Floats, x: Floats, m_x: Floats) -> Floats:
    """Each repeat customer's log-likelihood of (x, m_x)."""
    p, q, gamma = params
    px = p * x
    return np.asarray(
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + (px - 1) * np.log(m_x)
        + px * np.log(x)
        - (px + q) * np.log(gamma + m_x * x),
        dtype=np.float64,
    )


def fit(x: Floats, m_x: Floats) -> GammaGamma:
    """Maximum likelihood over log-parameters; `x` > 0 and `m_x` > 0 for every customer."""

    def negative_ll(log_params: Floats) -> float:
        return -float(np.sum(log_likelihood(np.exp(log_params), x, m_x)))

    result = minimize(
        negative_ll,
        _START,
        method="Nelder-Mead",
        bounds=_LOG_BOUNDS,
        options={"xatol": 1e-7, "fatol": 1e-7, "maxiter": 10_000},
    )
    p, q, gamma = np.exp(result.x)
    return GammaGamma(float(p), float(q), float(gamma), float(-result.fun))


def expected_spend(m: GammaGamma, x: Floats, m_x: Floats, population_mean: float) -> Floats:
    """E[M | x, m_x]: a weighted mean of the population's and the customer's own spend
    (equation 5 of the 2013 note). Customers with no repeat purchase get the population mean."""
    own = (m.p * (m.gamma + x * m_x)) / (m.p * x + m.q - 1)
    return np.where(x > 0, own, population_mean).astype(np.float64)


def population_mean_spend(m: GammaGamma) -> float:
    """E[Z] = pγ/(q-1), the mean transaction value across customers (needs q > 1)."""
    return m.p * m.gamma / (m.q - 1) if m.q > 1 else float("nan")
