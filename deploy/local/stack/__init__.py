"""The local native stack as data: a table of components (`components.py`) and one small engine.

Run it as `uv run python -m deploy.local.stack --help` from the repository root."""
