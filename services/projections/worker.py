"""`python -m services.projections.worker`: the stream worker, health and metrics on
`projections_worker_port`."""

import uvicorn

from services.projections.bootstrap import build_worker
from shared.logging import configure_logging
from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = build_worker(settings)
    uvicorn.run(
        app, host=settings.projections_host, port=settings.projections_worker_port, log_config=None
    )


if __name__ == "__main__":
    main()
