"""botocore's data files (service models, endpoint rules), read once per machine rather than once per run.

A single-account scan builds ten clients, and most of their cost is botocore parsing its own JSON: the IAM
model, ten endpoint rule sets and the 1.2 MB endpoints.json, about 150 ms of a CLI run whose target is half a
second. Python solves the same problem for source code with marshalled .pyc files; this does it for the data:
the first run stores each parsed file with `marshal` (about twice as fast to load as JSON) in the user's cache,
keyed by the source file's path, size and modification time, and by the Python version (marshal's format
changes between versions). Any error reading or writing the cache falls back to botocore's own loading.

No library does this: botocore has no persistent cache, and generic disk caches (diskcache, joblib) pickle,
which measured no faster than JSON on these files. Set ROOTAUDIT_MODEL_CACHE=off to read the JSON every time.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import sys
import threading
from pathlib import Path

import botocore
import botocore.loaders
from botocore.exceptions import DataNotFoundError, UnknownServiceError

ENV = "ROOTAUDIT_MODEL_CACHE"


def cache_dir() -> Path | None:
    """A folder per Python and botocore version under $ROOTAUDIT_MODEL_CACHE (a leading ~ is the home folder, as
    the shell would expand it), else under $XDG_CACHE_HOME or ~/.cache/rootaudit/botocore-data; None when the
    setting is off."""
    setting = os.environ.get(ENV, "")
    if setting.lower() in ("off", "0", "false", "no"):
        return None
    if not setting:
        xdg = os.environ.get("XDG_CACHE_HOME")
        # The XDG spec calls a relative path invalid, to be ignored: taken as is, it would put a copy of the cache
        # in every folder a scan is started from.
        home = xdg if xdg and os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
        setting = os.path.join(home, "rootaudit", "botocore-data")
    return Path(setting).expanduser() / f"py{sys.version_info[0]}{sys.version_info[1]}-botocore{botocore.__version__}"


class CachedJSONFileLoader(botocore.loaders.JSONFileLoader):
    """botocore's JSON file loader with a marshal copy of each file it has parsed before."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def load_file(self, file_path):
        if self.folder is None:
            return super().load_file(file_path)
        source = self._source(file_path)
        if source is None:  # not there: botocore's answer (None)
            return super().load_file(file_path)
        stat = source.stat()
        key = f"{source}\0{stat.st_size}\0{stat.st_mtime_ns}"
        copy = self.folder / (hashlib.sha1(key.encode()).hexdigest() + ".marshal")
        try:
            return marshal.loads(copy.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            pass
        data = super().load_file(file_path)
        self._store(copy, data)
        return data

    @staticmethod
    def _source(file_path) -> Path | None:
        for suffix in (".json", ".json.gz"):  # botocore's own order
            path = Path(file_path + suffix)
            if path.is_file():
                return path
        return None

    def _store(self, copy: Path, data) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            partial = copy.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
            partial.write_bytes(marshal.dumps(_plain(data)))
            os.replace(partial, copy)  # atomic: a concurrent run reads the old state or the whole file
        except (OSError, ValueError):
            pass  # a read-only home, a full disk: the next run parses the JSON again


def _plain(value):
    """botocore parses into OrderedDicts, which marshal refuses; plain dicts keep the same order."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class Loader(botocore.loaders.Loader):
    """botocore's loader, minus the listing of all ~400 services' folders (twice, about 25 ms) that it does to
    check that the one asked for exists: asking that service's own folder answers the same question."""

    @botocore.loaders.instance_cache
    def load_service_model(self, service_name, type_name, api_version=None):
        try:
            self.list_api_versions(service_name, type_name)
        except DataNotFoundError:  # what botocore's full listing would have found out
            raise UnknownServiceError(service_name=service_name,
                                      known_service_names=", ".join(self.list_available_services(type_name))) from None
        if api_version is None:
            api_version = self.determine_latest_version(service_name, type_name)
        model = self.load_data(os.path.join(service_name, api_version, type_name))
        # What botocore does next, unchanged: merge the "sdk" extras files into the model.
        self._extras_processor.process(model, self._find_extras(service_name, type_name, api_version))
        return model


def create_loader() -> Loader:
    """What botocore.loaders.create_loader() gives a session (AWS_DATA_PATH's folders first), reading through
    the cache."""
    paths = os.environ.get("AWS_DATA_PATH")
    extra = [os.path.expanduser(os.path.expandvars(p)) for p in paths.split(os.pathsep)] if paths else None
    return Loader(extra_search_paths=extra, file_loader=CachedJSONFileLoader(cache_dir()))
