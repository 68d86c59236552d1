"""The "commit, then drop the response" fault.

The write has happened; the client must see a transport failure or a timeout, never an answer.
"disconnect" starts a response that promises more bytes than it sends and then ends, so the server
closes the connection mid-body (httpx: RemoteProtocolError). "hang" first holds the answer for
`hang_seconds`, past any sensible client timeout, then does the same.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class DroppedResponse(Exception):
    def __init__(self, mode: str, hang_seconds: float) -> None:
        super().__init__(mode)
        self.mode = mode
        self.hang_seconds = hang_seconds


async def drop_response(error: DroppedResponse, send: Send) -> None:
    if error.mode == "hang":
        await asyncio.sleep(error.hang_seconds)
    start: Message = {
        "type": "http.response.start",
        "status": 200,
        "headers": [
            (b"content-type", b"application/json;charset=UTF-8"),
            (b"content-length", b"4096"),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": b"{", "more_body": True})
    # Returning now leaves the body incomplete; the server closes the connection.


class DropResponseMiddleware:
    """Turns a DroppedResponse raised by an endpoint into a cut connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        except DroppedResponse as error:
            await drop_response(error, send)
