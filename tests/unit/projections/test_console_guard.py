"""The console's actions refuse cross-site requests: JSON only, from the console's own origin."""

import pytest
from starlette.requests import Request

from services.projections.entrypoints.console import same_site_json
from shared.http.problems import Problem


def request(**headers: str) -> Request:
    raw = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return Request(
        {"type": "http", "method": "POST", "path": "/console/api/events", "headers": raw}
    )


def refusal(**headers: str) -> tuple[int, str]:
    with pytest.raises(Problem) as caught:
        same_site_json(request(host="c360:8003", **headers))
    return caught.value.status, caught.value.errors[0]["field"]


def test_the_console_page_itself_is_let_through() -> None:
    same_site_json(request(host="c360:8003", content_type="application/json"))
    same_site_json(
        request(
            host="c360:8003",
            content_type="application/json; charset=utf-8",
            origin="http://c360:8003",
            sec_fetch_site="same-origin",
        )
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"content_type": "text/plain"}, (415, "content-type")),
        ({"content_type": "application/x-www-form-urlencoded"}, (415, "content-type")),
        ({}, (415, "content-type")),
        (
            {"content_type": "application/json", "sec_fetch_site": "cross-site"},
            (403, "sec-fetch-site"),
        ),
        (
            {"content_type": "application/json", "sec_fetch_site": "same-site"},
            (403, "sec-fetch-site"),
        ),
        ({"content_type": "application/json", "origin": "https://evil.example"}, (403, "origin")),
    ],
)
def test_a_cross_site_or_non_json_post_is_refused(
    headers: dict[str, str], expected: tuple[int, str]
) -> None:
    assert refusal(**headers) == expected
