"""Which files of a persona folder are read, found safely: a tree within bounds, and nothing but regular files.

A persona folder may hold a tree, such as a plugin collection (`plugins/*/agents/*.md`,
`plugins/*/skills/*/SKILL.md`) or agents sorted into category folders. `scan_folder` walks it:

- in path order (folder by folder, names compared as text), which is also the order duplicates are
  judged in;
- skipping hidden files and folders (`.git`, `.#draft.md`), `node_modules`, `vendor`, `__pycache__`,
  virtual environments and `commands` folders (Claude Code slash commands, which are not personas), but
  reading other tools' guidance folders in a hidden one (`TOOL_FOLDERS`: `.claude/agents`, `.cursor/rules`,
  ...) and the hidden folders that are one (`.clinerules`), so that a clone of a project or of a collection
  can be given as it is;
- taking only `SKILL.md` from a folder that has one (the skill's other files are its own material);
- at most `MAX_DEPTH` folders deep, `MAX_FILES` files and `MAX_ENTRIES` folder entries in all;
- never following a symlink out of the folder, never entering a folder twice, and never opening
  anything: kinds are judged with `lstat`/`stat`, so a named pipe, a device, a `/proc/self/fd` link or
  a symlink loop named as a persona file is a diagnostic for that entry alone. An entry whose kind cannot
  be told (a dangling link, a symlink loop) under any other name is no folder to read, and is skipped like
  any other file that is not a persona.

`read_bounded` then opens a file without blocking and checks again, on the open file, that it is a
regular file of bounded size.
"""

from __future__ import annotations

import errno
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from persona_mcp.formats import FOLDER_PROJECT_FILES, SKILL_FILE, TOOL_FOLDERS, is_guidance_file
from persona_mcp.model import Diagnostic

MAX_DEPTH = 8
"""How many folders below the persona folder are read (`plugins/x/skills/y/SKILL.md` is 4 deep)."""
MAX_FILES = 5000
"""The most persona files read from one folder and its tree."""
MAX_ENTRIES = 100_000
"""The most folder entries looked at in one tree, so a folder that is really a disk is read in bounded time."""
SKIPPED_FOLDERS = frozenset({"node_modules", "vendor", "__pycache__", "venv", "site-packages", "commands"})
"""Folders of a tree that are not read (hidden folders, whose name starts with a dot, are not read either)."""
SKIPPED_TOOL_FOLDERS = frozenset({".clinerules/workflows", ".clinerules/hooks"})
"""Folders in a tool's rules folder that hold no rules: Cline's workflows (slash commands, as `commands` are
Claude Code's) and hooks."""
_TOOL_SUBFOLDERS: dict[str, frozenset[str] | None] = {
    hidden: None if hidden in TOOL_FOLDERS else
    frozenset(folder.split("/")[1] for folder in TOOL_FOLDERS if folder.startswith(hidden + "/"))
    for hidden in {folder.split("/")[0] for folder in TOOL_FOLDERS}
}
"""The hidden folders that are read, each for the tools' folders in it only (`.claude` -> agents, skills, rules),
or as a whole when it is a tool's folder itself (None: `.clinerules`)."""


class NotAFile(Exception):
    """The path is a pipe, device or socket rather than a regular file."""


class TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_bounded(path: Path, limit: int) -> bytes:
    """A regular file's bytes, refusing more than `limit` bytes and never blocking on a pipe or device.

    The kind is checked before opening (a device is never opened), and again on the open file, in case
    the path changed in between; the open is non-blocking, so even a pipe put there meanwhile cannot
    hang it. A NUL byte in the path is an OSError (EINVAL) like any other unusable path.
    """
    try:
        info = os.stat(path)
    except ValueError as exc:  # an embedded NUL byte
        raise OSError(errno.EINVAL, "the path holds a NUL byte") from exc
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(info.st_mode):
        raise NotAFile
    if info.st_size > limit:
        raise TooLarge(info.st_size)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY if os.name == "posix" else os.O_RDONLY
    fd = os.open(path, flags | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile
        if info.st_size > limit:
            raise TooLarge(info.st_size)
        # Read the size fstat gave and one byte more: asking for `limit` bytes at once would allocate a
        # buffer that large for every file. A file that grew since fstat is read on, up to the limit.
        data = file.read(info.st_size + 1)
        if len(data) > info.st_size:
            data += file.read(limit + 1 - len(data))
    if len(data) > limit:
        raise TooLarge(len(data))
    return data


def name_problem(name: str) -> str | None:
    """Why a file name is refused: a control or format character could forge a line in a diagnostic or a log."""
    bad = [c for c in name if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")]
    if bad:
        return f"the file name {name!r} holds a control character ({bad[0]!r})"
    return None


def shown(path: Path | str) -> str:
    """A path as diagnostics print it: as it is when printable, escaped otherwise."""
    text = str(path)
    return text if text.isprintable() else ascii(text)


@dataclass
class Scan:
    """The persona files found in a folder's tree, and every entry refused on the way."""

    files: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def scan_folder(folder: Path) -> Scan:
    """The persona files of a folder and its tree, in path order; see the module's docstring for the rules.

    Raises OSError when the folder itself cannot be listed (missing, not a folder, unreadable). Every
    problem below it is a diagnostic in the result, and the rest of the tree is still read.
    """
    try:
        root = os.path.realpath(folder)
        top = os.stat(root)
    except ValueError as exc:
        raise OSError(errno.EINVAL, "the path holds a NUL byte") from exc
    if not stat.S_ISDIR(top.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
    walk = _Walk(root)
    walk.folder(folder, top, depth=0)
    return walk.scan


def _is_folder(entry: os.DirEntry[str]) -> bool:
    """Whether an entry is a folder or a symlink to one. A symlink that leads nowhere (a loop, which `is_dir` raises
    for, or a dangling link) is not one: that is a problem of the entry alone, never of the folder that lists it."""
    try:
        return entry.is_dir()
    except OSError:
        return False


class _Walk:
    def __init__(self, root: str) -> None:
        self.root = root
        self.scan = Scan()
        self.entries = 0
        self.folders: set[tuple[int, int]] = set()
        self.files: set[tuple[int, int]] = set()
        self.full = False

    def refuse(self, path: Path, message: str, hint: str) -> None:
        self.scan.diagnostics.append(Diagnostic(path=shown(path), message=message, hint=hint))

    def folder(self, path: Path, info: os.stat_result, depth: int, only: frozenset[str] | None = None) -> None:
        """Read a folder's entries; `only`: the names of the subfolders to read, for a hidden tool folder."""
        if (info.st_dev, info.st_ino) in self.folders:
            return  # reached again through a symlink: read once
        self.folders.add((info.st_dev, info.st_ino))
        remaining = MAX_ENTRIES - self.entries
        with os.scandir(path) as listing:  # OSError for the top folder goes to the caller
            entries = sorted(islice(listing, remaining + 1), key=lambda e: e.name)
        self.entries += len(entries)
        if len(entries) > remaining:
            self.stop(path, f"the tree holds over {MAX_ENTRIES} files and folders")
            return
        if only is not None:  # a hidden folder: its tools' folders, and the project files to note (see formats)
            files = FOLDER_PROJECT_FILES.get(path.name, frozenset())
            entries = [e for e in entries if (e.name in only and _is_folder(e)) or e.name in files]
        if any(e.name == SKILL_FILE for e in entries):  # a skill: SKILL.md is the persona, the rest its material
            entries = [e for e in entries if e.name == SKILL_FILE]
        for entry in entries:
            if self.full:
                return
            self.entry(Path(path, entry.name), entry, depth)

    def entry(self, path: Path, entry: os.DirEntry[str], depth: int) -> None:
        name = entry.name
        guidance = is_guidance_file(name)
        if (name.startswith(".") and name not in _TOOL_SUBFOLDERS) or not (guidance or _is_folder(entry)):
            return  # hidden, or neither a persona file nor a folder
        problem = name_problem(name)
        if problem:
            self.refuse(path, problem, "rename it with printable characters only")
            return
        link = False
        try:
            link = entry.is_symlink()
            if link:
                target = os.path.realpath(path)  # a loop resolves to itself here, and fails in stat below
                if os.path.commonpath([self.root, target]) != self.root:
                    self.refuse(path, f"the symlink points outside the persona folder, to {shown(target)}",
                                "copy the file into the folder, or add the folder it lives in as a layer")
                    return
                info = os.stat(target)
            else:
                info = entry.stat(follow_symlinks=False)
        except (OSError, ValueError) as exc:  # ValueError: paths on two Windows drives have no common path
            reason = getattr(exc, "strerror", None) or exc
            if link:  # it leads nowhere: a loop, or a target that is gone
                self.refuse(path, f"the symlink cannot be followed: {reason}",
                            "remove the link, or point it at a persona file inside the folder")
            else:
                self.refuse(path, f"cannot read it: {reason}", "check that it exists and is readable")
            return
        if stat.S_ISDIR(info.st_mode):
            self.subfolder(path, info, depth + 1, _TOOL_SUBFOLDERS.get(name))
        elif not guidance or name.startswith("."):
            return
        elif not stat.S_ISREG(info.st_mode):
            self.refuse(path, "not a regular file (a pipe, device or socket)", "make the persona a plain .md file")
        elif (info.st_dev, info.st_ino) not in self.files:  # a file reached twice (a symlink to it) is read once
            self.files.add((info.st_dev, info.st_ino))
            if len(self.scan.files) >= MAX_FILES:
                self.stop(path, f"the tree holds over {MAX_FILES} persona files")
                return
            self.scan.files.append(path)

    def subfolder(self, path: Path, info: os.stat_result, depth: int, only: frozenset[str] | None = None) -> None:
        if path.name in SKIPPED_FOLDERS or f"{path.parent.name}/{path.name}" in SKIPPED_TOOL_FOLDERS:
            return
        if depth > MAX_DEPTH:
            self.refuse(path, f"not read: the folder is over {MAX_DEPTH} folders deep",
                        "give the deeper folder as a layer of its own (--personas DIR)")
            return
        try:
            self.folder(path, info, depth, only)
        except OSError as exc:
            self.refuse(path, f"cannot read the folder: {exc.strerror or exc}", "check that it is readable")

    def stop(self, path: Path, why: str) -> None:
        if not self.full:
            self.full = True
            self.refuse(path, f"stopped reading: {why}; the rest was not read",
                        "give the folders that hold personas as layers of their own (--personas DIR)")


SHOWN_PATH_CHARS = 300  # a path longer than this is cut in diagnostics and logs


def shown_folder(path: Path) -> str:
    """A folder as diagnostics and logs show it: escaped like a file (`folders.shown`), and cut when very long."""
    text = shown(path)
    return text if len(text) <= SHOWN_PATH_CHARS else f"{text[:SHOWN_PATH_CHARS]}... ({len(text)} characters)"


def folder_problem(folder: Path) -> str | None:
    """Why a layer folder cannot be read ("missing" when it is not there at all), or None when it is a folder.

    Only `stat` is used: nothing is opened, so a pipe or a device named like a folder cannot block.
    """
    try:
        info = os.stat(folder)
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as exc:
        return exc.strerror or str(exc)
    except ValueError:  # a NUL character, which a host's root URI can carry as %00
        return "the path holds a NUL character"
    if stat.S_ISREG(info.st_mode):
        return A_FILE
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a folder"
    return None


A_FILE = "it is a file, not a folder"
"""What `folder_problem` says of a layer given as a file (a persona file itself, say): a layer is a folder."""
