"""`python -m services.interactions`: the ingestion API and ingress agent on `interactions_port`
(default 8002)."""

import uvicorn

from services.interactions.bootstrap import build_app
from shared.logging import configure_logging
from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = build_app(settings)
    uvicorn.run(
        app, host=settings.interactions_host, port=settings.interactions_port, log_config=None
    )


if __name__ == "__main__":
    main()
