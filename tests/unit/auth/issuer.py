"""An issuer of our own for tests: RSA keys, a JWKS document and tokens signed with them."""

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

ISSUER = "https://issuer.test/realms/c360"
AUDIENCE = "c360"


class LocalIssuer:
    def __init__(self, issuer: str = ISSUER, audience: str = AUDIENCE) -> None:
        self.issuer = issuer
        self.audience = audience
        self.key = new_key()

    def jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))

    def rotate(self) -> None:
        self.key = new_key()

    def token(
        self,
        *roles: str,
        username: str = "someone",
        client_id: str = "c360-cli",
        key: RSAKey | None = None,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": f"sub-{username}",
            "azp": client_id,
            "preferred_username": username,
            "roles": list(roles),
            "iat": now,
            "exp": now + 300,
        }
        body.update(claims)
        signer = key or self.key
        header = {"alg": "RS256", "kid": signer.kid}
        return jwt.encode(header, body, signer)


def new_key(kid: str | None = None) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid or uuid.uuid4().hex, "use": "sig"})


class FakeJwksSource:
    """Our JWKS port, answering from a LocalIssuer and counting how often it was asked."""

    def __init__(self, issuer: LocalIssuer) -> None:
        self.issuer = issuer
        self.fetches = 0

    async def fetch(self) -> dict[str, Any]:
        self.fetches += 1
        return self.issuer.jwks()


@contextlib.contextmanager
def serving_jwks(issuer: LocalIssuer) -> Iterator[str]:
    """The issuer over real HTTP on a free loopback port: its JWKS at the URL yielded, and a
    client-credentials token endpoint next to it (`.../token`) that gives every client the
    `service` role."""

    class Jwks(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer(issuer.jwks())

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            form = dict(p.split("=", 1) for p in self.rfile.read(length).decode().split("&"))
            client = form.get("client_id", "unknown")
            token = issuer.token("service", client_id=client, username=f"service-account-{client}")
            self._answer({"access_token": token, "expires_in": 300, "token_type": "Bearer"})

        def _answer(self, document: dict[str, Any]) -> None:
            body = json.dumps(document).encode()
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
    try:
        yield f"http://127.0.0.1:{server.server_port}/certs"
    finally:
        server.shutdown()
