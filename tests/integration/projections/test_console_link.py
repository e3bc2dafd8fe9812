"""The console links to the KPI dashboard wherever the KPI service is deployed."""

from shared.settings import Settings
from tests.integration.projections.harness import api_client


async def test_the_console_sends_managers_to_the_configured_dashboard(settings: Settings) -> None:
    elsewhere = settings.model_copy(update={"kpis_url": "http://kpis.example:8006"})
    async with api_client(elsewhere) as client:
        page = await client.get("/console")
        assert 'href="/console/dashboard"' in page.text
        answer = await client.get("/console/dashboard")
    assert answer.status_code == 307
    assert answer.headers["location"] == "http://kpis.example:8006/dashboard"
