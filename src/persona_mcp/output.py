"""Writing a command's output to the file that a command-line option names (`schema --output FILE`)."""

from __future__ import annotations

from pathlib import Path

from persona_mcp.errors import ConfigError
from persona_mcp.folders import shown


def write_output(path: Path, text: str, option: str) -> None:
    """Write `text` to `path`, or raise ConfigError (a usage error) naming the option, the folder and the fix."""
    try:
        path.write_text(text, encoding="utf-8")
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
