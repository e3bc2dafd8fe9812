"""A customer's scores from their history, the RFM boundaries and the current CLV model."""

from collections.abc import Sequence
from datetime import date

from services.analytics.domain import rfm
from services.analytics.domain.clv import Assumptions, predict
from services.analytics.domain.history import PurchaseHistory
from services.analytics.domain.model import ClvModel
from services.analytics.domain.money import to_minor
from services.analytics.domain.summary import summarise
from shared.events.analytics import ClvScores, RfmScores


def rfm_of(
    history: PurchaseHistory, boundaries: rfm.Boundaries | None, currency: str, today: date
) -> RfmScores | None:
    if boundaries is None or boundaries.population == 0:
        return None
    measures = rfm.measures(history.purchase_days(currency), today)
    return None if measures is None else rfm.score(measures, boundaries)


def clv_of(
    histories: Sequence[PurchaseHistory],
    model: ClvModel | None,
    today: date,
    assumptions: Assumptions,
) -> list[ClvScores | None]:
    """Scores for each history, in order; None where the model has nothing to say (no model, or
    no purchase in its currency yet)."""
    out: list[ClvScores | None] = [None] * len(histories)
    if model is None:
        return out
    days = [h.purchase_days(model.currency) for h in histories]
    buyers = [i for i, d in enumerate(days) if any(day <= today for day in d)]
    if not buyers:
        return out
    s = summarise([days[i] for i in buyers], today, model.time_unit, model.currency)
    predicted = predict(model.bgnbd, model.gamma_gamma, s, model.time_unit, assumptions)
    for row, i in enumerate(buyers):
        out[i] = ClvScores(
            p_alive=round(float(predicted.p_alive[row]), 4),
            expected_purchases_90d=round(float(predicted.expected_purchases[row]), 4),
            clv_12m_minor=max(0, to_minor(float(predicted.clv_12m_major[row]), model.currency)),
            currency=model.currency,
        )
    return out
