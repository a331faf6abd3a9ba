"""Site tooling: macros for mkdocs-macros, notebook execution and rendering, onboarding ticket, permalinks."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the repository (src/rootaudit/handbook -> repo)
NOTEBOOKS = ROOT / "notebooks"
EXECUTED = ROOT / "build" / "executed"
