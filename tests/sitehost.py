"""The built handbook served on 127.0.0.1, as a static host would serve it (for the browser and link tests)."""
from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from handbook_site import mkdocs_config


def site_prefix() -> str:
    """The path the site is published under, from mkdocs.yml's site_url (/ today)."""
    path = urlsplit(mkdocs_config()["site_url"]).path or "/"
    return path if path.endswith("/") else path + "/"


class _Handler(SimpleHTTPRequestHandler):
    """Static files under `prefix`; anything else, or anything missing, gets 404.html with status 404."""

    prefix = "/"

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0not-under-prefix")  # never exists
        return super().translate_path("/" + path[len(self.prefix):])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self):
        # LinkChecker limits itself to ~3 requests a second per host unless the server says it may go faster.
        self.send_header("LinkChecker", "local test server: no rate limit")
        super().end_headers()

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client dropping a connection is normal
            super().handle_error(request, client_address)


class serve:
    """Context manager: `directory` served on 127.0.0.1:<free port> under `prefix`, in a thread; yields the base URL."""

    def __init__(self, directory: Path, prefix: str = "/"):
        handler = type("Handler", (_Handler,), {"prefix": prefix})
        self.server = _Server(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}{prefix}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="site-server", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return self.base

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
