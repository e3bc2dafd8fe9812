"""`python -m deploy.local.sink [PORT [HOST]]`: the sink on PORT (else `C360_SINK_PORT`, else
8026) and HOST (else 127.0.0.1; `0.0.0.0` in a container), keeping what arrives in
`C360_SINK_JOURNAL` when set."""

import os
import sys
from pathlib import Path

import uvicorn

from deploy.local.sink.app import create_app

DEFAULT_PORT = 8026
DEFAULT_HOST = "127.0.0.1"


def main() -> None:
    journal = os.environ.get("C360_SINK_JOURNAL")
    port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("C360_SINK_PORT", DEFAULT_PORT))
    host = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_HOST
    app = create_app(Path(journal) if journal else None)
    uvicorn.run(app, host=host, port=port, log_level="warning")


if __name__ == "__main__":
    main()
