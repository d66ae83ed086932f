"""Writing a command's output to the files that a command-line option names (`schema --output FILE`, `convert
--output DIR`), never over a file that holds something else unless asked to."""

from __future__ import annotations

import contextlib
from pathlib import Path

from persona_mcp.errors import ConfigError
from persona_mcp.folders import NotAFile, TooLarge, read_bounded, shown


def write_output(path: Path, text: str, option: str, *, newline: str | None = None, replace: bool = False) -> None:
    """Write `text` to `path`, or raise ConfigError (a usage error) naming the option, the folder and the fix.

    `newline=""` writes the text's line endings as they are (see `open`). `replace` removes what is at `path`
    first, so that a symlink or a hard link there is replaced rather than written through, and a named pipe there
    cannot block the write; a folder stays, and is reported as below."""
    try:
        if replace:
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
                path.unlink()
        path.write_text(text, encoding="utf-8", newline=newline)
    except FileNotFoundError:
        raise ConfigError(f"cannot write {option} {shown(path)}: the folder {shown(path.parent)} does not exist; "
                          f"create it first, or give {option} a file in a folder that exists") from None
    except NotADirectoryError:
        raise ConfigError(f"cannot write {option} {shown(path)}: a part of {shown(path.parent)} is a file, not a "
                          f"folder; give {option} a file in a folder that exists") from None
    except IsADirectoryError:
        raise ConfigError(f"cannot write {option} {shown(path)}: it is a folder; give {option} a file name, "
                          f"such as {shown(path / 'persona.schema.json')}") from None
    except OSError as exc:
        raise ConfigError(f"cannot write {option} {shown(path)}: {exc.strerror or exc}; give {option} another "
                          "file") from None


def make_folder(path: Path, option: str, what: str) -> None:
    """Create the folder an option names, with its parents, or raise ConfigError saying why it cannot be one."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file, or anything else that is not a folder, has that name
        raise ConfigError(f"{option} {shown(path)} is not a folder: give the folder to write {what} to") from None
    except OSError as exc:
        raise ConfigError(f"cannot create the {option} folder {shown(path)}: {exc.strerror or exc}") from None


def check_overwrites(texts: dict[Path, str], option: str) -> None:
    """Raise ConfigError, before anything is written, when a file to write is already there and holds other bytes
    than it would be given: a command that writes several files then writes none of them. A file that already
    holds those very bytes is no loss."""
    taken = [path for path, text in texts.items() if not _holds(path, text.encode("utf-8"))]
    if taken:
        more = f" (and {len(taken) - 1} more)" if len(taken) > 1 else ""
        raise ConfigError(f"not writing over {shown(taken[0])}{more}: it exists and differs from what would be "
                          f"written, so nothing was written; give --force to overwrite, or choose another {option}")


def _holds(path: Path, data: bytes) -> bool:
    """Whether nothing is at `path`, or a regular file with exactly `data`. Nothing else is read: a pipe, a device
    or a folder named so holds something else, and a link that leads nowhere would be written through."""
    if not path.is_symlink() and not path.exists():
        return True
    try:
        return read_bounded(path, len(data)) == data
    except (OSError, NotAFile, TooLarge):
        return False


def missing_path(paths: list[Path]) -> str | None:
    """Why the first of `paths` that cannot be read as given is unusable, or None when all exist: not there at all, or
    a symlink that leads nowhere (a loop, or a target that is gone)."""
    for path in paths:
        if not path.exists():
            if path.is_symlink():
                return f"{path} is a symlink that cannot be followed (a loop, or its target is gone): fix or remove it"
            return f"no such file or folder: {path}"
    return None
