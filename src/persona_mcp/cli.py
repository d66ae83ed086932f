"""The `persona-mcp` command: serve, list, show, select, validate, eval, convert, schema."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from persona_mcp import __version__
from persona_mcp.catalog import ENV_PROJECT_FORMATS, Catalog, CatalogSource, log_diagnostic
from persona_mcp.errors import ConfigError, PersonaError
from persona_mcp.folders import shown
from persona_mcp.loader import load_paths
from persona_mcp.model import MAX_TOP_K, Persona, PersonaInfo
from persona_mcp.output import check_overwrites, make_folder, missing_path, write_output
from persona_mcp.report import catalog_lines, empty_catalog, overlap_lines
from persona_mcp.settings import (
    ENV_LOG_LEVEL,
    ENV_NO_BUILTIN,
    ENV_NO_USER,
    ENV_STRICT,
    CommonSettings,
    current_folder_names,
)

logger = logging.getLogger("persona_mcp")

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A command line that cannot be carried out as given (exit 2)."""


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument("--personas", metavar="DIR", action="append", type=Path,
                        default=argparse.SUPPRESS if suppress else [],
                        help="an extra persona folder, overriding earlier layers by name (repeatable)")
    parser.add_argument("--no-builtin", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help=f"leave out the built-in personas (or set {ENV_NO_BUILTIN}=1)")
    parser.add_argument("--no-user", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help=f"leave out the user's persona folder (or set {ENV_NO_USER}=1)")
    parser.add_argument("--strict", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help=f"treat warnings in persona files (unknown keys, empty bodies) as errors (or set "
                        f"{ENV_STRICT}=1)")
    parser.add_argument("--project-formats", action="store_true", default=argparse.SUPPRESS if suppress else False,
                        help="also read other tools' folders (.claude/agents, skills and rules, .cursor/rules and "
                        "agents, .github/instructions, agents, chatmodes and skills, .agents/skills, "
                        ".opencode/agent(s), .gemini/agents, .clinerules, .cline/rules, .windsurf/rules, "
                        ".kiro/steering, .continue/rules, .roo/rules, .amazonq/rules, .augment/rules) "
                        f"under the workspace roots, the host's or the current folder (or set {ENV_PROJECT_FORMATS}=1)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], type=str.upper,
                        default=default, help=f"log level on stderr, in any case (default {ENV_LOG_LEVEL} or WARNING)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="persona-mcp",
        description="An MCP server that selects the right engineering persona for a task. "
        "With no command it serves MCP over stdio, which is what an MCP host runs.",
    )
    parser.add_argument("--version", action="version", version=f"persona-mcp {__version__}")
    _common(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        _common(p, suppress=True)
        return p

    serve = command("serve", "serve MCP (stdio by default)")
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio",
                       help="the MCP transport (default stdio); http serves streamable HTTP at /mcp")
    http = serve.add_argument_group("streamable HTTP (with --transport http)")
    http.add_argument("--host", help="the address to listen on (default 127.0.0.1)")
    http.add_argument("--port", type=int, help="the port to listen on (default 8765; 0 picks a free one)")
    http.add_argument("--allow-host", dest="allow_hosts", metavar="NAME", action="append", default=[],
                      help="a Host header to accept besides loopback names: name (any port) or name:port (repeatable)")
    http.add_argument("--allow-origin", dest="allow_origins", metavar="ORIGIN", action="append", default=[],
                      help="an Origin header to accept besides loopback origins, e.g. https://app.example.com "
                      "(repeatable)")
    http.add_argument("--token-file", type=Path, metavar="FILE",
                      help="require 'Authorization: Bearer <token>' with the token in FILE (or set "
                      "PERSONA_MCP_TOKEN_FILE or PERSONA_MCP_TOKEN)")
    http.add_argument("--max-body-bytes", type=int, metavar="N", help="the request body limit (default 4 MiB)")
    http.add_argument("--workers", type=int, metavar="N",
                      help="worker processes sharing the port, each with its own copy of the catalog (default 1)")

    listing = command("list", "list the personas in the catalog")
    listing.add_argument("--json", action="store_true", help="print JSON")

    show = command("show", "show one persona's guidance")
    show.add_argument("name", help="full (persona-backend) or short (backend) name")
    show.add_argument("--summary", action="store_true", help="only the first section and the headings")
    show.add_argument("--evidence", action="store_true",
                      help="what selection derived from the file: terms, globs and request shapes, with their sources")
    show.add_argument("--json", action="store_true", help="print JSON")

    choose = command("select", "select the persona for a task, with the reasons")
    choose.add_argument("task", help="the task text")
    choose.add_argument("--file", "-f", dest="files", metavar="PATH", action="append", default=[],
                        help="a file involved in the task (repeatable; never opened)")
    choose.add_argument("--top-k", type=int, default=3, help="how many ranked personas to show (default 3)")
    choose.add_argument("--server", dest="servers", metavar="NAME", action="append", default=None,
                        help="an MCP server the host has (repeatable)")
    choose.add_argument("--summary", action="store_true", help="summary guidance instead of the full text")
    choose.add_argument("--json", action="store_true", help="print JSON")

    validate = command("validate", "check persona files; lists every problem, exit 1 if any")
    validate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                          help="persona files or folders (default: the configured catalog)")
    validate.add_argument("--json", action="store_true", help="print JSON")
    validate.add_argument("--verbose", "-v", action="store_true",
                          help="list every keyword and glob that several personas claim, not only how many")

    evaluate = command("eval", "measure routing accuracy on labelled tasks (JSON Lines) or the catalog's examples")
    evaluate.add_argument("cases", nargs="*", type=Path, metavar="CASES.jsonl",
                          help="files of cases: one JSON object per line with task, files and expected "
                          "(default: the routing examples inside the catalog's persona files)")
    evaluate.add_argument("--examples", action="store_true",
                          help="also run the catalog's own routing examples when case files are given")
    evaluate.add_argument("--top-k", type=int, default=3, help="k of recall@k (default 3)")
    evaluate.add_argument("--misses", type=int, default=10, metavar="N",
                          help="list the first N wrong answers (default 10; 0 for none)")
    evaluate.add_argument("--fail-under", type=float, metavar="TOP1",
                          help="exit 1 when top-1 accuracy is below this (for CI)")
    evaluate.add_argument("--fit", action="store_true",
                          help="judge the shipped confidence curve on these cases: fit a curve to them, and print "
                          "its coefficients and both curves' calibration tables. persona-mcp cannot load the "
                          "fitted coefficients; selection always uses the shipped curve")
    evaluate.add_argument("--json", action="store_true", help="print JSON")

    convert = command("convert", "write persona files of other tools' formats in persona-mcp's own, with the "
                      "evidence selection derives from them written out as triggers")
    convert.add_argument("files", nargs="+", type=Path, metavar="FILE",
                         help="persona, agent, skill, rule or instructions files, or folders of them")
    convert.add_argument("--declare", action="store_true",
                         help="write the derived terms as declared trigger-keywords, not as a commented list "
                         "(this changes how the persona is selected; see the README)")
    convert.add_argument("--output", "-o", type=Path, metavar="DIR",
                         help="write each as DIR/NAME.md (default: print them to stdout)")
    convert.add_argument("--force", action="store_true", help="write over files in DIR that hold something else; "
                         "without it, such a file stops the command before it writes anything")

    schema = command("schema", "print the JSON Schema of the persona frontmatter")
    schema.add_argument("--output", "-o", type=Path, help="write it to this file instead of stdout")
    return parser


def _catalog(args: argparse.Namespace) -> Catalog:
    settings: CommonSettings = args.settings
    return settings.command_catalog()  # with the current folder's project layer


def _print_json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def cmd_serve(args: argparse.Namespace) -> int:
    import anyio

    from persona_mcp.live import serve_stdio  # the MCP SDK is only imported by commands that serve
    from persona_mcp.server import build_server

    http_options = [flag for name, flag in _HTTP_OPTIONS.items() if getattr(args, name, None)]
    if args.transport == "stdio" and http_options:
        raise UsageError(f"{http_options[0]} applies to --transport http")
    source: CatalogSource = args.settings.source()
    if args.transport == "http":
        return _serve_http(args, source)

    def first_catalog() -> Catalog:
        # Loaded at the first request that needs personas, so the handshake does not wait for it.
        catalog = source.load()
        for diagnostic in catalog.diagnostics:
            log_diagnostic(diagnostic)
        logger.info("serving %d personas over %s", len(catalog), args.transport)
        return catalog

    anyio.run(serve_stdio, build_server(first_catalog), source)
    return EXIT_OK


_HTTP_OPTIONS = {"host": "--host", "port": "--port", "allow_hosts": "--allow-host", "allow_origins": "--allow-origin",
                 "token_file": "--token-file", "max_body_bytes": "--max-body-bytes", "workers": "--workers"}


def _serve_http(args: argparse.Namespace, source: CatalogSource) -> int:
    from persona_mcp import http  # starlette and uvicorn load only for HTTP

    host = args.host or http.DEFAULT_HOST
    port = http.DEFAULT_PORT if args.port is None else args.port
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {port}")
    workers = 1 if args.workers is None else args.workers
    if not 1 <= workers <= 64:
        raise UsageError(f"--workers must be between 1 and 64, not {workers}")
    settings = http.HttpSettings.from_env(bind_host=host, hosts=args.allow_hosts, origins=args.allow_origins,
                                          token_file=args.token_file, max_body_bytes=args.max_body_bytes)
    logger.info("HTTP settings: %s", http.describe(settings))

    def announce(url: str) -> None:
        sys.stderr.write(f"persona-mcp: serving MCP on {url}" + (" (bearer token required)" if settings.token
                                                                   else "") + "\n")
        sys.stderr.flush()

    http.serve(settings, source, host=host, port=port, workers=workers, log_level=args.settings.log_level,
               announce=announce)
    return EXIT_OK


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    catalog = _catalog(args)
    if args.json:
        _print_json([i.model_dump(mode="json") for i in catalog.listing().personas], out)
    else:
        out.writelines(line + "\n" for line in catalog_lines(catalog))
    return EXIT_OK


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    catalog = _catalog(args)
    persona = catalog.get(args.name)
    guidance = persona.summary if args.summary else persona.body
    if args.evidence:
        from persona_mcp.authoring import evidence_data, evidence_lines

        if args.json:
            _print_json({"persona": persona.name, **evidence_data(catalog.index, persona.name)}, out)
        else:
            out.write("\n".join(evidence_lines(catalog.index, persona.name)) + "\n")
        return EXIT_OK
    if args.json:
        info = PersonaInfo.of(persona, catalog.entry(persona.name).overrides)
        _print_json({"persona": info.model_dump(mode="json"), "guidance": guidance}, out)
    else:
        out.write(guidance.rstrip() + "\n")
    return EXIT_OK


def cmd_select(args: argparse.Namespace, out: TextIO) -> int:
    from persona_mcp.selection import select, within_roots

    if not args.task.strip():
        raise UsageError("the task text is empty")
    if not 1 <= args.top_k <= MAX_TOP_K:  # as select_persona bounds it
        raise UsageError(f"--top-k must be from 1 to {MAX_TOP_K}")
    catalog = _catalog(args)
    # The current folder is the workspace root, as the server takes a host's roots: an absolute path under it is
    # read relative to it.
    files = [within_roots(path, current_folder_names()) for path in args.files]
    result = select(catalog.index, args.task, files, top_k=args.top_k, available_servers=args.servers,
                    detail="summary" if args.summary else "full")
    if not len(catalog):  # not that nothing matched: there was nothing to match
        result = result.model_copy(update={"reason": empty_catalog(args.settings)})
    if args.json:
        _print_json(result.model_dump(mode="json"), out)
        return EXIT_OK
    if result.persona is None:
        out.write("none\n" + result.reason + "\n")
        return EXIT_OK
    out.write(f"{result.persona} (confidence {result.confidence:.2f})\n")
    for evidence in result.evidence:
        matched = ", ".join(evidence.matched[:3])
        out.write(f"  {evidence.weight:+.2f}  {evidence.kind:<11} {evidence.trigger!r} <- {matched}\n")
    for candidate in result.alternatives:
        out.write(f"  also: {candidate.name} (confidence {candidate.confidence:.2f}, score {candidate.score:.2f})\n")
    for companion in result.companions:
        out.write(f"  combine with: {companion.name} (confidence {companion.confidence:.2f}): {companion.reason}\n")
    if result.merged_priorities:
        out.write(f"  priorities: {' > '.join(result.merged_priorities)}\n")
    for conflict in result.priority_conflicts:
        out.write(f"  conflict: {conflict}\n")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.paths:
        missing = missing_path(args.paths)
        if missing:
            raise UsageError(missing)
        result = load_paths(args.paths, strict=args.settings.strict)
        names = [p.name for p in result.personas]
        checked = Catalog.from_personas(result.personas)
        diagnostics = [*result.diagnostics, *checked.lexicon_problems]
        shared = checked.index.shared_triggers()
    else:
        catalog = _catalog(args)
        names, diagnostics = catalog.names, [*catalog.diagnostics, *catalog.lexicon_problems]
        shared = catalog.index.shared_triggers()
    from persona_mcp.authoring import selectability

    index = checked.index if args.paths else catalog.index
    diagnostics = [*diagnostics, *selectability(index)]
    errors = [d for d in diagnostics if d.severity == "error"]
    if args.json:
        _print_json({"ok": not errors, "personas": names,
                     "diagnostics": [d.model_dump(mode="json") for d in diagnostics],
                     "shared_keywords": shared["keywords"], "shared_globs": shared["globs"]}, out)
    else:
        for diagnostic in diagnostics:
            err.write(f"{diagnostic}\n")
        notes = sum(d.severity == "info" for d in diagnostics)
        summary = (f"{len(names)} persona(s) valid, {len(errors)} error(s), "
                   f"{len(diagnostics) - len(errors) - notes} warning(s)" + (f", {notes} note(s)" if notes else ""))
        out.write(summary + "\n")
        out.writelines(line + "\n" for line in overlap_lines(shared, verbose=args.verbose))
    return EXIT_FAILURE if errors else EXIT_OK


def cmd_eval(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from persona_mcp.evaluate import catalog_cases, evaluate, fit_report, load_cases, named_in, render

    if args.top_k < 1:
        raise UsageError("--top-k must be at least 1")
    missing = [p for p in args.cases if not p.is_file()]
    if missing:
        raise UsageError(f"no such cases file: {missing[0]}")
    catalog = _catalog(args)
    cases = []
    problems = 0
    for path in args.cases:
        loaded = load_cases(path)
        cases += loaded.cases
        for diagnostic in loaded.diagnostics:
            err.write(f"{diagnostic}\n")
        problems += len(loaded.diagnostics)
    cases = named_in(catalog, cases)
    if not args.cases or args.examples:
        cases += catalog_cases(catalog)
    unknown = sorted({n for c in cases for n in (*c.expected, *c.reject)} - {p.short_name for p in catalog.personas})
    if unknown:
        err.write(f"warning: cases name personas that are not in the catalog: {', '.join(unknown)}\n")
    if not cases:
        raise UsageError("no cases to run: give a cases file, or add routing-examples to the persona files")
    if args.fit:
        try:
            out.write(fit_report(catalog.index, cases))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        return EXIT_OK
    report = evaluate(catalog.index, cases, k=args.top_k)
    if args.json:
        _print_json(report.model_dump(mode="json"), out)
    else:
        out.write(render(report, misses=args.misses))
    if args.fail_under is not None and report.top1 < args.fail_under:
        err.write(f"top-1 {report.top1:.3f} is below --fail-under {args.fail_under}\n")
        return EXIT_FAILURE
    if args.fail_under is not None and report.rejects_passed < report.rejects_total:  # a routing test that failed
        err.write(f"{report.rejects_total - report.rejects_passed} reject case(s) selected a persona they must not\n")
        return EXIT_FAILURE
    return EXIT_FAILURE if problems else EXIT_OK


def cmd_convert(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from persona_mcp.authoring import converted, file_identity, output_name, source_files

    missing = missing_path(args.files)
    if missing:
        raise UsageError(missing)
    sources = source_files(args.files) if args.output else set()  # before anything is written
    result = load_paths(args.files, strict=False)
    for diagnostic in result.diagnostics:
        err.write(f"{diagnostic}\n")
    if args.output:
        make_folder(args.output, "--output", "the persona files")
    first: dict[str, Persona] = {}
    for persona in result.personas:
        if persona.name in first:  # two files given that both name it: the first one is written
            err.write(f"{persona.path}: error: {persona.name!r} is also the name of {first[persona.name].path}; "
                      "not written\n")
        first.setdefault(persona.name, persona)
    index = Catalog.from_personas(list(first.values())).index  # rarity as in the catalog they make together
    refused = 0
    writes: dict[Path, str] = {}
    for persona in first.values():
        text = converted(persona, index.profile(persona.name), declare=args.declare)
        if not args.output:
            out.write(text if text.endswith("\n") else text + "\n")
            continue
        target = args.output / output_name(persona.name)
        if file_identity(target) in sources:  # `--output` is a folder being converted: never write over a source
            refused += 1
            err.write(f"{persona.path}: error: not written: it would overwrite {shown(target)}, one of "
                      "the files being converted (fix: choose another --output folder)\n")
            continue
        writes[target] = text
    if not args.force:
        check_overwrites(writes, "--output folder")  # all of them before any is written
    for target, text in writes.items():
        write_output(target, text, "--output", newline="", replace=args.force)
        err.write(f"wrote {target}\n")
    return EXIT_FAILURE if result.errors or refused or len(first) < len(result.personas) else EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from persona_mcp.authoring import frontmatter_schema

    text = json.dumps(frontmatter_schema(), indent=2) + "\n"
    if args.output:
        write_output(args.output, text, "--output")
    else:
        out.write(text)
    return EXIT_OK


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our own records go to the stderr of the moment, whatever else configured the root logger."""


def _configure_logging(level: str | None) -> None:
    layout = "persona-mcp %(levelname)s %(name)s: %(message)s"
    fmt = logging.Formatter(layout)
    logging.basicConfig(level=level or "WARNING", stream=sys.stderr, format=layout)
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)
    handler = _StderrHandler(sys.stderr)
    handler.setFormatter(fmt)
    logger.addHandler(handler)
    logger.setLevel(level or "WARNING")
    logger.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.settings = settings = CommonSettings.read(
        personas=args.personas, no_builtin=args.no_builtin, no_user=args.no_user, strict=args.strict,
        project_formats=args.project_formats, log_level=args.log_level)
    _configure_logging(settings.log_level)
    for problem in settings.problems:
        logger.warning("%s", problem)
    out, err = sys.stdout, sys.stderr
    command = args.command or "serve"
    if command == "serve" and not hasattr(args, "transport"):
        args.transport = "stdio"
        for name in _HTTP_OPTIONS:
            setattr(args, name, None)
    try:
        if command == "serve":
            return cmd_serve(args)
        if not settings.log_level_given:
            # validate prints every problem itself; the other commands answer from the good personas.
            logging.getLogger("persona_mcp.catalog").setLevel("CRITICAL" if command == "validate" else "ERROR")
        handlers = {
            "list": lambda: cmd_list(args, out),
            "show": lambda: cmd_show(args, out),
            "select": lambda: cmd_select(args, out),
            "validate": lambda: cmd_validate(args, out, err),
            "eval": lambda: cmd_eval(args, out, err),
            "convert": lambda: cmd_convert(args, out, err),
            "schema": lambda: cmd_schema(args, out),
        }
        code = handlers[command]()
        out.flush()  # here, so that a reader that went away is noticed below and not at exit
        return code
    except (UsageError, ConfigError) as exc:
        err.write(f"error: {exc}\n")
        return EXIT_USAGE
    except PersonaError as exc:
        err.write(f"error: {exc}\n")
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (`persona-mcp list | head`): nothing is wrong, and nothing more to say.
        # Point stdout at /dev/null so that the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK

