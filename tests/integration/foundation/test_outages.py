"""A store that does not answer is a 503 problem with Retry-After, never a bare 500."""

import httpx
import pytest

from services.projections.bootstrap import build_api
from shared.settings import Settings
from tests.processes import free_port

pytestmark = pytest.mark.integration


async def test_a_read_while_the_store_is_down_is_a_503_problem(settings: Settings) -> None:
    nowhere = settings.model_copy(update={"mongodb_uri": f"mongodb://127.0.0.1:{free_port()}/"})
    app = build_api(nowhere)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://projections") as http:
        answer = await http.get("/v1/customers/c_123", timeout=30)
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["detail"] == "the store is unavailable; retry later"
