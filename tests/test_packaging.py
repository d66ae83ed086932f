"""The wheel ships the built-in personas, and an installed copy serves them from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILTIN = sorted(p.name for p in (ROOT / "personas").glob("persona-*.md"))


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
    assert any(n.endswith("entry_points.txt") for n in names)


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
