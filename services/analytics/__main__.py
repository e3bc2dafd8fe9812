"""`python -m services.analytics`: the analytics API on `analytics_port`, with its worker."""

import uvicorn

from services.analytics.bootstrap import build_app
from shared.logging import configure_logging
from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = build_app(settings)
    uvicorn.run(app, host=settings.analytics_host, port=settings.analytics_port, log_config=None)


if __name__ == "__main__":
    main()
