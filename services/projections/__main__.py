"""`python -m services.projections`: the query API on `projections_port`."""

import uvicorn

from services.projections.bootstrap import build_api
from shared.logging import configure_logging
from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = build_api(settings)
    uvicorn.run(
        app, host=settings.projections_host, port=settings.projections_port, log_config=None
    )


if __name__ == "__main__":
    main()
