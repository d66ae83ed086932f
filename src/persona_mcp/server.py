"""build_server(catalog) -> MCPServer: maps MCP tools, prompts and resources onto the catalog."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.subscriptions import InMemorySubscriptionBus, PromptsListChanged, ResourcesListChanged
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CallToolRequestParams,
    CallToolResult,
    Completion,
    CompletionArgument,
    CompletionContext,
    GetPromptResult,
    PromptMessage,
    PromptReference,
    ResourceTemplateReference,
    TextContent,
    ToolAnnotations,
)
from mcp_types import Prompt as MCPPrompt
from mcp_types import PromptArgument as MCPPromptArgument
from mcp_types import Resource as MCPResource
from pydantic import BaseModel, Field, ValidationError

from persona_mcp import __version__
from persona_mcp.catalog import Catalog
from persona_mcp.errors import InvalidArgument, PersonaNotFound
from persona_mcp.hosts import Hosts, HostTracker, advertise_list_changed
from persona_mcp.model import Persona, PersonaDetail, PersonaInfo, PersonaList, Selection
from persona_mcp.servers import describe as describe_servers
from persona_mcp.stdio import stdio_transport

logger = logging.getLogger(__name__)
_Fn = TypeVar("_Fn", bound=Callable[..., Any])

SERVER_NAME = "persona-mcp"
MAX_TASK_CHARS = 20_000
MAX_FILES = 1_000
MAX_PATH_CHARS = 1_024
MAX_SERVERS = 100
MAX_TOP_K = 20
MAX_NAME_CHARS = 100

INSTRUCTIONS = """\
persona-mcp gives you the right engineering mindset for a task.
At the start of every coding task (and when the task changes), call `select_persona` with the
user's request as `task` and the paths of the files involved as `files`. Then follow the returned
`guidance` and `priority_hierarchy`; if `companions` are listed, apply their concerns too.
If no persona fits, `persona` is null: carry on normally. Use `list_personas` to see the catalog and
`get_persona` to load one by name when the user asks for a specific persona (e.g. "as a security
reviewer"). Every persona is also a prompt and a `persona://NAME` resource."""

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)

TaskText = Annotated[
    str,
    Field(min_length=1, max_length=MAX_TASK_CHARS, pattern=r"\S",
          description="The task in the user's words: what is to be done, bug report, question or request."),
]
FilePaths = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=MAX_PATH_CHARS)]],
    Field(max_length=MAX_FILES,
          description="Paths of the files involved, relative to the workspace. Used as data; never opened."),
]
TopK = Annotated[int, Field(ge=1, le=MAX_TOP_K, description="How many ranked personas to return in all.")]
Servers = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=200)]] | None,
    Field(max_length=MAX_SERVERS,
          description="Names of the MCP servers this host has; preferences are resolved against them."),
]
DetailLevel = Annotated[Literal["full", "summary"], Field(description="Return the full guidance or a summary.")]
PersonaName = Annotated[
    str,
    Field(min_length=1, max_length=MAX_NAME_CHARS,
          description="A persona name, full (persona-backend) or short (backend)."),
]


class PersonaServer(MCPServer[Any]):
    """An MCPServer whose prompts and resources are read from the current catalog at each request.

    `catalog` is swapped whole when the persona files change (see `persona_mcp.live`); every request
    reads it once, so it answers from one catalog, old or new, never a mix. `announce_catalog_change()`
    then tells the connected hosts.
    """

    def __init__(self, catalog: Catalog | Callable[[], Catalog]) -> None:
        self.hosts = Hosts()
        self.bus = InMemorySubscriptionBus()
        super().__init__(SERVER_NAME, version=__version__, instructions=INSTRUCTIONS,
                         title="Persona MCP", description="Engineering personas, selected per task.",
                         subscriptions=self.bus, middleware=[HostTracker(self.hosts)])
        advertise_list_changed(self)
        # tools/call goes to `_serve_tools_call`, which hands every call but our own tools' to the SDK's
        # handler. Extensions could wrap that handler, but they are fixed at construction and we have none.
        lowlevel = self._lowlevel_server  # the SDK has no public accessor (its own TODO L53)
        sdk_handler = lowlevel.get_request_handler("tools/call")
        assert sdk_handler is not None
        self._sdk_tools_call = sdk_handler.handler
        lowlevel.add_request_handler("tools/call", CallToolRequestParams, self._serve_tools_call)
        self._catalog: Catalog | None = None if callable(catalog) else catalog
        self._load_catalog = catalog if callable(catalog) else None
        self.tool_arguments: dict[str, frozenset[str]] = {}
        self._direct_tools: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]],
                                            Callable[..., Awaitable[CallToolResult]]]] = {}

    @property
    def catalog(self) -> Catalog:
        """The catalog in force.

        A server built with a loader instead of a catalog loads it at the first request that needs
        it: the handshake and `tools/list` never wait for the persona files.
        """
        found = self._catalog
        if found is None:
            assert self._load_catalog is not None
            found = self._catalog = self._load_catalog()
        return found

    @catalog.setter
    def catalog(self, catalog: Catalog) -> None:
        self._catalog = catalog

    @property
    def catalog_loaded(self) -> bool:
        """Whether the catalog is there yet (a server built with a loader has none until first asked)."""
        return self._catalog is not None

    async def announce_catalog_change(self) -> None:
        """Tell every connected host that the prompts and resources changed.

        2026-07-28 clients hear it on their subscriptions/listen streams (the bus); handshake-era
        hosts get `notifications/prompts/list_changed` and `notifications/resources/list_changed`.
        """
        await self.bus.publish(PromptsListChanged())
        await self.bus.publish(ResourcesListChanged())
        await self.hosts.notify_list_changed()

    async def run_stdio_async(self) -> None:
        """Serve over stdio; garbage lines get JSON-RPC errors, and requests in flight at EOF are answered."""
        async with stdio_transport() as (read_stream, write_stream):
            lowlevel = self._lowlevel_server
            await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())

    def read_only_tool(self, title: str) -> Callable[[_Fn], _Fn]:
        """Register a read-only tool and remember its argument names, so that unknown ones are refused.

        The SDK derives the tool's listing (input and output schemas) and its argument validator from
        the signature; `call_tool` then runs the tool through that same validator directly.
        """
        register = self.tool(annotations=READ_ONLY, title=title)

        def decorator(fn: _Fn) -> _Fn:
            name = fn.__name__
            self.tool_arguments[name] = frozenset(inspect.signature(fn).parameters)
            register(fn)
            tool = self._tool_manager.get_tool(name)  # the SDK keeps its tools privately; no public lookup
            assert tool is not None and tool.is_async and tool.context_kwarg is None and not tool.resolved_params
            self._direct_tools[name] = (tool.fn_metadata.validate_arguments, fn)
            return fn

        return decorator

    def persona(self, name: str, field: str = "name", catalog: Catalog | None = None) -> Persona:
        if len(name) > MAX_NAME_CHARS:
            raise invalid_params(field, f"at most {MAX_NAME_CHARS} characters (got {len(name)})")
        try:
            return (catalog or self.catalog).get(name)
        except PersonaNotFound as exc:
            raise invalid_params(field, str(exc), known=exc.known) from exc

    # Prompts: one per persona, listed from the catalog in force.
    async def list_prompts(self) -> list[MCPPrompt]:
        return [
            MCPPrompt(
                name=p.name, title=p.title, description=p.spec.description,
                arguments=[MCPPromptArgument(name="task", required=False,
                                             description="The task to apply this persona to (optional).")],
            )
            for p in self.catalog.personas
        ]

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context[Any, Any] | None = None
    ) -> GetPromptResult:
        persona = self.persona(name)
        arguments = arguments or {}
        unknown = sorted(set(arguments) - {"task"})
        if unknown:
            raise invalid_params(unknown[0], f"prompt {persona.name!r} takes only the optional argument 'task'")
        task = str(arguments.get("task") or "").strip()
        if len(task) > MAX_TASK_CHARS:
            raise invalid_params("task", f"at most {MAX_TASK_CHARS} characters")
        message = PromptMessage(role="user", content=TextContent(type="text", text=prompt_text(persona, task)))
        return GetPromptResult(description=persona.spec.description, messages=[message])

    async def list_resources(self) -> list[MCPResource]:
        listed = await super().list_resources()
        return listed + [
            MCPResource(name=p.name, title=p.title, uri=f"persona://{p.short_name}", description=p.spec.description,
                        mime_type="text/markdown", size=len(p.text.encode("utf-8")))
            for p in self.catalog.personas
        ]

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None,
                        ) -> Any:
        unknown = sorted(set(arguments) - self.tool_arguments.get(name, frozenset(arguments)))
        if unknown:
            known = ", ".join(sorted(self.tool_arguments[name])) or "none"
            raise invalid_params(unknown[0], f"unknown argument; {name} takes: {known}", tool=name)
        direct = self._direct_tools.get(name)
        if direct is not None:
            return await self._call_direct(name, arguments, *direct)
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(cause, ValidationError):
                raise invalid_arguments(cause, tool=name) from exc
            if isinstance(cause, InvalidArgument):
                raise invalid_params(cause.field, cause.message, tool=name) from exc
            if str(exc).startswith("Unknown tool"):
                raise MCPError(code=INVALID_PARAMS, message=f"unknown tool {name!r}; tools: "
                               + ", ".join(t.name for t in await self.list_tools())) from exc
            raise

    async def _serve_tools_call(
        self, ctx: ServerRequestContext[Any, Any], params: CallToolRequestParams
    ) -> BaseModel | dict[str, Any] | None:
        """The tools/call handler: our own tools in their wire form, any other call through the SDK's handler.

        An answer of our tools is a text block and structured content; it goes back as the dict the SDK
        would dump it to (`CallToolResult.model_dump(by_alias=True, mode="json", exclude_none=True)`),
        which the SDK then checks against the protocol version's result schema as it does any result.
        Dumping the model would walk the whole selection once more, and the SDK's handler adds a
        Context our tools do not take.
        """
        if params.name not in self._direct_tools:
            return await self._sdk_tools_call(ctx, params)
        try:
            result = await self.call_tool(params.name, params.arguments or {})
        except UnexpectedToolError as exc:  # as the SDK's handler reports a crash: no detail to the client
            logger.exception("Tool %r raised an unexpected exception", params.name)
            return CallToolResult(content=[TextContent(type="text", text=str(exc))], is_error=True)
        return wire_form(result)

    @staticmethod
    async def _call_direct(
        name: str, arguments: dict[str, Any], validate: Callable[[dict[str, Any]], dict[str, Any]],
        fn: Callable[..., Awaitable[CallToolResult]],
    ) -> CallToolResult:
        """Run one of our own tools: the SDK's validator for its arguments, then the tool itself.

        What the SDK's generic path adds on top (a Context the tools do not take, resolvers they do
        not have, and re-validating the structured content that the tool has just dumped from the
        very model the output schema describes) costs about a third of a selection, so it is skipped.
        Failures come out as they would from that path: argument errors and `InvalidArgument` as
        invalid-params errors naming the field, an `MCPError` as itself, and a crash as the SDK's
        `UnexpectedToolError`, which the caller turns into an `isError` result without its text.
        """
        try:
            kwargs = validate(arguments)
        except ValidationError as exc:
            raise invalid_arguments(exc, tool=name) from exc
        except MCPError:
            raise
        except Exception as exc:
            raise UnexpectedToolError(f"Error executing tool {name}") from exc
        try:
            return await fn(**kwargs)
        except MCPError:
            raise
        except InvalidArgument as exc:
            raise invalid_params(exc.field, exc.message, tool=name) from exc
        except Exception as exc:
            raise UnexpectedToolError(f"Error executing tool {name}") from exc

def invalid_params(field: str, message: str, *, tool: str | None = None, known: Sequence[str] = ()) -> MCPError:
    """The JSON-RPC invalid-params error, naming the field at fault."""
    where = f"{tool}: " if tool else ""
    data: dict[str, Any] = {"field": field}
    if known:
        data["known"] = list(known)
    return MCPError(code=INVALID_PARAMS, message=f"{where}invalid '{field}': {message}", data=data)


def wire_form(result: CallToolResult) -> CallToolResult | dict[str, Any]:
    """A tool result with one plain text block and structured content, as the dict the SDK would dump it to.

    Anything else is returned as it is, for the SDK to dump. tests/test_tool_path.py checks that both
    come out the same on the wire.
    """
    block = result.content[0] if len(result.content) == 1 else None
    if (not isinstance(block, TextContent) or block.annotations is not None or block.meta is not None
            or result.meta is not None or result.is_error or result.structured_content is None
            or result.result_type != "complete"):
        return result
    return {"content": [{"type": "text", "text": block.text}], "structuredContent": result.structured_content,
            "isError": False, "resultType": "complete"}


def invalid_arguments(error: ValidationError, *, tool: str) -> MCPError:
    """The invalid-params error for a tool's arguments that failed validation: the first problem, by field."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "arguments"
    return invalid_params(field, first["msg"], tool=tool)


def prompt_text(persona: Persona, task: str = "") -> str:
    """The persona as a message for the model, optionally bound to a task."""
    order = " > ".join(persona.spec.priority_hierarchy)
    head = f"Adopt the {persona.title} persona ({persona.name}) for this work."
    if order:
        head += f" Priorities: {order}."
    if task:
        head += f"\n\nTask: {task}"
    return f"{head}\n\n{persona.body.strip()}\n"


def selection_text(result: Selection) -> str:
    """A short readable rendering of a selection, followed by the guidance."""
    if result.persona is None:
        lines = [result.reason]
        if result.alternatives:
            lines.append("Closest: " + ", ".join(f"{c.name} ({c.score:.2f})" for c in result.alternatives))
        return "\n".join(lines)
    lines = [result.reason]
    for companion in result.companions:
        lines.append(f"Combine with {companion.name} ({companion.confidence:.2f}): {companion.reason}")
    if result.alternatives:
        lines.append("Alternatives: " + ", ".join(f"{c.name} ({c.confidence:.2f})" for c in result.alternatives))
    if result.merged_priorities:
        lines.append("Priorities: " + " > ".join(result.merged_priorities))
    lines += [f"Conflict: {conflict}" for conflict in result.priority_conflicts]
    servers = describe_servers(result.mcp_servers)
    if servers:
        lines.append(servers)
    if result.guidance:
        lines += ["", result.guidance.strip()]
    return "\n".join(lines)


def _tool_result(model: Any, text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)],
                          structured_content=model.model_dump(mode="json"))


def build_server(catalog: Catalog | Callable[[], Catalog]) -> PersonaServer:
    """Wire the catalog into an MCP server: three tools, a prompt per persona, and the resources."""
    server = PersonaServer(catalog)
    # The handlers are coroutines so that they run on the event loop: each one is a fraction of a
    # millisecond of CPU work, less than what the SDK's hop to a worker thread for a plain
    # function would cost.

    @server.read_only_tool("Select a persona")
    async def select_persona(
        task: TaskText,
        files: FilePaths = [],  # noqa: B006 - pydantic copies defaults; the schema shows [] as the default
        top_k: TopK = 3,
        available_servers: Servers = None,
        detail: DetailLevel = "full",
    ) -> Annotated[CallToolResult, Selection]:
        """Pick the engineering persona that fits a task, and explain why.

        Call this at the start of a task (and when the task changes) with the user's request
        and the files involved. Returns the persona's name, a confidence in [0, 1], the evidence
        (keywords, file patterns, exclusions and their weights), alternatives, companions to
        combine with, the behavioural guidance to follow, its priority order and its preferred
        MCP servers. When no persona fits, `persona` is null and `reason` says why.
        """
        from persona_mcp.selection import select  # loaded with the first catalog, not at start-up

        result = select(server.catalog.index, task, files, top_k=top_k,
                        available_servers=available_servers, detail=detail)
        return _tool_result(result, selection_text(result))

    @server.read_only_tool("List personas")
    async def list_personas() -> Annotated[CallToolResult, PersonaList]:
        """List every persona in the catalog: name, title, description, triggers and source layer.

        Use it to see which mindsets are available before asking for one with `get_persona`.
        """
        listing = server.catalog.listing()
        text = "\n".join(f"{p.name}: {p.title} ({p.layer})" for p in listing.personas)
        return _tool_result(listing, text or "The catalog is empty.")

    @server.read_only_tool("Get a persona")
    async def get_persona(name: PersonaName, detail: DetailLevel = "full") -> Annotated[CallToolResult, PersonaDetail]:
        """Get one persona by name (full `persona-security` or short `security`) with its guidance.

        Use it when the user asks for a specific persona. `detail` is "full" for the whole
        guidance or "summary" for its first section and headings.
        """
        catalog = server.catalog
        persona = server.persona(name, catalog=catalog)
        entry = catalog.entry(persona.name)
        guidance = persona.body if detail == "full" else persona.summary
        result = PersonaDetail(persona=PersonaInfo.of(persona, entry.overrides), detail=detail, guidance=guidance)
        return _tool_result(result, prompt_text(persona) if detail == "full" else guidance)

    @server.resource("persona://catalog", name="catalog", title="Persona catalog", mime_type="application/json",
                     description="The catalog index: every persona with its triggers and source, as JSON.")
    async def catalog_resource() -> str:
        return server.catalog.listing().model_dump_json(indent=2)

    @server.resource("persona://{name}", name="persona", title="Persona file", mime_type="text/markdown",
                     description="A persona file (markdown with YAML frontmatter), by full or short name.")
    async def persona_resource(name: str) -> str:
        return server.persona(name).text

    @server.completion()  # type: ignore[untyped-decorator, no-untyped-call]  # the SDK's decorator is untyped
    async def complete(
        ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if isinstance(ref, ResourceTemplateReference) and argument.name == "name":
            prefix = argument.value.lower()
            personas = server.catalog.personas
            values = [p.short_name for p in personas if p.short_name.startswith(prefix)]
            values += [p.name for p in personas
                       if p.name.startswith(prefix) and p.name != p.short_name]
            return Completion(values=values[:100], total=len(values), has_more=len(values) > 100)
        return None

    return server

