"""moto's server works out, on every request, answers that never change while it runs; these remember them.

For each request moto 5.2.5's DomainDispatcherApplication lists moto's ~170 package folders on disk and tries
hundreds of URL patterns to find the service, holding one lock for every request while it does; and each
response class lists its own methods with inspect.getmembers. Profiled under an organization scan, that was
about a sixth of the emulator's CPU. The answers depend only on the host name and on the class, so they are
kept: the emulator then spends its time answering, which is what `make bench` should measure.
"""
from __future__ import annotations

import functools
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_INSTALLED = False


class Dispatcher(DomainDispatcherApplication):
    """moto's dispatcher with the backend found for each host name kept (it is called under moto's lock)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._backend_by_host: dict[str | None, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        try:
            return self._backend_by_host[host]
        except KeyError:
            backend = self._backend_by_host[host] = super().get_backend_for_host(host)
            return backend


def install() -> None:
    """Remember each response class's method names. Run after grafts.install(), which adds methods."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.core import responses

    responses.method_names_from_class = functools.cache(responses.method_names_from_class)
    _INSTALLED = True
