"""`python -m services.kpis`: the KPI API, the dashboard and the worker on `kpis_port`."""

import uvicorn

from services.kpis.bootstrap import build_app
from shared.logging import configure_logging
from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = build_app(settings)
    uvicorn.run(app, host=settings.kpis_host, port=settings.kpis_port, log_config=None)


if __name__ == "__main__":
    main()
