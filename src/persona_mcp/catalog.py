"""The layered, indexed set of personas that the server and the CLI answer from, and its cheap reloading."""

from __future__ import annotations

import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from persona_mcp.errors import PersonaNotFound
from persona_mcp.folders import A_FILE, folder_problem, shown_folder
from persona_mcp.formats import TOOL_FOLDERS
from persona_mcp.loader import LoadResult, load_folder, load_persona_file, persona_files
from persona_mcp.model import Diagnostic, Persona, PersonaInfo, PersonaList, short_name
from persona_mcp.names import lookup_keys, loose_key
from persona_mcp.stamps import Stamp, collector_paused, stamp

if TYPE_CHECKING:
    from persona_mcp.lexicon import Lexicon
    from persona_mcp.selection import SelectionIndex

logger = logging.getLogger(__name__)

ENV_PATH = "PERSONA_MCP_PATH"
APP_DIR = "persona-mcp"
PROJECT_DIR = ".personas"
PROJECT_FORMAT_DIRS = TOOL_FOLDERS
"""Other tools' folders that `--project-formats` (or PERSONA_MCP_PROJECT_FORMATS=1) adds to the project layer."""
ENV_PROJECT_FORMATS = "PERSONA_MCP_PROJECT_FORMATS"
MAX_HINT_NAMES = 20  # how many persona names a hint lists
MAX_ROOTS = 64  # workspace roots whose project folders are read; a host reporting more gets the first ones


def builtin_dir() -> Path:
    """Where the built-in personas are: inside the installed package, or `personas/` of a source checkout."""
    packaged = Path(str(resources.files("persona_mcp"))) / "personas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "personas"


def user_dir() -> Path:
    """The user's persona folder, in the platform's configuration directory.

    Linux and other Unixes: `$XDG_CONFIG_HOME/persona-mcp/personas` (default `~/.config/...`);
    macOS: `~/Library/Application Support/persona-mcp/personas`; Windows: `%APPDATA%\\persona-mcp\\personas`.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_CONFIG_HOME", "")
        # The XDG spec says a relative value is invalid and must be ignored.
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".config"
    return base / APP_DIR / "personas"


@dataclass(frozen=True)
class Layer:
    """One source of personas; later layers override earlier ones by name.

    `optional` layers (the user's folder, a workspace's `.personas/`, any folder named `.personas`) may be
    missing without that being a problem: they start counting when the folder appears.
    """

    name: str
    folder: Path
    optional: bool = False


def default_layers(
    folders: Sequence[Path | str] = (), *, builtin: bool = True, user: bool = True, env: str | None = None,
) -> list[Layer]:
    """Built-in personas, the user's folder, `PERSONA_MCP_PATH` folders, then folders given on the command line."""
    layers = [Layer("builtin", builtin_dir())] if builtin else []
    if user:
        layers.append(Layer("user", user_dir(), optional=True))
    raw = os.environ.get(ENV_PATH, "") if env is None else env
    layers += [_given("env", p) for p in raw.split(os.pathsep) if p.strip()]
    layers += [_given("custom", p) for p in folders]
    return layers


def _given(name: str, folder: Path | str) -> Layer:
    # A project folder named on the command line (VS Code's `${workspaceFolder}/.personas`) is optional
    # like the ones found through workspace roots: most workspaces have none.
    path = Path(folder).expanduser()
    return Layer(name, path, optional=path.name == PROJECT_DIR)


def project_layers(roots: Iterable[Path], *, formats: bool = False) -> list[Layer]:
    """The `.personas/` folder of each workspace root, in the order the host reported the roots.

    With `formats` (the `--project-formats` option), each root's folders of other tools come first
    (`PROJECT_FORMAT_DIRS`), so that its `.personas/` overrides them by name.
    """
    seen: set[Path] = set()
    layers = []
    for root in roots:
        if root not in seen:
            seen.add(root)
            folders = [*(PROJECT_FORMAT_DIRS if formats else ()), PROJECT_DIR]
            layers += [Layer("project", root / folder, optional=True) for folder in folders]
    return layers


@dataclass(frozen=True)
class Entry:
    """A persona in the catalog, with what it replaced from an earlier layer."""

    persona: Persona
    overrides: str | None = None  # the file of the persona it replaced
    overrides_layer: str | None = None  # and that persona's layer


@dataclass(frozen=True, eq=False)
class Catalog:
    """The personas in force, looked up by full or short name, with the index selection runs on.

    A catalog is never changed once built: a reload builds a new one and swaps the reference, so a
    request holding a catalog sees one consistent set of personas from start to end.
    """

    entries: Mapping[str, Entry] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def from_personas(cls, personas: Iterable[Persona], diagnostics: Iterable[Diagnostic] = ()) -> Catalog:
        """A catalog of `personas`; a later persona replaces an earlier one of the same name."""
        entries: dict[str, Entry] = {}
        for persona in personas:
            key = short_name(persona.name)
            previous = entries.get(key)
            entries[key] = (Entry(persona, str(previous.persona.path), previous.persona.layer) if previous
                            else Entry(persona))
        return cls(entries, list(diagnostics))

    @classmethod
    def load(cls, layers: Sequence[Layer], *, strict: bool = False) -> Catalog:
        """Load every layer in order. Bad files become diagnostics; the rest of the catalog still loads."""
        catalog = CatalogSource(layers, strict=strict).load()
        for diagnostic in catalog.diagnostics:
            log_diagnostic(diagnostic)
        return catalog

    def companion_problems(self) -> list[Diagnostic]:
        problems = []
        names = self.names
        known = ", ".join(names[:MAX_HINT_NAMES]) + (f" ... ({len(names)} in all)" if len(names) > MAX_HINT_NAMES
                                                      else "")
        for entry in self.entries.values():
            for companion in entry.persona.spec.companions:
                if companion not in self:
                    problems.append(Diagnostic(
                        path=str(entry.persona.path), field="companions", severity="warning",
                        message=f"companion {companion!r} is not in the catalog", hint=f"use one of: {known}",
                    ))
        return problems

    @cached_property
    def personas(self) -> list[Persona]:
        """The personas in name order."""
        return [self.entries[key].persona for key in sorted(self.entries)]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.personas]

    @cached_property
    def index(self) -> SelectionIndex:
        return self._build_index(None)

    def build_index(self, earlier: SelectionIndex | None) -> None:
        """Build the index now, reusing what `earlier` derived for the personas both hold (see `SelectionIndex`)."""
        self.__dict__["index"] = self._build_index(earlier)  # where `cached_property` keeps it

    def _build_index(self, earlier: SelectionIndex | None) -> SelectionIndex:
        from persona_mcp.selection import SelectionIndex

        return SelectionIndex(self.personas, self._lexicon[0], earlier=earlier)

    @cached_property
    def _lexicon(self) -> tuple[Lexicon, list[Diagnostic]]:
        """The shipped lexicon and the user's extensions, read once per catalog; a problem of an extension file is
        logged, and listed with the catalog's own problems."""
        from persona_mcp.lexicon import load_lexicon  # imported when first needed, not at start-up

        lexicon, problems = load_lexicon()
        for problem in problems:
            log_diagnostic(problem)
        return lexicon, problems

    @property
    def lexicon_problems(self) -> list[Diagnostic]:
        """The problems of the user's lexicon files (each is skipped whole), as `validate` and `list_personas`
        report them."""
        return self._lexicon[1]

    @cached_property
    def content(self) -> tuple[tuple[str, str, str, str, str | None], ...]:
        """What hosts see of the catalog: each persona's name, layer, file, text and override."""
        return tuple(
            (key, entry.persona.layer, str(entry.persona.path), entry.persona.text, entry.overrides)
            for key, entry in sorted(self.entries.items())
        )

    def listing(self) -> PersonaList:
        """The catalog index, as `list_personas`, `persona://catalog` and `persona-mcp list --json` give it.

        Built once per catalog (a reload builds it in its worker thread); callers must not change it.
        """
        return self._listing

    @cached_property
    def _listing(self) -> PersonaList:
        infos = [PersonaInfo.of(self.entries[key].persona, self.entries[key].overrides) for key in sorted(self.entries)]
        problems = [str(d) for d in (*self.diagnostics, *self.lexicon_problems)]
        return PersonaList(count=len(infos), personas=infos, problems=problems)

    @cached_property
    def listing_json(self) -> str:
        """`listing()` as indented JSON, built once per catalog."""
        return self._listing.model_dump_json(indent=2)

    def find(self, name: str) -> Persona | None:
        """The persona that `name` means, or None: the name full (`persona-x`) or short (`x`), in any case, or as
        its file writes it (`KafkaEvents`, `Kafka Events`, `kafka_events` for kafka-events). Every lookup by a
        name that someone typed goes through here (see `names`)."""
        for key in lookup_keys(name):
            entry = self.entries.get(key)
            if entry is not None:
                return entry.persona
        keys = self._loose_keys.get(loose_key(name), [])
        return self.entries[keys[0]].persona if len(keys) == 1 else None

    @cached_property
    def _loose_keys(self) -> dict[str, list[str]]:
        keys: dict[str, list[str]] = {}
        for key in self.entries:
            keys.setdefault(loose_key(key), []).append(key)
        return keys

    def get(self, name: str) -> Persona:
        """The persona that `name` means (see `find`); PersonaNotFound otherwise."""
        persona = self.find(name)
        if persona is None:
            raise PersonaNotFound(name, self.names)
        return persona

    def entry(self, name: str) -> Entry:
        persona = self.get(name)
        return self.entries[persona.short_name]

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.find(name) is not None


def log_diagnostic(diagnostic: Diagnostic) -> None:
    levels = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO}
    logger.log(levels[diagnostic.severity], "%s", diagnostic)


def _file_hint(layer: Layer) -> str:
    """The fix for a layer whose folder is a file: the folder that holds the file, where the user gave it."""
    holder = shown_folder(layer.folder.parent)
    if layer.name == "custom":
        return f"give the folder that holds it instead: --personas {holder}"
    if layer.name == "env":
        return f"give the folder that holds it instead, {holder}, in {ENV_PATH}"
    # The user's folder and the project folders are at fixed places, not given by the user.
    return "move the file away, and put persona files in a folder of that name"


# ---------------------------------------------------------------- reloading


@dataclass(frozen=True)
class _Parsed:
    stamp: Stamp | None
    result: LoadResult
    serial: int  # which parse this is: equal serials mean the very same result


class CatalogSource:
    """Builds catalogs from layers, again and again, cheaply and without losing good personas.

    `load()` re-parses only the files whose stamp (mtime, ctime, size, inode) changed since the last
    load. When a file that loaded before no longer validates, the last good version of its persona is
    kept in the catalog and the problem is reported next to it, until the file is fixed or deleted.
    `fingerprint()` is the cheap question "did anything change?" that a watcher polls.

    The layers are the base layers (built-in, user, env, custom) followed by the project layers of the
    workspace roots, which `set_roots` replaces. Thread-safe: one load runs at a time.
    """

    def __init__(self, layers: Sequence[Layer], *, strict: bool = False, project_formats: bool = False) -> None:
        self.base_layers = list(layers)
        self.strict = strict
        self.project_formats = project_formats
        self.roots: tuple[Path, ...] = ()
        self._parsed: dict[tuple[Path, str], _Parsed] = {}
        self._last_good: dict[tuple[Path, str], Persona] = {}
        self._serials = itertools.count()
        self._previous: tuple[tuple[object, ...], Catalog] | None = None
        self._missing: set[Path] = set()
        self._lock = threading.Lock()

    @property
    def layers(self) -> list[Layer]:
        return self.base_layers + project_layers(self.roots, formats=self.project_formats)

    def set_roots(self, roots: Iterable[Path]) -> bool:
        """Use the `.personas/` folders of these workspace roots as the project layers; True if they changed.

        At most MAX_ROOTS roots are used (the first ones), so hosts cannot make every look at the disk
        arbitrarily long.
        """
        new = tuple(dict.fromkeys(roots))
        if len(new) > MAX_ROOTS:
            if new[:MAX_ROOTS] != self.roots:
                logger.warning("the hosts report %d workspace roots; the first %d are used", len(new), MAX_ROOTS)
            new = new[:MAX_ROOTS]
        changed = new != self.roots
        self.roots = new
        return changed

    def fingerprint(self) -> tuple[object, ...]:
        """A cheap summary of every layer folder and persona file; it differs whenever a reload could.

        It costs one `stat` per file and opens none. A folder that cannot be listed counts as its problem.
        """
        now = time.time_ns()
        parts: list[object] = []
        for layer in self.layers:
            problem = folder_problem(layer.folder)
            if problem is not None:
                parts.append((layer.folder, problem))
                continue
            try:
                files = persona_files(layer.folder)
            except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: pathlib's symlink loops (3.11, 3.12)
                parts.append((layer.folder, str(exc)))
                continue
            parts.append((layer.folder, tuple((path.name, stamp(path, now_ns=now)) for path in files)))
        return tuple(parts)

    def load(self) -> Catalog:
        """A new catalog from the layers as they are now on disk."""
        with self._lock, collector_paused():
            return self._load()

    def _load(self) -> Catalog:
        diagnostics: list[Diagnostic] = []
        personas: list[Persona] = []
        seen: set[tuple[Path, str]] = set()
        # What this load was made of: the layers, which folders exist, and which parse of each file.
        # The same makeup gives the same catalog, so the previous one (and its index) is handed back.
        makeup: list[object] = [tuple(self.layers)]
        for layer in self.layers:
            problem = folder_problem(layer.folder)
            makeup.append(problem)
            if problem is not None:
                diagnostics.extend(self._folder_diagnostics(layer, problem))
                continue
            self._missing.discard(layer.folder)

            def read(path: Path, layer: Layer = layer) -> LoadResult:
                seen.add((path, layer.name))
                parsed, result = self._read(path, layer.name)
                makeup.append((path, parsed.serial, result is parsed.result))
                return result

            try:
                result = load_folder(layer.folder, layer=layer.name, strict=self.strict, read=read)
            except (OSError, ValueError, RuntimeError) as exc:
                # A layer that fails as a whole is that layer's problem alone: the other layers still load.
                result = LoadResult(diagnostics=[Diagnostic(
                    path=shown_folder(layer.folder), hint="fix or remove the file named above",
                    message=f"cannot load the persona folder of layer '{layer.name}': "
                    f"{getattr(exc, 'strerror', None) or exc}",
                )])
            diagnostics.extend(result.diagnostics)
            personas.extend(result.personas)
        self._missing &= {layer.folder for layer in self.layers}  # remembers only folders still in use
        for gone in set(self._parsed) - seen:
            del self._parsed[gone]
            self._last_good.pop(gone, None)
        key = (*makeup, *diagnostics)  # the folder's own findings (a refused symlink, say) count as well
        if self._previous is not None and self._previous[0] == key:
            return self._previous[1]
        catalog = Catalog.from_personas(personas, diagnostics)
        catalog.diagnostics.extend(catalog.companion_problems())
        # Built here, once per load, rather than by the first request that needs it; the personas of files
        # that did not change are the very same objects as in the previous catalog, and keep their profiles.
        catalog.build_index(self._previous[1].index if self._previous is not None else None)
        self._previous = (key, catalog)
        return catalog

    def _folder_diagnostics(self, layer: Layer, problem: str) -> list[Diagnostic]:
        folder = shown_folder(layer.folder)
        if problem != "missing":
            self._missing.discard(layer.folder)
            hint = _file_hint(layer) if problem == A_FILE else "fix the folder's permissions or path, or remove it"
            return [Diagnostic(path=folder, message=f"cannot read the persona folder of layer '{layer.name}': "
                               f"{problem}", hint=hint)]
        if not layer.optional:
            return [Diagnostic(path=folder, message=f"persona folder of layer '{layer.name}' does not exist",
                               hint="create it, or fix the path given with --personas or PERSONA_MCP_PATH")]
        if layer.folder not in self._missing:  # said once, until the folder appears
            self._missing.add(layer.folder)
            logger.debug("no %s persona folder at %s; it is used once it appears", layer.name, folder)
        return []

    def _read(self, path: Path, layer: str) -> tuple[_Parsed, LoadResult]:
        key = (path, layer)
        current = stamp(path)
        parsed = self._parsed.get(key)
        if parsed is None or current is None or parsed.stamp != current:
            result = load_persona_file(path, layer=layer, strict=self.strict)
            if parsed is not None and result == parsed.result:
                parsed = _Parsed(current, parsed.result, parsed.serial)  # parsed again, found the same
            else:
                parsed = _Parsed(current, result, next(self._serials))
            self._parsed[key] = parsed
        result = parsed.result
        if result.personas:
            self._last_good[key] = result.personas[0]
            return parsed, result
        good = self._last_good.get(key)
        if good is None:
            return parsed, result
        kept = Diagnostic(
            path=str(path), severity="warning",
            message=f"kept the last good version of {good.name!r} because the file no longer loads",
            hint="fix the errors above; the persona updates as soon as the file is valid again",
        )
        return parsed, LoadResult(personas=[good], diagnostics=[*result.diagnostics, kept])
