"""A private FerretDB (SQLite handler) for tests that kill the store: the shared one on 27017 is
never touched."""

from collections.abc import Iterator

import pytest

from tests.infra import Infra
from tests.private_stack import PrivateStore, running_privately


@pytest.fixture(scope="session")
def private_store(infra: Infra) -> Iterator[PrivateStore]:
    with running_privately(
        PrivateStore, "ferretdb", "C360_MONGO_PORT", C360_STORE_HANDLER="sqlite"
    ) as store:
        yield store
