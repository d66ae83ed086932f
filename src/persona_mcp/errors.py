"""The exception tree of persona-mcp.

    PersonaError                 base class: catch it to handle anything this package raises on purpose
    ├── PersonaNotFound          a lookup by name matched no persona (carries the known names)
    ├── InvalidArgument          a request argument is outside its bounds (carries the field name)
    └── ConfigError              a setting (command-line flag, environment variable, token file) is unusable

Problems inside persona files are not exceptions: the loader turns each one into a
`Diagnostic` (see `model.py`) so that one broken file never hides the others.
"""

from __future__ import annotations

from collections.abc import Sequence


class PersonaError(Exception):
    """Base class of every error persona-mcp raises on purpose."""


class PersonaNotFound(PersonaError, LookupError):
    """No persona answers to `name`. Catch it where a user typed a name, to show `known`."""

    def __init__(self, name: str, known: Sequence[str]) -> None:
        from persona_mcp.names import NAMES_LISTED, closest_names

        self.name = name
        self.known = list(known)
        if not self.known:
            told = "known personas: none (the catalog is empty)"
        elif len(self.known) <= NAMES_LISTED:
            told = f"known personas: {', '.join(self.known)}"
        elif close := closest_names(name, self.known):
            told = f"the closest of the {len(self.known)} known personas: {', '.join(close)}"
        else:
            told = f"known personas: {', '.join(self.known[:NAMES_LISTED])} and {len(self.known) - NAMES_LISTED} more"
        super().__init__(f"unknown persona {name!r}; {told}")


class InvalidArgument(PersonaError, ValueError):
    """A request argument is out of bounds. Catch it at a request boundary and report `field`."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"invalid argument {field!r}: {message}")


class ConfigError(PersonaError, ValueError):
    """A setting cannot be used as given. Catch it where settings are read, and show the message: it says the fix."""
