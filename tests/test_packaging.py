"""The wheel ships the built-in personas, and an installed copy serves them from any directory."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import persona_mcp

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = sorted(p.name for p in (ROOT / "personas").glob("persona-*.md"))
PACKAGE = ROOT / "src" / "persona_mcp"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out),
         str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (built,) = out.glob("persona_mcp-*.whl")
    return built


def test_wheel_contains_every_builtin_persona_and_the_type_marker(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(Path(n).name for n in names if n.startswith("persona_mcp/personas/"))
    assert len(BUILTIN) == 11
    assert shipped == BUILTIN
    assert "persona_mcp/py.typed" in names
    assert "persona_mcp/lexicon.yaml" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_wheel_contains_every_file_of_the_package(wheel: Path) -> None:
    # Package data (lexicon.yaml and the like) ships with the code, whatever its suffix.
    names = set(zipfile.ZipFile(wheel).namelist())
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    missing = [f"persona_mcp/{p.relative_to(PACKAGE).as_posix()}" for p in files]
    assert [name for name in missing if name not in names] == []


def test_wheel_metadata_is_complete_for_pypi(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (meta_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        meta = email.message_from_bytes(archive.read(meta_name))
        license_names = [n for n in archive.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
        assert license_names, "the LICENSE file ships in the wheel"
    assert meta["Version"] == persona_mcp.__version__
    assert meta["License-Expression"] == "MIT"
    urls = dict(value.split(", ", 1) for value in meta.get_all("Project-URL"))
    assert {"Homepage", "Repository", "Issues", "Documentation"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())
    assert meta["Description-Content-Type"] == "text/markdown"
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and any(c.startswith("Development Status") for c in classifiers)
    assert len(meta.get_all("Keywords", [])) == 1 and "mcp" in meta["Keywords"].split(",")


def test_license_file_matches_the_declared_licence() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_the_version_is_written_in_one_place() -> None:
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/persona_mcp/__init__.py"
    assert f'__version__ = "{persona_mcp.__version__}"' in (PACKAGE / "__init__.py").read_text(encoding="utf-8")


def test_ci_builds_checks_and_installs_the_release() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python -m build" in ci
    assert "twine check --strict" in ci
    assert "scripts/check_wheel.py" in ci
    dev = " ".join(PYPROJECT["dependency-groups"]["dev"])
    assert "build>=" in dev and "twine>=" in dev


def test_unpacked_wheel_serves_its_own_personas_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("PERSONA_MCP_PATH", None)
    listed = subprocess.run([sys.executable, "-m", "persona_mcp", "list", "--json"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    personas = json.loads(listed.stdout)
    assert len(personas) == 11
    assert all(Path(p["path"]).is_relative_to(site) for p in personas), "personas must come from the wheel"


def test_starting_the_server_leaves_the_yaml_glob_and_selection_code_unimported() -> None:
    """Start-up imports only what `initialize` and `tools/list` need; the rest comes with the first catalog."""
    probe = (
        "import sys\n"
        "from persona_mcp.catalog import Catalog, Layer, builtin_dir\n"
        "from persona_mcp.cli import main\n"
        "from persona_mcp.live import serve_stdio\n"
        "from persona_mcp.server import build_server\n"
        "server = build_server(lambda: Catalog.load([Layer('builtin', builtin_dir())]))\n"
        "late = ('yaml', 'pathspec', 'persona_mcp.selection', 'persona_mcp.text')\n"
        "print(sorted(name for name in late if name in sys.modules))\n"
        "server.catalog.index\n"
        "print(sorted(name for name in late if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    before, after = done.stdout.splitlines()
    assert before == "[]"
    assert "'yaml'" in after and "'persona_mcp.selection'" in after  # the first catalog brings them in
