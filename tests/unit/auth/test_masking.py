"""Personal fields by role: full, pseudonymised (stable per key), or gone."""

from shared.auth.masking import Exposure, exposure_for, mask
from shared.auth.roles import Role

KEY = b"k1"
VIEW = {
    "customer_id": "c_1",
    "profile": {"name": "Sara", "phones": ["+989121234567"], "address": {"city": "Tehran"}},
    "kpis": {"total_spent": {"USD": 1500}},
    "recent_interactions": [{"type": "call", "notes": "asked about her order"}],
}


def test_agents_see_the_person() -> None:
    assert mask(VIEW, exposure_for(frozenset({Role.AGENT})), KEY) == VIEW


def test_analysts_see_stable_pseudonyms_and_every_number() -> None:
    seen = mask(VIEW, exposure_for(frozenset({Role.ANALYST})), KEY)
    assert seen["customer_id"] == "c_1"
    assert seen["kpis"] == VIEW["kpis"]
    assert seen["profile"]["name"].startswith("anon:")
    assert seen["profile"]["address"]["city"].startswith("anon:")
    assert seen["recent_interactions"][0]["notes"].startswith("anon:")
    again = mask(VIEW, Exposure.PSEUDONYMISED, KEY)
    assert again == seen
    assert (
        mask(VIEW, Exposure.PSEUDONYMISED, b"other")["profile"]["name"] != seen["profile"]["name"]
    )


def test_ops_see_no_personal_value() -> None:
    seen = mask(VIEW, exposure_for(frozenset({Role.OPS})), KEY)
    assert seen["profile"] == {"name": None, "phones": None, "address": None}
    assert seen["recent_interactions"][0] == {"type": "call", "notes": None}
    assert seen["kpis"] == VIEW["kpis"]


def test_the_widest_role_decides() -> None:
    assert exposure_for(frozenset({Role.ANALYST, Role.SUPERVISOR})) is Exposure.FULL
    assert exposure_for(frozenset({Role.ADAPTER})) is Exposure.NONE
