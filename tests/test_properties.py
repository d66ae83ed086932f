"""Property tests: the loader turns any bytes into personas or diagnostics, and selection never raises."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from persona_mcp.catalog import Catalog, default_layers
from persona_mcp.loader import LoadResult, load_persona_file, parse_persona
from persona_mcp.model import FRONTMATTER_KEYS, Selection
from persona_mcp.selection import SelectionIndex, select

# Modest example counts keep the whole suite fast; the CI runs them on every commit, so coverage adds up.
FEW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BUILTIN = Catalog.load(default_layers(builtin=True, env=""))


def assert_personas_or_diagnostics(result: LoadResult, path: str) -> None:
    """Exactly one of: personas with no error, or errors with no persona. Every diagnostic names the file."""
    assert isinstance(result, LoadResult)
    if result.personas:
        assert not result.errors, [str(d) for d in result.diagnostics]
        assert len(result.personas) == 1
    else:
        assert result.errors, "a file that produced no persona must say why"
    for diagnostic in result.diagnostics:
        assert diagnostic.path == path
        assert str(diagnostic).startswith(path)
        assert diagnostic.message


# ---------------------------------------------------------------- the loader

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(sorted(FRONTMATTER_KEYS)) | st.text(max_size=15)


@st.composite
def persona_documents(draw: st.DrawFn) -> str:
    """Frontmatter that is valid YAML with real and made-up fields holding values of any shape."""
    fields: dict[str, Any] = draw(st.dictionaries(field_names, yaml_values, max_size=6))
    if draw(st.booleans()):
        fields["name"] = draw(st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True) | st.text(max_size=10))
    if draw(st.booleans()):
        fields["description"] = draw(st.text(min_size=0, max_size=80))
    body = draw(st.text(max_size=200))
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True) + "---\n" + body


@FEW
@given(st.binary(max_size=2_000))
def test_loader_turns_arbitrary_bytes_into_personas_or_diagnostics(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "persona-fuzz.md"
        path.write_bytes(raw)
        assert_personas_or_diagnostics(load_persona_file(path), str(path))


@FEW
@given(st.binary(max_size=1_500))
def test_loader_handles_arbitrary_bytes_after_a_frontmatter_opening(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "persona-fuzz.md"
        path.write_bytes(b"---\nname: persona-fuzz\n" + raw + b"\n---\nbody\n")
        assert_personas_or_diagnostics(load_persona_file(path), str(path))


@FEW
@given(persona_documents())
def test_parser_turns_any_yaml_frontmatter_into_a_persona_or_diagnostics(text: str) -> None:
    assert_personas_or_diagnostics(parse_persona(text, "fuzz.md"), "fuzz.md")


@FEW
@given(st.text(max_size=2_000))
def test_parser_handles_arbitrary_text(text: str) -> None:
    assert_personas_or_diagnostics(parse_persona(text, "fuzz.md"), "fuzz.md")


# ---------------------------------------------------------------- selection

paths = st.lists(st.text(min_size=1, max_size=80) | st.from_regex(r"[\w./\\-]{1,60}", fullmatch=True), max_size=12)
server_names = st.none() | st.lists(st.text(min_size=1, max_size=20), max_size=5)


def check_selection(result: Selection, index: SelectionIndex, top_k: int) -> None:
    names = {p.name for p in index.personas}
    assert result.persona is None or result.persona in names
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.alternatives) <= top_k
    assert json.loads(result.model_dump_json())  # the answer always serialises for the wire


@FEW
@given(task=st.text(min_size=1, max_size=400) | st.text(alphabet=" \n\tab`.", min_size=1100, max_size=3000),
       files=paths, top_k=st.integers(1, 20), servers=server_names,
       detail=st.sampled_from(["full", "summary"]))
def test_selection_never_raises_on_arbitrary_task_text_and_paths(
    task: str, files: list[str], top_k: int, servers: list[str] | None, detail: str,
) -> None:
    result = select(BUILTIN.index, task, files, top_k=top_k, available_servers=servers, detail=detail)
    check_selection(result, BUILTIN.index, top_k)
    again = select(BUILTIN.index, task, files, top_k=top_k, available_servers=servers, detail=detail)
    assert again == result  # deterministic


trigger_words = st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=25)
                         .filter(str.strip), min_size=1, max_size=4)


@FEW
@given(keywords=trigger_words, task=st.text(min_size=1, max_size=200), files=paths)
def test_selection_never_raises_with_arbitrary_trigger_keywords(keywords: list[str], task: str,
                                                                  files: list[str]) -> None:
    text = ("---\n" + yaml.safe_dump({"name": "persona-fuzz", "description": "Fuzzed.", "trigger-keywords": keywords,
                                       "trigger-files": ["**/api/**"]}, allow_unicode=True) + "---\n# Fuzz\n")
    loaded = parse_persona(text, "fuzz.md")
    index = SelectionIndex(BUILTIN.personas + loaded.personas)
    # The persona's own keywords, inside arbitrary text, must not break anything either.
    check_selection(select(index, f"{task} {' '.join(keywords)}", files, top_k=3), index, 3)
    check_selection(select(index, task, files, top_k=3), index, 3)


# ---------------------------------------------------------------- the transports' parsers


@FEW
@given(st.binary(max_size=300) | st.builds(lambda d: json.dumps(d).encode(), yaml_values))
def test_stdio_screens_any_line_into_one_the_sdk_parses_or_a_jsonrpc_error(line: bytes) -> None:
    from mcp_types import INVALID_REQUEST, PARSE_ERROR, jsonrpc_message_adapter

    from persona_mcp.jsonrpc import screen

    problem = screen(line, 1_000)
    if problem is None:
        jsonrpc_message_adapter.validate_json(line, by_name=False)  # the SDK's own parse takes it
    else:
        code, message, id_ = problem
        assert code in (PARSE_ERROR, INVALID_REQUEST) and message
        assert id_ is None or isinstance(id_, str) or (isinstance(id_, int) and not isinstance(id_, bool))


near_hosts = st.from_regex(r"(localhost|127\.0\.0\.1|\[::1\]|::1|persona\.internal|evil\.com)[.:\]a-z0-9*]{0,8}",
                           fullmatch=True)
near_origins = st.builds(lambda scheme, host: scheme + host, st.sampled_from(["http://", "https://", "", "file://"]),
                         near_hosts)


@FEW
@given(st.text(max_size=80) | st.none() | near_hosts, st.text(max_size=80) | st.none() | near_origins)
def test_http_host_and_origin_checks_never_raise_and_refuse_unknown_names(host: str | None,
                                                                         origin: str | None) -> None:
    from persona_mcp.http import HttpSettings

    settings = HttpSettings.from_env({}, hosts=["persona.internal"])
    allowed = settings.host_allowed(host)
    if allowed:
        assert host is not None
        name = host.lower().rsplit(":", 1)[0] if not host.endswith("]") else host.lower()
        assert name in ("127.0.0.1", "localhost", "[::1]", "persona.internal"), host
    if settings.origin_allowed(origin) and origin is not None:
        assert re.fullmatch(r"https?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?", origin.lower()), origin
