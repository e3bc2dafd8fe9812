"""What c360's browser pages share: the sign-in script (authorization code + PKCE)."""

from pathlib import Path

SIGN_IN_SCRIPT = Path(__file__).parent / "session.js"
MEDIA_TYPES = {".css": "text/css", ".js": "text/javascript"}


def media_type(name: str) -> str:
    return MEDIA_TYPES[Path(name).suffix]
