"""One incoming JSON-RPC message, screened before the SDK reads it: the error to answer what the SDK would misread.

The SDK (mcp 2.3) takes a request whose `id` is no string or integer for a notification and never answers it, and
words a message of the wrong shape as a raw, multi-line pydantic dump under -32602. Both transports screen each
message here first (stdio each line, HTTP each POST body), so that every such message gets one readable
-32700 or -32600 error. Upstream: the SDK's message parsing, in `stdio_server` and `StreamableHTTPServerTransport`.
"""

from __future__ import annotations

import json

import mcp_types as types
from pydantic import ValidationError

Problem = tuple[int, str, types.RequestId | None]  # code, message, the request's id when it has a usable one


def screen(message: bytes | None, limit: int, *, unit: str = "line") -> Problem | None:
    """None for a message the SDK can serve, else the error to answer it with.

    `message` is None when it was over `limit` bytes and dropped unread. `unit` is what carries one message on
    this transport (a stdio line, an HTTP request), as the batch error says.
    """
    if message is None:
        return types.INVALID_REQUEST, f"Invalid Request: the {unit} is over the {limit}-byte limit", None
    try:
        parsed = types.jsonrpc_message_adapter.validate_json(message, by_name=False)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        if first["type"] == "json_invalid":  # invalid UTF-8 included
            return types.PARSE_ERROR, f"Parse error: not valid JSON ({first.get('ctx', {}).get('error')})", None
        data, where = json.loads(message), ".".join(map(str, first["loc"][1:]))  # the field, not the model tried
        raw = data.get("id") if isinstance(data, dict) else None
        batch = f" (one message a {unit}: batches are not supported)" if isinstance(data, list) else ""
        id_ = raw if isinstance(raw, str) or (isinstance(raw, int) and not isinstance(raw, bool)) else None
        return types.INVALID_REQUEST, f"Invalid Request: {where + ': ' if where else ''}{first['msg']}{batch}", id_
    if isinstance(parsed, types.JSONRPCNotification) and b'"id"' in message and "id" in json.loads(message):
        return types.INVALID_REQUEST, "Invalid Request: 'id' must be a string or an integer", None
    return None


def error_message(problem: Problem) -> types.JSONRPCError:
    """The JSON-RPC error response that answers a screened message."""
    code, text, id_ = problem
    return types.JSONRPCError(jsonrpc="2.0", id=id_, error=types.ErrorData(code=code, message=text))
