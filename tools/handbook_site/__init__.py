"""Site tooling: macros for mkdocs-macros, notebook execution and rendering, onboarding ticket, permalinks."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the repository (tools/handbook_site -> repo)
# Overridable so the tests can build a copy of the site around a deliberately broken notebook.
NOTEBOOKS = Path(os.environ.get("HANDBOOK_NOTEBOOKS", ROOT / "notebooks"))
EXECUTED = ROOT / "build" / "executed"


def mkdocs_config() -> dict:
    """mkdocs.yml as data (it uses no custom YAML tags, so a safe load reads all of it)."""
    import yaml

    return yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
