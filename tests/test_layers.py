"""The layers of `dashboard/` as the tree shows them: every import points down (or within a layer),
and nothing below the Streamlit glue imports streamlit. A new module is placed by its path, so the
rule holds for code nobody has written yet."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"
FEATURES = ("funnel", "review", "compliance", "team_kpis", "planner", "scoring_lab", "data_health", "facts",
            "alerts", "sla_versions", "mapping", "access")

CORE, DATA, LOGIC, COMMAND, GLUE, PAGE, TOOL, ENTRY = range(8)
LAYER_NAMES = ("core", "data layer", "feature logic", "command / shared UI state", "feature Streamlit glue",
               "page / app shell", "tool", "command-line entry point")
# Modules of a feature that talk to Streamlit; everything else in a feature package is its logic.
GLUE_MODULES = {"cache", "rule_editor"}


def layer(module: str) -> int:
    parts = module.split(".")[1:]  # without "dashboard"
    if parts[0] in ("__main__", "cli"):
        return ENTRY  # the router registers every command, the tools' too
    if parts[0] in ("__init__", "cli_options"):
        return COMMAND
    head = parts[0]
    if head == "core":
        return CORE
    if head == "data":
        return DATA
    if head in FEATURES:
        leaf = parts[1] if len(parts) > 1 else "__init__"
        if leaf == "cli":
            return COMMAND
        return GLUE if leaf in GLUE_MODULES else LOGIC
    if head == "ui":
        return COMMAND
    if head in ("app", "app_pages"):
        return PAGE
    if head == "tools":
        return TOOL
    raise AssertionError(f"{module}: not in any layer; place it in core/, data/, a feature package, ui/, "
                         "app_pages/ or tools/ and say which layer in tests/test_layers.py")


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        found[".".join(relative.parts)] = path
    return found


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from dashboard.review import cache` imports the module dashboard.review.cache
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


MODULES = modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_layer_or_the_ones_below(module):
    own = layer(module)
    upward = sorted(
        f"{name} ({LAYER_NAMES[layer(name)]})"
        for name in imports(MODULES[module]) if name in MODULES and layer(name) > own
    )
    assert not upward, f"{module} ({LAYER_NAMES[own]}) imports upward: {upward}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) < COMMAND or m.endswith("cli")
                                          or m == "dashboard.cli_options"))
def test_logic_and_commands_never_import_streamlit(module):
    assert not {name for name in imports(MODULES[module]) if name.split(".")[0] == "streamlit"}, (
        f"{module} imports streamlit; move the Streamlit part into the feature's cache.py or its page")


def test_the_rule_catches_an_upward_import(tmp_path):
    page_import = tmp_path / "bad.py"
    page_import.write_text("from dashboard.review import cache\n")
    assert "dashboard.review.cache" in imports(page_import)
    assert layer("dashboard.review.cache") > layer("dashboard.review.data")
