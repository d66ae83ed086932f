"""The layered catalog: later layers override earlier ones, lookups by any form of a name."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from persona_mcp.catalog import Catalog, CatalogSource, Layer, builtin_dir, default_layers, user_dir
from persona_mcp.errors import PersonaError, PersonaNotFound
from persona_mcp.loader import load_persona_file
from persona_mcp.model import Diagnostic

BUILTIN_SHORT_NAMES = [
    "analyzer", "architect", "backend", "devops", "frontend", "mentor",
    "performance", "qa", "refactorer", "scribe", "security",
]


def persona_text(name: str, *, description: str = "", extra: str = "", body: str = "Guidance.\n") -> str:
    description = description or f"Does {name} things."
    return f"---\nname: {name}\ndescription: {description}\n{extra}---\n\n# {name}\n\n{body}"


def folder_with(root: Path, folder: str, *files: tuple[str, str]) -> Path:
    path = root / folder
    path.mkdir(parents=True, exist_ok=True)
    for filename, text in files:
        (path / filename).write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def two_layers(tmp_path) -> tuple[Path, Path]:
    base = folder_with(
        tmp_path, "base",
        ("persona-backend.md", persona_text("persona-backend", body="Base backend.\n")),
        ("persona-qa.md", persona_text("persona-qa", body="Base qa.\n")),
    )
    custom = folder_with(
        tmp_path, "custom",
        ("backend.md", persona_text("persona-backend", body="Custom backend.\n")),
        ("persona-extra.md", persona_text("persona-extra")),
    )
    return base, custom


# ---------------------------------------------------------------- layers


def test_later_layer_overrides_earlier_by_name(two_layers):
    base, custom = two_layers
    catalog = Catalog.load([Layer("builtin", base), Layer("custom", custom)])
    assert catalog.diagnostics == []
    assert catalog.names == ["persona-backend", "persona-extra", "persona-qa"]
    backend = catalog.get("backend")
    assert backend.layer == "custom"
    assert backend.path == custom / "backend.md"
    assert "Custom backend." in backend.body
    assert catalog.get("qa").layer == "builtin"


def test_override_entry_names_the_replaced_file(two_layers):
    base, custom = two_layers
    catalog = Catalog.load([Layer("builtin", base), Layer("custom", custom)])
    assert catalog.entry("backend").overrides == str(base / "persona-backend.md")
    assert catalog.entry("qa").overrides is None
    assert catalog.entry("extra").overrides is None


def test_layer_order_decides_which_persona_wins(two_layers):
    base, custom = two_layers
    catalog = Catalog.load([Layer("custom", custom), Layer("builtin", base)])
    assert catalog.get("backend").layer == "builtin"
    assert catalog.entry("backend").overrides == str(custom / "backend.md")


def test_short_name_persona_overrides_full_name_persona(tmp_path):
    base = folder_with(tmp_path, "base", ("a.md", persona_text("persona-x")))
    custom = folder_with(tmp_path, "custom", ("b.md", persona_text("x")))
    catalog = Catalog.load([Layer("builtin", base), Layer("custom", custom)])
    assert catalog.names == ["x"]
    assert catalog.entry("persona-x").overrides == str(base / "a.md")


def test_catalog_personas_are_in_name_order(tmp_path):
    folder = folder_with(
        tmp_path, "p",
        *[(f"{n}.md", persona_text(n)) for n in ["persona-zeta", "persona-alpha", "persona-mid"]],
    )
    catalog = Catalog.load([Layer("custom", folder)])
    assert catalog.names == ["persona-alpha", "persona-mid", "persona-zeta"]
    assert len(catalog) == 3


def test_missing_layer_folder_is_a_diagnostic_not_a_crash(two_layers, tmp_path):
    base, _ = two_layers
    missing = tmp_path / "does-not-exist"
    catalog = Catalog.load([Layer("builtin", base), Layer("env", missing)])
    assert catalog.names == ["persona-backend", "persona-qa"]
    [diagnostic] = catalog.diagnostics
    assert diagnostic.severity == "error"
    assert diagnostic.path == str(missing)
    assert "'env'" in diagnostic.message
    assert "PERSONA_MCP_PATH" in diagnostic.hint


def test_broken_file_in_a_layer_is_reported_and_the_rest_loads(two_layers):
    base, custom = two_layers
    (custom / "broken.md").write_text("no frontmatter\n", encoding="utf-8")
    catalog = Catalog.load([Layer("builtin", base), Layer("custom", custom)])
    assert catalog.names == ["persona-backend", "persona-extra", "persona-qa"]
    assert [d.path for d in catalog.diagnostics] == [str(custom / "broken.md")]


def test_strict_load_drops_personas_with_warnings(tmp_path):
    folder = folder_with(
        tmp_path, "p",
        ("a.md", persona_text("persona-a", extra="trigger_keywords: [x]\n")),
        ("b.md", persona_text("persona-b")),
    )
    assert Catalog.load([Layer("custom", folder)]).names == ["persona-a", "persona-b"]
    strict = Catalog.load([Layer("custom", folder)], strict=True)
    assert strict.names == ["persona-b"]
    assert [d.severity for d in strict.diagnostics] == ["error"]


# ---------------------------------------------------------------- lookups


@pytest.mark.parametrize("name", ["persona-backend", "backend", "BACKEND", "Persona-Backend", "  backend "])
def test_get_accepts_full_and_short_names_in_any_case(two_layers, name):
    base, _ = two_layers
    catalog = Catalog.load([Layer("builtin", base)])
    assert catalog.get(name).name == "persona-backend"
    assert name in catalog


def test_unknown_name_raises_persona_not_found_listing_known_names(two_layers):
    base, _ = two_layers
    catalog = Catalog.load([Layer("builtin", base)])
    with pytest.raises(PersonaNotFound) as caught:
        catalog.get("frontend")
    assert caught.value.name == "frontend"
    assert caught.value.known == ["persona-backend", "persona-qa"]
    assert "persona-backend, persona-qa" in str(caught.value)
    assert isinstance(caught.value, PersonaError)
    assert isinstance(caught.value, LookupError)
    assert "frontend" not in catalog


def test_unknown_name_in_an_empty_catalog_says_it_is_empty():
    with pytest.raises(PersonaNotFound, match="the catalog is empty"):
        Catalog().get("backend")


def test_entry_of_unknown_name_raises_persona_not_found(two_layers):
    base, _ = two_layers
    with pytest.raises(PersonaNotFound):
        Catalog.load([Layer("builtin", base)]).entry("nope")


@pytest.mark.parametrize("value", [None, 3, ["backend"]])
def test_contains_is_false_for_non_strings(two_layers, value):
    base, _ = two_layers
    assert value not in Catalog.load([Layer("builtin", base)])


# ---------------------------------------------------------------- companions


def test_unknown_companion_is_a_warning(tmp_path):
    folder = folder_with(
        tmp_path, "p",
        ("a.md", persona_text("persona-a", extra="companions: [persona-b, nope]\n")),
        ("b.md", persona_text("persona-b", extra="companions: [a]\n")),
    )
    catalog = Catalog.load([Layer("custom", folder)])
    assert catalog.names == ["persona-a", "persona-b"]
    [diagnostic] = catalog.diagnostics
    assert diagnostic.severity == "warning"
    assert diagnostic.path == str(folder / "a.md")
    assert diagnostic.field == "companions"
    assert "'nope'" in diagnostic.message
    assert "persona-a, persona-b" in diagnostic.hint


def test_companion_provided_by_a_later_layer_is_not_reported(tmp_path):
    base = folder_with(tmp_path, "base", ("a.md", persona_text("persona-a", extra="companions: [persona-b]\n")))
    custom = folder_with(tmp_path, "custom", ("b.md", persona_text("persona-b")))
    assert Catalog.load([Layer("builtin", base), Layer("custom", custom)]).diagnostics == []


# ---------------------------------------------------------------- default layers


def test_default_layers_start_with_builtin_then_the_user_folder(empty_user_config):
    assert default_layers(env="") == [
        Layer("builtin", builtin_dir()),
        Layer("user", empty_user_config / "persona-mcp" / "personas", optional=True),
    ]


def test_default_layers_without_builtin_or_user_are_empty():
    assert default_layers(builtin=False, user=False, env="") == []


def test_default_layers_order_builtin_user_env_then_custom(tmp_path):
    env = os.pathsep.join([str(tmp_path / "e1"), "", str(tmp_path / "e2")])
    layers = default_layers([tmp_path / "c1", str(tmp_path / "c2")], env=env)
    assert layers == [
        Layer("builtin", builtin_dir()),
        Layer("user", user_dir(), optional=True),
        Layer("env", tmp_path / "e1"),
        Layer("env", tmp_path / "e2"),
        Layer("custom", tmp_path / "c1"),
        Layer("custom", tmp_path / "c2"),
    ]


def test_default_layers_expand_home():
    [layer] = default_layers(builtin=False, user=False, env="~/personas")
    assert layer == Layer("env", Path.home() / "personas")


def test_default_layers_load_into_one_catalog(tmp_path):
    env_folder = folder_with(tmp_path, "env", ("backend.md", persona_text("persona-backend", body="Env.\n")))
    custom_folder = folder_with(tmp_path, "custom", ("backend.md", persona_text("backend", body="Custom.\n")))
    catalog = Catalog.load(default_layers([custom_folder], env=str(env_folder)))
    backend = catalog.entry("backend")
    assert backend.persona.layer == "custom"
    assert backend.overrides == str(env_folder / "backend.md")
    assert catalog.get("qa").layer == "builtin"


# ---------------------------------------------------------------- built-in personas


def test_builtin_dir_holds_the_eleven_personas():
    files = sorted(p.name for p in builtin_dir().glob("*.md"))
    assert files == [f"persona-{name}.md" for name in BUILTIN_SHORT_NAMES]


def test_builtin_personas_load_without_errors():
    catalog = Catalog.load(default_layers(env=""))
    assert [d for d in catalog.diagnostics if d.severity == "error"] == []
    assert sorted(p.short_name for p in catalog.personas) == BUILTIN_SHORT_NAMES
    assert all(p.layer == "builtin" for p in catalog.personas)


def test_builtin_personas_load_strictly_one_by_one():
    for path in sorted(builtin_dir().glob("*.md")):
        result = load_persona_file(path, strict=True)
        assert [str(d) for d in result.diagnostics] == []
        assert result.personas[0].name == path.stem


# ---------------------------------------------------------------- the index


def test_index_is_built_once_per_catalog(two_layers):
    base, _ = two_layers
    catalog = Catalog.load([Layer("builtin", base)])
    assert catalog.index is catalog.index
    assert [p.name for p in catalog.index.personas] == ["persona-backend", "persona-qa"]
    assert catalog.index.persona("qa").name == "persona-qa"


def test_from_personas_replaces_by_short_name_and_records_override(two_layers, tmp_path):
    base, _ = two_layers
    first = load_persona_file(base / "persona-backend.md").personas[0]
    folder = folder_with(tmp_path, "more", ("b.md", persona_text("backend", body="New.\n")))
    second = load_persona_file(folder / "b.md", layer="custom").personas[0]
    catalog = Catalog.from_personas([first, second])
    assert catalog.entry("persona-backend").overrides == str(base / "persona-backend.md")
    assert [p.name for p in catalog.index.personas] == ["backend"]


def test_a_catalog_cannot_be_changed_in_place(two_layers):
    base, _ = two_layers
    catalog = Catalog.load([Layer("builtin", base)])
    with pytest.raises(AttributeError):
        catalog.entries = {}  # type: ignore[misc]


def test_from_personas_builds_a_catalog_with_diagnostics(two_layers):
    base, _ = two_layers
    personas = [load_persona_file(base / "persona-qa.md").personas[0]]
    problems = [Diagnostic(path="elsewhere.md", message="broken")]
    catalog = Catalog.from_personas(personas, problems)
    assert catalog.names == ["persona-qa"]
    assert catalog.get("qa") is personas[0]
    assert catalog.diagnostics == problems


# ---------------------------------------------------------------- user and project layers


def test_user_dir_honours_xdg_config_home(monkeypatch, tmp_path):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert user_dir() == tmp_path / "cfg" / "persona-mcp" / "personas"


@pytest.mark.parametrize("value", ["", "relative/cfg"])
def test_user_dir_falls_back_to_dot_config_without_an_absolute_xdg_config_home(monkeypatch, value):
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", value)
    assert user_dir() == Path.home() / ".config" / "persona-mcp" / "personas"


def test_user_dir_on_macos_and_windows(monkeypatch, tmp_path):
    monkeypatch.setattr("sys.platform", "darwin")
    assert user_dir() == Path.home() / "Library" / "Application Support" / "persona-mcp" / "personas"
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert user_dir() == tmp_path / "Roaming" / "persona-mcp" / "personas"


def test_missing_user_folder_is_not_a_problem():
    catalog = Catalog.load(default_layers(env=""))
    assert catalog.diagnostics == []
    assert len(catalog) == 11


def test_user_folder_overrides_builtin_and_is_overridden_by_custom(empty_user_config, tmp_path):
    folder_with(empty_user_config, "persona-mcp/personas",
                ("qa.md", persona_text("persona-qa", body="User qa.\n")),
                ("mine.md", persona_text("persona-mine")))
    custom = folder_with(tmp_path, "custom", ("mine.md", persona_text("mine", body="Custom mine.\n")))
    catalog = Catalog.load(default_layers([custom], env=""))
    assert catalog.get("qa").layer == "user"
    assert catalog.entry("qa").overrides == str(builtin_dir() / "persona-qa.md")
    assert catalog.get("mine").layer == "custom"
    assert catalog.entry("mine").overrides == str(empty_user_config / "persona-mcp" / "personas" / "mine.md")


def test_project_layers_come_last_and_override_by_name(tmp_path):
    base = folder_with(tmp_path, "base", ("qa.md", persona_text("persona-qa", body="Base.\n")))
    folder_with(tmp_path, "ws1/.personas", ("qa.md", persona_text("persona-qa", body="Workspace one.\n")))
    folder_with(tmp_path, "ws2/.personas", ("x.md", persona_text("persona-x")))
    source = CatalogSource([Layer("builtin", base)])
    assert source.set_roots([tmp_path / "ws1", tmp_path / "ws2", tmp_path / "ws1", tmp_path / "no-personas-here"])
    assert [layer.folder for layer in source.layers[1:]] == [
        tmp_path / "ws1" / ".personas", tmp_path / "ws2" / ".personas", tmp_path / "no-personas-here" / ".personas",
    ]
    catalog = source.load()
    assert catalog.diagnostics == []  # a root without .personas/ is fine
    assert catalog.get("qa").layer == "project"
    assert "Workspace one." in catalog.get("qa").body
    assert catalog.entry("qa").overrides == str(base / "qa.md")
    assert catalog.get("x").layer == "project"
    assert not source.set_roots([tmp_path / "ws1", tmp_path / "ws2", tmp_path / "no-personas-here"])
    assert source.set_roots([])
    assert source.load().names == ["persona-qa"]


# ---------------------------------------------------------------- reloading


def test_reload_reparses_only_changed_files(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")), ("b.md", persona_text("persona-b")))
    source = CatalogSource([Layer("custom", folder)])
    first = source.load()
    (folder / "b.md").write_text(persona_text("persona-b", body="Edited, and longer than before.\n"), "utf-8")
    second = source.load()
    assert second is not first
    assert second.get("a") is first.get("a")  # unchanged file: the same parsed persona
    assert second.get("b") is not first.get("b")
    assert "Edited" in second.get("b").body
    assert second.index is not first.index


def test_reload_derives_again_only_the_personas_whose_files_changed(tmp_path):
    from persona_mcp.selection import SelectionIndex, select

    texts = {name: persona_text(f"persona-{name}", extra=f"trigger-keywords: [{name}-work, shared]\n")
             for name in ("a", "b", "c")}
    folder = folder_with(tmp_path, "p", *((f"{name}.md", text) for name, text in texts.items()))
    source = CatalogSource([Layer("custom", folder)])
    first = source.load()
    (folder / "b.md").write_text(texts["b"].replace("b-work", "b-chores"), "utf-8")
    second = source.load()
    assert second.index.profile("a") is first.index.profile("a")
    assert second.index.profile("c") is first.index.profile("c")
    assert second.index.profile("b") is not first.index.profile("b")
    # The reused profiles give the answers a fresh index gives.
    fresh = SelectionIndex(second.personas, second.index.lexicon)
    for task in ("b-chores and shared", "b-work", "a-work", "c-work, shared"):
        assert select(second.index, task, []) == select(fresh, task, [])


def test_reload_with_another_lexicon_derives_every_persona_again(tmp_path, monkeypatch):
    from persona_mcp.lexicon import ENV_LEXICON

    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a", description="Widget smithing.")))
    source = CatalogSource([Layer("custom", folder)])
    first = source.load()
    extension = tmp_path / "lexicon.yaml"
    extension.write_text("version: 1\nentries:\n  - {name: widgets, kind: domain, terms: [widget smithing]}\n", "utf-8")
    monkeypatch.setenv(ENV_LEXICON, str(extension))
    (folder / "b.md").write_text(persona_text("persona-b"), "utf-8")  # a change, so the catalog is built again
    second = source.load()
    assert second.get("a") is first.get("a")
    assert second.index.profile("a") is not first.index.profile("a")
    assert "widgets" in second.index.profile("a").entries and "widgets" not in first.index.profile("a").entries


def test_reload_sees_created_renamed_and_deleted_files(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")))
    source = CatalogSource([Layer("custom", folder)])
    assert source.load().names == ["persona-a"]
    (folder / "b.md").write_text(persona_text("persona-b"), "utf-8")
    assert source.load().names == ["persona-a", "persona-b"]
    (folder / "b.md").rename(folder / "c.md")
    catalog = source.load()
    assert catalog.names == ["persona-a", "persona-b"]
    assert catalog.get("b").path == folder / "c.md"
    (folder / "a.md").unlink()
    assert source.load().names == ["persona-b"]


def test_bad_edit_keeps_the_last_good_version_and_reports_it(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a", body="Good.\n")))
    source = CatalogSource([Layer("custom", folder)])
    good = source.load().get("a")
    (folder / "a.md").write_text("---\nname: persona-a\ndescription: [unclosed\n---\nBroken.\n", "utf-8")
    catalog = source.load()
    assert catalog.get("a") is good
    error, kept = catalog.diagnostics
    assert error.severity == "error" and "invalid YAML" in error.message and error.path == str(folder / "a.md")
    assert kept.severity == "warning" and "last good version of 'persona-a'" in kept.message
    assert any("last good version" in line for line in catalog.listing().problems)
    (folder / "a.md").write_text(persona_text("persona-a", body="Fixed.\n"), "utf-8")
    fixed = source.load()
    assert "Fixed." in fixed.get("a").body
    assert fixed.diagnostics == []


def test_a_broken_file_that_never_loaded_is_only_reported(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", "no frontmatter\n"))
    catalog = CatalogSource([Layer("custom", folder)]).load()
    assert len(catalog) == 0
    assert [d.severity for d in catalog.diagnostics] == ["error"]


def test_deleting_a_broken_file_drops_its_last_good_version(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")))
    source = CatalogSource([Layer("custom", folder)])
    source.load()
    (folder / "a.md").write_text("broken\n", "utf-8")
    assert source.load().names == ["persona-a"]
    (folder / "a.md").unlink()
    catalog = source.load()
    assert len(catalog) == 0
    assert catalog.diagnostics == []


def test_fingerprint_changes_with_files_and_folders(tmp_path):
    folder = tmp_path / "p"
    source = CatalogSource([Layer("custom", folder, optional=True)])
    empty = source.fingerprint()
    folder.mkdir()
    created = source.fingerprint()
    assert created != empty
    (folder / "a.md").write_text(persona_text("persona-a"), "utf-8")
    written = source.fingerprint()
    assert written != created
    assert source.fingerprint() == written
    (folder / "a.md").write_text(persona_text("persona-a", body="Other.\n"), "utf-8")
    assert source.fingerprint() != written
    (folder / "README.md").write_text("not a persona", "utf-8")
    assert source.fingerprint() == source.fingerprint()


def test_catalog_content_compares_what_hosts_see(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")))
    source = CatalogSource([Layer("custom", folder)])
    first = source.load()
    assert source.load().content == first.content
    (folder / "a.md").write_text(persona_text("persona-a", body="Other.\n"), "utf-8")
    assert source.load().content != first.content


def test_reload_without_changes_hands_back_the_same_catalog(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")), ("b.md", "broken\n"))
    source = CatalogSource([Layer("custom", folder), Layer("user", tmp_path / "none", optional=True)])
    first = source.load()
    assert source.load() is first
    (tmp_path / "none").mkdir()
    second = source.load()
    assert second is not first  # a folder appeared: the makeup changed, even with no persona in it
    assert second.names == first.names
    assert source.load() is second


def test_a_changed_folder_level_problem_is_a_new_catalog(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")))
    outside = folder_with(tmp_path, "outside", ("x.md", persona_text("persona-x")), ("y.md", persona_text("persona-y")))
    (folder / "link.md").symlink_to(outside / "x.md")
    source = CatalogSource([Layer("custom", folder)])
    first = source.load()
    assert [d.path for d in first.diagnostics] == [str(folder / "link.md")]
    (folder / "link.md").unlink()
    (folder / "link.md").symlink_to(outside / "y.md")
    second = source.load()
    assert second is not first
    assert "y.md" in second.diagnostics[0].message


@pytest.mark.parametrize("enabled", [True, False])
def test_a_load_leaves_the_garbage_collector_as_it_found_it(tmp_path, enabled):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")), ("b.md", "broken\n"))
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        CatalogSource([Layer("custom", folder)]).load()
        assert gc.isenabled() == enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_load_files_what_it_made_with_the_oldest_generation(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")))
    was = gc.isenabled()
    try:
        gc.enable()
        catalog = CatalogSource([Layer("custom", folder)]).load()
        young = {id(o) for o in gc.get_objects(generation=0) + gc.get_objects(generation=1)}
        assert id(catalog) not in young and id(catalog.index) not in young
        assert id(catalog.personas[0]) not in young
    finally:
        gc.enable() if was else gc.disable()


def test_objects_a_program_froze_stay_frozen_through_a_load(tmp_path):
    folder = folder_with(tmp_path, "p", ("a.md", persona_text("persona-a")))
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        CatalogSource([Layer("custom", folder)]).load()
        assert gc.get_freeze_count() >= frozen > 0
    finally:
        gc.unfreeze()


def test_a_layer_given_as_a_file_names_the_folder_that_holds_it(tmp_path):
    # `--personas some/file.md`: a layer is a folder, and the fix is the folder the file is in.
    folder = folder_with(tmp_path, "some", ("file.md", persona_text("persona-file")))
    given = folder / "file.md"
    catalog = Catalog.load([Layer("custom", given), Layer("env", given)])
    assert catalog.names == []
    assert [str(d) for d in catalog.diagnostics] == [
        f"{given}: error: cannot read the persona folder of layer 'custom': it is a file, not a folder "
        f"(fix: give the folder that holds it instead: --personas {folder})",
        f"{given}: error: cannot read the persona folder of layer 'env': it is a file, not a folder "
        f"(fix: give the folder that holds it instead, {folder}, in PERSONA_MCP_PATH)",
    ]


def test_a_user_folder_that_is_a_file_says_to_move_the_file_away(empty_user_config):
    user = empty_user_config / "persona-mcp" / "personas"
    user.parent.mkdir(parents=True)
    user.write_text("not a folder\n", encoding="utf-8")
    [diagnostic] = Catalog.load(default_layers(builtin=False, env="")).diagnostics
    assert diagnostic.message == "cannot read the persona folder of layer 'user': it is a file, not a folder"
    assert diagnostic.hint == "move the file away, and put persona files in a folder of that name"


def test_a_layer_that_is_neither_a_file_nor_a_folder_keeps_the_general_fix(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are a POSIX thing")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    [diagnostic] = Catalog.load([Layer("custom", pipe)]).diagnostics
    assert diagnostic.message == "cannot read the persona folder of layer 'custom': it is not a folder"
    assert diagnostic.hint == "fix the folder's permissions or path, or remove it"
