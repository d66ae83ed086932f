"""Build the Claude Desktop bundle: dist/persona-mcp-VERSION.mcpb.

Run from anywhere: python scripts/build_mcpb.py [--output FILE]

An MCP Bundle is a zip archive with `manifest.json` at its root. This one is a `uv` bundle
(manifest 0.4): it holds the package's source, the built-in personas and a `pyproject.toml`, and
Claude Desktop installs the dependencies with uv when the bundle is first started, so the bundle is
small and the same file works on macOS, Windows and Linux. Contents:

    manifest.json       mcpb/manifest.json (its version must be the package's)
    server/main.py      the entry point: persona_mcp.bundle.main()
    pyproject.toml      this repository's, without the dev group and the tool settings
    README.md, LICENSE
    src/persona_mcp/    the package, with its data files
    personas/           the built-in personas

The archive is reproducible: same sources, same bytes. Check the manifest with the official tool:
`npx @anthropic-ai/mcpb validate mcpb/manifest.json`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "mcpb" / "manifest.json"
ENTRY_POINT = '''"""Entry point of the persona-mcp Claude Desktop bundle (see persona_mcp.bundle)."""

import sys

from persona_mcp.bundle import main

sys.exit(main())
'''
# pyproject.toml tables that a user's installation needs; the rest is for development.
KEPT_TABLES = ("build-system", "project", "project.urls", "project.scripts", "tool.hatch.version",
               "tool.hatch.build.targets.wheel", "tool.hatch.build.targets.wheel.")
STAMP = (2020, 2, 2, 0, 0, 0)  # a fixed date for every entry, so that builds are reproducible


def package_version() -> str:
    text = (ROOT / "src" / "persona_mcp" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if not match:
        raise SystemExit("build_mcpb: no __version__ in src/persona_mcp/__init__.py")
    return match[1]


def bundle_pyproject(text: str) -> str:
    """The repository's pyproject.toml with only the tables that building and running the package need."""
    kept: list[str] = []
    keep = True
    for line in text.splitlines(keepends=True):
        header = re.match(r"^\[([^\[\]]+)\]\s*$", line)
        if header:
            name = header[1].strip()
            keep = any(name == table or (table.endswith(".") and name.startswith(table)) for table in KEPT_TABLES)
        if keep:
            kept.append(line)
    return "".join(kept).rstrip() + "\n"


def bundle_files() -> dict[str, bytes]:
    """Every file of the bundle, by its path inside the archive."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    version = package_version()
    if manifest["version"] != version:
        raise SystemExit(f"build_mcpb: mcpb/manifest.json has version {manifest['version']}, the package {version}")
    files = {
        "manifest.json": MANIFEST.read_bytes(),
        manifest["server"]["entry_point"]: ENTRY_POINT.encode("utf-8"),
        "pyproject.toml": bundle_pyproject((ROOT / "pyproject.toml").read_text(encoding="utf-8")).encode("utf-8"),
        "README.md": (ROOT / "README.md").read_bytes(),
        "LICENSE": (ROOT / "LICENSE").read_bytes(),
    }
    package = ROOT / "src" / "persona_mcp"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            files[f"src/persona_mcp/{path.relative_to(package).as_posix()}"] = path.read_bytes()
    for path in sorted((ROOT / "personas").glob("*.md")):
        files[f"personas/{path.name}"] = path.read_bytes()
    return files


def build(output: Path) -> Path:
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(bundle_files().items()):
            entry = zipfile.ZipInfo(name, date_time=STAMP)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the persona-mcp Claude Desktop bundle (.mcpb).")
    parser.add_argument("--output", "-o", type=Path,
                        help="the bundle to write (default: dist/persona-mcp-VERSION.mcpb in the repository)")
    args = parser.parse_args(argv)
    output = args.output or ROOT / "dist" / f"persona-mcp-{package_version()}.mcpb"
    built = build(output)
    print(f"{built} ({built.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
