"""`python -m services.notifier`: the admin API on `notifier_port` plus the stream worker."""

import sys

import uvicorn

from services.notifier.bootstrap import build_app
from services.notifier.domain.rules_validation import RulesError
from shared.logging import configure_logging
from shared.settings import get_settings


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        app = build_app(settings)
    except RulesError as exc:
        print(f"c360 notifier: refusing to start: {exc}", file=sys.stderr)
        sys.exit(2)
    uvicorn.run(app, host=settings.notifier_host, port=settings.notifier_port, log_config=None)


if __name__ == "__main__":
    main()
