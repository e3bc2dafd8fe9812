"""An issuer of our own, its JWKS served over real HTTP, and settings that turn access on."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shared.settings import Settings
from tests.processes import free_port
from tests.unit.auth.issuer import LocalIssuer


@pytest.fixture(scope="session")
def issuer() -> LocalIssuer:
    return LocalIssuer()


@pytest.fixture(scope="session")
def jwks_url(issuer: LocalIssuer) -> Iterator[str]:
    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(issuer.jwks()).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/certs"
    server.shutdown()


@pytest.fixture
def secured(settings: Settings, issuer: LocalIssuer, jwks_url: str) -> Settings:
    """The test's settings with access control on, trusting our issuer."""
    return settings.model_copy(
        update={
            "auth_enabled": True,
            "auth_issuer": issuer.issuer,
            "auth_audience": issuer.audience,
            "auth_jwks_url": jwks_url,
            # nothing listens there: the console's pass-through answers 503, never a 401
            "interactions_url": f"http://127.0.0.1:{free_port()}",
            "contacts_url": f"http://127.0.0.1:{free_port()}",
        }
    )
