"""The layered, indexed set of personas that the server and the CLI answer from."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from persona_mcp.errors import PersonaNotFound
from persona_mcp.loader import load_folder
from persona_mcp.model import Diagnostic, Persona, PersonaInfo, PersonaList, short_name
from persona_mcp.selection import SelectionIndex

logger = logging.getLogger(__name__)

ENV_PATH = "PERSONA_MCP_PATH"


def builtin_dir() -> Path:
    """Where the built-in personas are: inside the installed package, or `personas/` of a source checkout."""
    packaged = Path(str(resources.files("persona_mcp"))) / "personas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "personas"


@dataclass(frozen=True)
class Layer:
    """One source of personas; later layers override earlier ones by name."""

    name: str
    folder: Path


def default_layers(folders: Sequence[Path] = (), *, builtin: bool = True, env: str | None = None) -> list[Layer]:
    """Built-in personas, then `PERSONA_MCP_PATH` folders, then folders given on the command line."""
    layers = [Layer("builtin", builtin_dir())] if builtin else []
    raw = os.environ.get(ENV_PATH, "") if env is None else env
    layers += [Layer("env", Path(p).expanduser()) for p in raw.split(os.pathsep) if p.strip()]
    layers += [Layer("custom", Path(p).expanduser()) for p in folders]
    return layers


@dataclass(frozen=True)
class Entry:
    """A persona in the catalog, with what it replaced from an earlier layer."""

    persona: Persona
    overrides: str | None = None


@dataclass
class Catalog:
    """The personas in force, looked up by full or short name, with the index selection runs on."""

    entries: dict[str, Entry] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def from_personas(cls, personas: Iterable[Persona], diagnostics: Iterable[Diagnostic] = ()) -> Catalog:
        catalog = cls(diagnostics=list(diagnostics))
        for persona in personas:
            catalog.add(persona)
        return catalog

    @classmethod
    def load(cls, layers: Sequence[Layer], *, strict: bool = False) -> Catalog:
        """Load every layer in order. Bad files become diagnostics; the rest of the catalog still loads."""
        catalog = cls()
        for layer in layers:
            if not layer.folder.is_dir():
                catalog.diagnostics.append(Diagnostic(
                    path=str(layer.folder), message=f"persona folder of layer '{layer.name}' does not exist",
                    hint="create it, or fix the path given with --personas or PERSONA_MCP_PATH",
                ))
                continue
            result = load_folder(layer.folder, layer=layer.name, strict=strict)
            catalog.diagnostics.extend(result.diagnostics)
            for persona in result.personas:
                catalog.add(persona)
        catalog.diagnostics.extend(catalog._check_companions())
        for diagnostic in catalog.diagnostics:
            logger.log(logging.ERROR if diagnostic.severity == "error" else logging.WARNING, "%s", diagnostic)
        return catalog

    def add(self, persona: Persona) -> None:
        key = short_name(persona.name)
        previous = self.entries.get(key)
        self.entries[key] = Entry(persona, str(previous.persona.path) if previous else None)
        self.__dict__.pop("index", None)

    def _check_companions(self) -> list[Diagnostic]:
        problems = []
        for entry in self.entries.values():
            for companion in entry.persona.spec.companions:
                if short_name(companion) not in self.entries:
                    problems.append(Diagnostic(
                        path=str(entry.persona.path), field="companions", severity="warning",
                        message=f"companion {companion!r} is not in the catalog",
                        hint=f"use one of: {', '.join(self.names)}",
                    ))
        return problems

    @property
    def personas(self) -> list[Persona]:
        """The personas in name order."""
        return [self.entries[key].persona for key in sorted(self.entries)]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.personas]

    @cached_property
    def index(self) -> SelectionIndex:
        return SelectionIndex(self.personas)

    def listing(self) -> PersonaList:
        """The catalog index, as `list_personas`, `persona://catalog` and `persona-mcp list --json` give it."""
        infos = [PersonaInfo.of(self.entries[key].persona, self.entries[key].overrides) for key in sorted(self.entries)]
        return PersonaList(count=len(infos), personas=infos, problems=[str(d) for d in self.diagnostics])

    def get(self, name: str) -> Persona:
        """The persona answering to `name` (full `persona-x` or short `x`, any case); PersonaNotFound otherwise."""
        entry = self.entries.get(short_name(name.strip().lower()))
        if entry is None:
            raise PersonaNotFound(name, self.names)
        return entry.persona

    def entry(self, name: str) -> Entry:
        persona = self.get(name)
        return self.entries[persona.short_name]

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and short_name(name.strip().lower()) in self.entries
