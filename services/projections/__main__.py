"""`python -m services.projections`: the query API on `projections_port`, in `query_workers`
processes.

More than one worker: uvicorn binds the port once and runs that many supervised processes on it
(a dead one is replaced). Each builds its own app (`serve`): its own store connections, change
feed and near cache, every cache evicted by the whole log, so any worker may answer any read.
Their metrics are collected across processes (`PROMETHEUS_MULTIPROC_DIR`, a fresh folder per
start), so `/metrics` counts every worker's reads whichever one answers the scrape.
"""

import os
import tempfile

import uvicorn
from fastapi import FastAPI

from services.projections.bootstrap import build_api
from shared.logging import configure_logging
from shared.settings import get_settings

FACTORY = "services.projections.__main__:serve"
METRICS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"


def serve() -> FastAPI:
    """One query API process (uvicorn's app factory, called in every worker)."""
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return build_api(settings)


def main() -> None:
    settings = get_settings()
    if settings.query_workers > 1 and not os.environ.get(METRICS_FOLDER):
        # set before the workers start, so each one's prometheus client writes its values there
        os.environ[METRICS_FOLDER] = tempfile.mkdtemp(prefix="c360-query-metrics-")
    uvicorn.run(
        FACTORY,
        factory=True,
        workers=settings.query_workers,
        host=settings.projections_host,
        port=settings.projections_port,
        log_config=None,
    )


if __name__ == "__main__":
    main()
