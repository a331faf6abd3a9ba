"""Render an executed notebook as Markdown that looks native in Material: ordinary code blocks, Markdown
tables, inline SVG. Pages stay small (no notebook CSS), and links inside are checked by the strict build.
"""
from __future__ import annotations

import html
import re

import nbformat

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _output(out) -> str:
    kind = out.get("output_type")
    if kind == "stream":
        css = "nb-stderr" if out.get("name") == "stderr" else "nb-stdout"
        return f'<pre class="{css}">{html.escape(_text(out.get("text", "")).rstrip())}</pre>'
    if kind in ("display_data", "execute_result"):
        data = out.get("data", {})
        if "text/markdown" in data:
            return _text(data["text/markdown"])
        if "image/svg+xml" in data:
            return f'<div class="nb-figure">{_text(data["image/svg+xml"])}</div>'
        if "text/html" in data:
            return f'<div class="nb-html">{_text(data["text/html"])}</div>'
        if "image/png" in data:
            return (f'<img class="nb-figure" alt="figure" '
                    f'src="data:image/png;base64,{_text(data["image/png"]).strip()}">')
        if "text/plain" in data:
            return f'<pre class="nb-stdout">{html.escape(_text(data["text/plain"]))}</pre>'
        return ""
    if kind == "error":
        trace = _ANSI.sub("", "\n".join(out.get("traceback", [])))
        return f'<pre class="nb-stderr">{html.escape(trace)}</pre>'
    return ""


def to_markdown(notebook, drop_title: bool = True) -> str:
    """A notebook (a path, or an already loaded NotebookNode) as Markdown."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    parts = []
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags or "remove-cell" in tags:
            continue
        source = cell.source
        if cell.cell_type == "markdown":
            if i == 0 and drop_title:  # the page has its own title
                source = re.sub(r"\A#\s[^\n]*\n?", "", source.lstrip())
            parts.append(source.strip())
        elif cell.cell_type == "code":
            parts.append(f"```python\n{source.strip()}\n```")
            outputs = [_output(o) for o in cell.get("outputs", [])]
            parts.extend(o for o in outputs if o.strip())
    return "\n\n".join(parts) + "\n"
