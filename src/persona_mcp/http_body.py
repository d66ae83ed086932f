"""An HTTP request's body: read whole within the size limit, and screened when it is a POST to /mcp.

Used by `persona_mcp.http.Guard`, after the header checks: a body over the limit gets the guard's 413 whether or not
it declared its length, and a body that is no single JSON-RPC message the SDK can serve (a batch, a wrong shape, an
`id` that is no string or integer) gets HTTP 400 with a JSON-RPC error, as the streamable HTTP transport asks of a
message the server cannot accept. Anything else goes on to the SDK with its body replayed.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persona_mcp.jsonrpc import error_message, screen

logger = logging.getLogger(__name__)


class ReadBody:
    """ASGI middleware: the body read within `max_bytes` (else `too_large()`), screened on POST to `mcp_path`."""

    def __init__(self, app: ASGIApp, max_bytes: int, *, mcp_path: str, too_large: Callable[[], Response]) -> None:
        self.app, self.max_bytes, self.mcp_path, self.too_large = app, max_bytes, mcp_path, too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body, complete, trailing = bytearray(), False, None
        while not complete:
            message = await receive()
            if message["type"] != "http.request":  # the client left: the app hears of it
                trailing = message
                break
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await self.too_large()(scope, receive, send)
                return
            complete = not message.get("more_body", False)
        if complete and self._screened(scope):
            problem = screen(bytes(body), self.max_bytes, unit="request")
            if problem is not None:
                logger.warning("refused a request: %s", problem[1])
                answer = error_message(problem).model_dump_json(by_alias=True, exclude_unset=True)
                await Response(answer, status_code=400, media_type="application/json")(scope, receive, send)
                return
        replay: deque[Message] = deque([{"type": "http.request", "body": bytes(body), "more_body": not complete}])
        if trailing is not None:
            replay.append(trailing)

        async def replayed() -> Message:
            return replay.popleft() if replay else await receive()

        await self.app(scope, replayed, send)

    def _screened(self, scope: Scope) -> bool:
        """A JSON POST to the MCP endpoint; other requests keep the SDK's answers (405, 406, 415)."""
        if scope.get("method") != "POST" or scope.get("path") != self.mcp_path:
            return False
        return Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower() == "application/json"
