"""Output formats. Each takes a list of Reports (one per account) and returns text."""
from __future__ import annotations

from . import junit, markdown, ocsf, table
from .jsonfmt import render as render_json

FORMATS = {
    "table": table.render,
    "json": render_json,
    "ocsf": ocsf.render,
    "junit": junit.render,
    "markdown": markdown.render,
}

__all__ = ["FORMATS"]
