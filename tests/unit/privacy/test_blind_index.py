"""The blind index: one id per normalised identifier, keyed, and nothing readable in it."""

import pytest

from shared.identity.normalise import normalise_identity
from shared.privacy.blind import BlindIndex, blind_index, is_blind_id
from shared.settings import Settings
from tests.infra import TEST_SECRETS

KEY = b"k" * 32


@pytest.mark.parametrize(
    "spellings",
    [
        ("phone", ["0912 555 7788", "۰۹۱۲ ۵۵۵ ۷۷۸۸", "+98 912 555 7788", "٠٩١٢٥٥٥٧٧٨٨"]),
        ("email", ["Sara.Mohammadi@Example.com", " sara.mohammadi@example.com"]),
        ("crm", ["CRM-42", " CRM-42 "]),
    ],
)
def test_every_spelling_of_an_identifier_has_one_blind_id(
    spellings: tuple[str, list[str]],
) -> None:
    kind, values = spellings
    blind = BlindIndex(KEY)
    keys = {normalise_identity(kind, v, "IR").key for v in values}
    assert len(keys) == 1
    ids = {blind.blind_id(k) for k in keys}
    (only,) = ids
    assert is_blind_id(only)
    for value in [*values, *keys, "9125557788", "5557788", "mohammadi", "CRM-42"]:
        assert value.strip() not in only


def test_the_id_depends_on_kind_value_and_key() -> None:
    blind = BlindIndex(KEY)
    ids = {
        blind.blind_id("crm:42"),
        blind.blind_id("loyalty:42"),
        blind.blind_id("crm:43"),
        BlindIndex(b"other key").blind_id("crm:42"),
    }
    assert len(ids) == 4
    assert blind.blind_id("crm:42") == BlindIndex(KEY).blind_id("crm:42")  # deterministic


def test_plaintext_keys_are_told_from_blind_ids() -> None:
    assert not is_blind_id("phone:+989125557788")
    assert not is_blind_id("email:" + "a" * 58)
    assert is_blind_id(BlindIndex(KEY).blind_id("phone:+989125557788"))


def test_the_index_key_comes_from_settings() -> None:
    one = blind_index(Settings(environment="test", **TEST_SECRETS))
    other = blind_index(
        Settings(environment="test", **{**TEST_SECRETS, "identity_index_key": "another"})
    )
    assert one.blind_id("crm:42") != other.blind_id("crm:42")


def test_production_refuses_the_placeholder_index_key() -> None:
    values = {**TEST_SECRETS, "identity_index_key": "change-me"}
    with pytest.raises(ValueError, match="C360_IDENTITY_INDEX_KEY"):
        Settings(environment="production", **values)
