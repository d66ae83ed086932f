"""The settings every route shares (catalog layers, strictness, log level): command-line flags over PERSONA_MCP_*.

The command line (`persona-mcp`, every command), the Claude Desktop bundle and the HTTP application
factory under an ASGI server all read these variables here, so each means the same everywhere:

| variable | flag | meaning |
| --- | --- | --- |
| PERSONA_MCP_PATH | (`--personas DIR` adds its own layers after it) | persona folders, `os.pathsep`-separated |
| PERSONA_MCP_NO_BUILTIN | `--no-builtin` | leave out the built-in personas |
| PERSONA_MCP_NO_USER | `--no-user` | leave out the user's persona folder |
| PERSONA_MCP_STRICT | `--strict` | warnings in persona files are errors |
| PERSONA_MCP_PROJECT_FORMATS | `--project-formats` | read other tools' folders under workspace roots |
| PERSONA_MCP_LOG_LEVEL | `--log-level LEVEL` | the log level on stderr |

A flag wins over its variable: a flag given turns its setting on whatever the variable says, and
`--log-level` replaces the variable's level. A variable the server cannot read (`PERSONA_MCP_STRICT=maybe`,
an unknown level) is left out with a warning, rather than stopping a server that a host starts. A value
written as a placeholder, `${...}` (how Claude Desktop passes a setting its user left empty), counts as unset.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from persona_mcp.catalog import (
    ENV_PATH,
    ENV_PROJECT_FORMATS,
    Catalog,
    CatalogSource,
    Layer,
    default_layers,
    log_diagnostic,
)

ENV_NO_BUILTIN = "PERSONA_MCP_NO_BUILTIN"
ENV_NO_USER = "PERSONA_MCP_NO_USER"
ENV_STRICT = "PERSONA_MCP_STRICT"
ENV_LOG_LEVEL = "PERSONA_MCP_LOG_LEVEL"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_LOG_LEVEL = "WARNING"
TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


def filled(value: str) -> str:
    """`value` stripped, or "" for a placeholder that the host did not fill in (`${user_config.strict}`)."""
    value = value.strip()
    return "" if value.startswith("${") and value.endswith("}") else value


@dataclass(frozen=True)
class CommonSettings:
    """What shapes the catalog and the logs, on every route; build it with `read`."""

    folders: tuple[Path, ...] = ()  # --personas, in order
    path: str = ""  # PERSONA_MCP_PATH as given
    builtin: bool = True
    user: bool = True
    strict: bool = False
    project_formats: bool = False
    log_level: str = DEFAULT_LOG_LEVEL
    log_level_given: bool = False  # by a flag or the environment: the CLI then keeps the catalog's logs
    problems: tuple[str, ...] = ()  # variables left out, to log once logging is set up

    @classmethod
    def read(
        cls, env: Mapping[str, str] | None = None, *, personas: Sequence[Path] = (), no_builtin: bool = False,
        no_user: bool = False, strict: bool = False, project_formats: bool = False, log_level: str | None = None,
    ) -> CommonSettings:
        """The settings from the command line's values (the arguments; False and None when not given) over the
        environment's (`os.environ` unless `env` is given)."""
        env = os.environ if env is None else env
        problems: list[str] = []

        def switch(name: str) -> bool:
            value = filled(env.get(name, "")).lower()
            if value not in TRUE and value not in FALSE:
                problems.append(f"{name}={env[name]!r} is not one of 1, true, yes, on, 0, false, no, off: left out")
            return value in TRUE

        level = filled(env.get(ENV_LOG_LEVEL, "")).upper()
        if level and level not in LOG_LEVELS:
            problems.append(f"{ENV_LOG_LEVEL}={env[ENV_LOG_LEVEL]!r} is not one of {', '.join(LOG_LEVELS)}: left out")
            level = ""
        return cls(
            folders=tuple(personas), path=filled(env.get(ENV_PATH, "")),
            builtin=not (no_builtin or switch(ENV_NO_BUILTIN)), user=not (no_user or switch(ENV_NO_USER)),
            strict=strict or switch(ENV_STRICT), project_formats=project_formats or switch(ENV_PROJECT_FORMATS),
            log_level=log_level or level or DEFAULT_LOG_LEVEL, log_level_given=bool(log_level or level),
            problems=tuple(problems),
        )

    def layers(self) -> list[Layer]:
        """Built-in, user, PERSONA_MCP_PATH's folders, then the --personas folders (see `default_layers`)."""
        return default_layers(self.folders, builtin=self.builtin, user=self.user, env=self.path)

    def source(self, roots: Sequence[Path] = ()) -> CatalogSource:
        """The catalog's source; `roots` are workspace roots whose project layer it reads from the start (the
        current folder of a command that reads the catalog), as the server does for the roots a host reports."""
        source = CatalogSource(self.layers(), strict=self.strict, project_formats=self.project_formats)
        source.set_roots(roots)
        return source

    def command_catalog(self) -> Catalog:
        """The catalog of a command that reads it (`list`, `select`, ...): the current folder is its workspace root,
        whose project layer is read as the server reads a host's roots. Its problems are logged."""
        here = current_folder()
        catalog = self.source(roots=[here] if here is not None else []).load()
        for diagnostic in catalog.diagnostics:
            log_diagnostic(diagnostic)
        return catalog


def current_folder() -> Path | None:
    """The current folder, which the commands that read the catalog take as their workspace root; None when it was
    deleted (a shell still standing in it)."""
    try:
        return Path.cwd()
    except OSError:
        return None


def current_folder_names() -> list[str]:
    """The names of the current folder that a path given to `select` may start with, longest first: its real path,
    and the shell's $PWD when that names the same folder by a symlink (macOS's /tmp). Not the file system's root,
    under which every path lies."""
    here = current_folder()
    names = {here} if here is not None else set()
    pwd = os.environ.get("PWD")
    if pwd and os.path.isdir(pwd) and here is not None and os.path.samefile(pwd, here):
        names.add(Path(pwd))
    return sorted((name.as_posix() for name in names if name.parent != name), key=len, reverse=True)
