"""build_server(catalog) -> MCPServer: maps MCP tools, prompts and resources onto the catalog."""

from __future__ import annotations

import base64
import inspect
import logging
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar
from weakref import WeakKeyDictionary

import anyio
import anyio.to_thread
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.subscriptions import InMemorySubscriptionBus, PromptsListChanged, ResourcesListChanged
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    CallToolResult,
    Completion,
    CompletionArgument,
    CompletionContext,
    GetPromptResult,
    Icon,
    InputRequiredResult,
    PromptMessage,
    PromptReference,
    ResourceTemplateReference,
    TextContent,
    ToolAnnotations,
)
from mcp_types import Prompt as MCPPrompt
from mcp_types import PromptArgument as MCPPromptArgument
from mcp_types import Resource as MCPResource
from pydantic import ValidationError

from persona_mcp import __version__
from persona_mcp.arguments import (
    MAX_LIST_PAGE,
    MAX_NAME_CHARS,
    MAX_TASK_CHARS,
    ArgumentProblem,
    DetailLevel,
    FilePaths,
    ListLimit,
    ListOffset,
    PersonaName,
    Servers,
    TaskText,
    TopK,
    argument_problem,
    invalid_params,
    other_names,
    validation_problem,
)
from persona_mcp.catalog import Catalog
from persona_mcp.errors import InvalidArgument, PersonaNotFound
from persona_mcp.hosts import Hosts, HostTracker
from persona_mcp.model import Persona, PersonaDetail, PersonaInfo, PersonaList, Selection
from persona_mcp.servers import describe as describe_servers

logger = logging.getLogger(__name__)
_Fn = TypeVar("_Fn", bound=Callable[..., Any])

SERVER_NAME = "persona-mcp"
SERVER_TITLE = "Persona MCP"
# pyproject.toml's [project.urls] Homepage, which tests/test_server.py checks it against. Written here rather than
# read from the installed package's metadata, which took about 3 ms of every start-up (a scan of sys.path).
HOMEPAGE = "https://github.com/persona-mcp/persona-mcp"
MAX_PROMPT_DESCRIPTION = 200  # host menus cut longer ones; the routing detail is in list_personas

INSTRUCTIONS = """\
persona-mcp gives you the right engineering mindset for a task.
At the start of every coding task (and when the task changes), call `select_persona` with the
user's request as `task` and the paths of the files involved as `files`. Then follow the returned
`guidance` and `priority_hierarchy`; if `companions` are listed, apply their concerns too.
If no persona fits, `persona` is null: carry on normally. Use `list_personas` to see the catalog and
`get_persona` to load one by name when the user asks for a specific persona (e.g. "as a security
reviewer"). Every persona is also a prompt (by its short name, e.g. `backend`) and a
`persona://NAME` resource."""

# A monogram badge, inline so that hosts need no network to show it (the spec allows data: URIs).
ICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" '
            'fill="#2f4b7c"/><circle cx="32" cy="24" r="10" fill="#fff"/><path d="M14 54c0-10 8-16 18-16s18 6 18 '
            '16" fill="#fff"/></svg>')
ICON = Icon(src="data:image/svg+xml;base64," + base64.b64encode(ICON_SVG.encode("ascii")).decode("ascii"),
            mime_type="image/svg+xml", sizes=["any"])
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                            open_world_hint=False)



CATALOG_METHODS = frozenset({"prompts/list", "prompts/get", "resources/list", "resources/read", "tools/call",
                             "completion/complete"})
"""The requests whose answers come from the catalog; the handshake, `ping` and `tools/list` need none."""


class PersonaServer(MCPServer[Any]):
    """An MCPServer whose prompts and resources are read from the current catalog at each request.

    `catalog` is swapped whole when the persona files change (see `persona_mcp.live`); every request
    reads it once, so it answers from one catalog, old or new, never a mix. `announce_catalog_change()`
    then tells the connected hosts.
    """

    def __init__(self, catalog: Catalog | Callable[[], Catalog]) -> None:
        self.hosts = Hosts()
        self.bus = InMemorySubscriptionBus()
        super().__init__(SERVER_NAME, version=__version__, instructions=INSTRUCTIONS, title=SERVER_TITLE,
                         description="Engineering personas, selected per task.", website_url=HOMEPAGE,
                         icons=[ICON], subscriptions=self.bus,
                         middleware=[HostTracker(self.hosts), self._first_catalog], lifespan=self.hosts.lifespan)
        self._catalog: Catalog | None = None if callable(catalog) else catalog
        self._load_catalog = catalog if callable(catalog) else None
        self._loading: anyio.Lock | None = None
        self.tool_arguments: dict[str, frozenset[str]] = {}
        self._prompts: WeakKeyDictionary[Catalog, list[MCPPrompt]] = WeakKeyDictionary()  # built once per catalog

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

    async def _first_catalog(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        """Middleware: a request that needs the personas waits for the catalog, loaded in a worker thread.

        So the event loop never reads persona files: `ping` and other requests are answered meanwhile. A
        host that announced workspace roots has its requests wait for their project layer too (see `Hosts`).
        """
        if ctx.method not in CATALOG_METHODS:
            return await call_next(ctx)
        await self.hosts.wait_for_roots(ctx.lifespan_context)
        if self._catalog is None:
            self._loading = self._loading or anyio.Lock()
            async with self._loading:
                if self._catalog is None:
                    assert self._load_catalog is not None
                    loaded = await anyio.to_thread.run_sync(self._load_catalog)
                    self._catalog = self._catalog or loaded  # the watcher may have loaded it meanwhile
        return await call_next(ctx)

    async def announce_catalog_change(self) -> None:
        """Tell every connected host that the prompts and resources changed.

        2026-07-28 clients hear it on their subscriptions/listen streams (the bus); handshake-era
        hosts get `notifications/prompts/list_changed` and `notifications/resources/list_changed`.
        """
        await self.bus.publish(PromptsListChanged())
        await self.bus.publish(ResourcesListChanged())
        await self.hosts.notify_list_changed()

    async def run_stdio_async(self) -> None:
        """Serve over stdio: the SDK's transport, with error replies, a line cap and answers at end of input."""
        from persona_mcp.stdio import serve_stdio

        await serve_stdio(self)

    def read_only_tool(self, title: str) -> Callable[[_Fn], _Fn]:
        """Register a read-only tool through the SDK, with its docstring as a clean description.

        The SDK derives the tool's listing (input and output schemas) and its argument validation from
        the signature. Its names are remembered, so that an unknown argument is refused by name rather
        than ignored.
        """

        def decorator(fn: _Fn) -> _Fn:
            self.tool_arguments[fn.__name__] = frozenset(inspect.signature(fn).parameters)
            self.add_tool(fn, title=title, description=inspect.cleandoc(fn.__doc__ or ""), annotations=READ_ONLY,
                          icons=[ICON])
            return fn

        return decorator

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None,
                        ) -> CallToolResult | InputRequiredResult:
        """The SDK's tool call, with argument problems told as the model needs them to retry (SEP-1303).

        The SDK turns a `ToolError` into a result with `isError: true` and its message as the text; its
        own message for a failed validation is pydantic's, so it is rewritten here to name the field
        and what a right value looks like. An unknown tool stays a JSON-RPC invalid-params error.
        """
        known = self.tool_arguments.get(name)
        if known is None:
            raise MCPError(code=INVALID_PARAMS, message=f"unknown tool {name!r}; tools: "
                           + ", ".join(self.tool_arguments), data={"field": "name"})
        unknown = sorted(set(arguments) - known)
        if unknown:
            takes = ", ".join(sorted(known)) or "no arguments"
            raise ToolError(f"{name}: unknown argument {unknown[0]!r}. Fix: leave it out; {name} takes {takes}.")
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError as exc:
            # A tool reports a bad argument by raising InvalidArgument, not ToolError: the SDK would put its own
            # "Error executing tool NAME: " before the text, and the tool would be named twice.
            cause = exc.__cause__
            if isinstance(cause, InvalidArgument):
                fix = cause.fix if isinstance(cause, ArgumentProblem) else None
                raise ToolError(argument_problem(name, cause.field, cause.message, fix=fix)) from exc
            raise
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(validation_problem(name, exc.__cause__)) from exc.__cause__
            raise

    def persona(self, name: str, field: str = "name", catalog: Catalog | None = None) -> Persona:
        """The persona `name`, or the JSON-RPC invalid-params error for prompts and resources."""
        if len(name) > MAX_NAME_CHARS:
            raise invalid_params(field, f"at most {MAX_NAME_CHARS} characters (got {len(name)})")
        try:
            return (catalog or self.catalog).get(name)
        except PersonaNotFound as exc:
            raise invalid_params(field, str(exc), known=exc.known) from exc

    # Prompts: one per persona, by short name, listed from the catalog in force.
    async def list_prompts(self) -> list[MCPPrompt]:
        catalog = self.catalog
        prompts = self._prompts.get(catalog)
        if prompts is None:
            argument = MCPPromptArgument(name="task", required=False,
                                         description="The task to apply this persona to (optional).")
            prompts = self._prompts[catalog] = [
                MCPPrompt(name=p.short_name, title=p.title, description=prompt_description(p), arguments=[argument])
                for p in catalog.personas
            ]
        return prompts

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context[Any, Any] | None = None
    ) -> GetPromptResult:
        persona = self.persona(name)
        arguments = arguments or {}
        unknown = sorted(set(arguments) - {"task"})
        if unknown:
            raise invalid_params(unknown[0], f"prompt {persona.short_name!r} takes only the optional argument 'task'")
        task = str(arguments.get("task") or "").strip()
        if len(task) > MAX_TASK_CHARS:
            raise invalid_params("task", f"at most {MAX_TASK_CHARS} characters")
        message = PromptMessage(role="user", content=TextContent(type="text", text=prompt_text(persona, task)))
        return GetPromptResult(description=prompt_description(persona), messages=[message])

    async def list_resources(self) -> list[MCPResource]:
        listed = await super().list_resources()
        return listed + [
            MCPResource(name=p.name, title=p.title, uri=f"persona://{p.short_name}",
                        description=prompt_description(p), mime_type="text/markdown",
                        size=len(p.text.encode("utf-8")))
            for p in self.catalog.personas
        ]



# What a description says to route it, not what the persona is: a sentence that opens with one of these,
# and the <example> and <delegation> blocks (and all after them) that Claude Code agent descriptions carry.
_ROUTING_SENTENCE = re.compile(r"(?:Auto-invoke when|Do NOT load for|Use PROACTIVELY|Use this agent (?:when|for)"
                               r"|MUST BE USED)\b", re.IGNORECASE)
_EXAMPLES = re.compile(r"\s*(?:(?:Examples?|Delegations?)\s*:\s*(?:-\s*)?)?<(?:example|delegation)>.*",
                       re.IGNORECASE | re.DOTALL)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def prompt_description(persona: Persona) -> str:
    """The persona's description for a host's menu, cut at a word within 200 characters: what it says the
    persona is, without the sentences that route it ("Auto-invoke when: ...") and without examples. A
    description that opens by routing ("Use this agent when you need to debug regular expressions ...")
    says what the persona is that way, and is shown as written."""
    text = " ".join(_EXAMPLES.sub("", persona.spec.description.replace("\\n", "\n")).split())
    sentences = _SENTENCE_BREAK.split(text)
    if not _ROUTING_SENTENCE.match(sentences[0]):
        text = " ".join(sentence for sentence in sentences if not _ROUTING_SENTENCE.match(sentence))
    text = text or persona.title
    if len(text) <= MAX_PROMPT_DESCRIPTION:
        return text
    cut = text[:MAX_PROMPT_DESCRIPTION - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


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


class _Listing:
    """A catalog's listing dumped once, served a page at a time: the SDK checks each answer whole, so an
    answer of 20,000 personas would hold the event loop for seconds at every call."""

    def __init__(self, catalog: Catalog) -> None:
        self.dumped = catalog.listing().model_dump(mode="json")
        self.lines = [f"{p['name']}: {p['title']} ({p['layer']})" for p in self.dumped["personas"]]

    def page(self, offset: int, limit: int) -> CallToolResult:
        end = min(offset + limit, len(self.lines))
        text = "\n".join(self.lines[offset:end]) or ("The catalog is empty." if not self.lines else
                                                    f"No personas past offset {offset}.")
        if end < len(self.lines):
            text += f"\n({len(self.lines) - end} more: call list_personas with offset={end})"
        page = {**self.dumped, "personas": self.dumped["personas"][offset:end]}
        return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=page)


def build_server(catalog: Catalog | Callable[[], Catalog]) -> PersonaServer:
    """Wire the catalog into an MCP server: three tools, a prompt per persona, and the resources."""
    server = PersonaServer(catalog)
    listings: WeakKeyDictionary[Catalog, _Listing] = WeakKeyDictionary()  # one per catalog, built once
    # The handlers are coroutines so that they run on the event loop: each one is a fraction of a
    # millisecond of CPU work, less than what the SDK's hop to a worker thread for a plain
    # function would cost.

    @server.read_only_tool("Select a persona")
    async def select_persona(
        task: TaskText,
        files: FilePaths = [],  # noqa: B006 - pydantic copies defaults; the schema shows [] as the default
        top_k: TopK = 3,
        available_servers: Servers = [],  # noqa: B006 - as files
        detail: DetailLevel = "full",
    ) -> Annotated[CallToolResult, Selection]:
        """Pick the engineering persona that fits a task, and explain why.

        Call this at the start of a task (and when the task changes) with the user's request
        and the files involved. Returns the persona's name, a confidence in [0, 1], the evidence
        (keywords, file patterns, exclusions and their weights), alternatives, companions to
        combine with, the behavioural guidance to follow, its priority order and its preferred
        MCP servers. When no persona fits, `persona` is null and `reason` says why.
        """
        from persona_mcp.selection import select, within_roots  # loaded with the first catalog, not at start-up

        roots = sorted((root.as_posix().rstrip("/") for root in server.hosts.roots()), key=len, reverse=True)
        if roots:  # an absolute path under a workspace root is read relative to it
            files = [within_roots(path, roots) for path in files]
        result = select(server.catalog.index, task, files, top_k=top_k,
                        available_servers=available_servers or None, detail=detail)
        return _tool_result(result, selection_text(result))

    @server.read_only_tool("List personas")
    async def list_personas(
        offset: ListOffset = 0, limit: ListLimit = MAX_LIST_PAGE,
    ) -> Annotated[CallToolResult, PersonaList]:
        """List the personas in the catalog: name, title, description, triggers and source layer.

        Use it to see which mindsets are available before asking for one with `get_persona`.
        `count` is the number in the whole catalog; past `limit` (200 at most), ask for the next
        page with `offset`.
        """
        catalog = server.catalog
        listing = listings.get(catalog)
        if listing is None:  # a large catalog takes a while to list: not on the event loop
            listing = listings[catalog] = await anyio.to_thread.run_sync(_Listing, catalog)
        return listing.page(offset, limit)

    @server.read_only_tool("Get a persona")
    async def get_persona(name: PersonaName, detail: DetailLevel = "full") -> Annotated[CallToolResult, PersonaDetail]:
        """Get one persona by name (full `persona-security` or short `security`) with its guidance.

        Use it when the user asks for a specific persona. `detail` is "full" for the whole
        guidance or "summary" for its first section and headings.
        """
        catalog = server.catalog
        try:
            persona = catalog.get(name)
        except PersonaNotFound as exc:
            raise ArgumentProblem("name", f"no persona is called {name!r}", fix=other_names(catalog, name)) from exc
        entry = catalog.entry(persona.name)
        guidance = persona.body if detail == "full" else persona.summary
        result = PersonaDetail(persona=PersonaInfo.of(persona, entry.overrides), detail=detail, guidance=guidance)
        return _tool_result(result, prompt_text(persona) if detail == "full" else guidance)

    @server.resource("persona://catalog", name="catalog", title="Persona catalog", mime_type="application/json",
                     description="The catalog index: every persona with its triggers and source, as JSON.")
    async def catalog_resource() -> str:
        return server.catalog.listing_json

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
