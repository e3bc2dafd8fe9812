"""A Faust worker for the round-trip test: reads `<prefix>echo.in`, writes `<prefix>echo.out`."""

import os

import faust

from shared.settings import get_settings
from tests.faust_app import make_faust_app

settings = get_settings()
app = make_faust_app("echo", settings, web_port=int(os.environ["ECHO_WEB_PORT"]))
source = app.topic(f"{settings.topic_prefix}echo.in", value_serializer="raw", key_serializer="raw")
sink = app.topic(f"{settings.topic_prefix}echo.out", value_serializer="raw", key_serializer="raw")


@app.agent(source, concurrency=1)
async def echo(stream: faust.StreamT[bytes]) -> None:
    async for event in stream.events():
        await sink.send(key=event.key, value=b"echo:" + event.value)


if __name__ == "__main__":
    faust.Worker(app, loglevel="INFO").execute_from_commandline()
