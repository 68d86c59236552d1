"""Reading `application/x-www-form-urlencoded` bodies without python-multipart (not a dependency).

OAuth endpoints and the pages only ever receive urlencoded forms; the last value of a repeated
field wins, as in Starlette's FormData.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request


async def form_fields(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" not in content_type:
        return {}
    body = (await request.body()).decode("utf-8", errors="replace")
    return dict(parse_qsl(body, keep_blank_values=True))
