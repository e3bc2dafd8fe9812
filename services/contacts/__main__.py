"""`python -m services.contacts`: the contacts API on `contacts_port` (default 8001)."""

import uvicorn

from services.contacts.bootstrap import build_app
from shared.logging import configure_logging
from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = build_app(settings)
    uvicorn.run(app, host=settings.contacts_host, port=settings.contacts_port, log_config=None)


if __name__ == "__main__":
    main()
