"""Facts about the organization's own resources, read once per org scan with the scanning account's credentials.

Every member of an organization sees the organization trail, which the management account owns. Its status and
event selectors are the same whichever member asks, so instead of each member asking, the scanning account reads
them once, as the owner, and every member gets that answer. The answer never depends on which member happened
to ask first. Only resources the scanning account owns are read this way: a delegated administrator does not
own the organization trail, so its members keep reading it themselves.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..evidence.collector import Context
from .scps import Once


class OwnedReads:
    """Context.shared in an org scan: `owned` reads a resource of the scanning account once per scan."""

    def __init__(self, ctx: Context, account: str, cache: Once):
        self.ctx, self.account, self.cache = ctx, account, cache

    def owned(self, owner: str, key: tuple, read: Callable[[Context], Any]) -> Any:
        """read(scanning account's context), once per key, if that account owns the resource; else None.

        A failure (SourceFailed) is raised to the member that asked and is not remembered: the member then reads
        the resource itself, as it would outside an org scan.
        """
        if owner != self.account:
            return None
        return self.cache.once(("owned", owner, *key), lambda: read(self.ctx))
