"""The cache of botocore's parsed data files (evidence/model_cache.py): same models, fresh when files change."""
from __future__ import annotations

import json
import os
import sys

import botocore
import botocore.loaders
import pytest
from botocore.exceptions import UnknownServiceError

from rootaudit.evidence import model_cache


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(model_cache.ENV, str(folder))
    return folder


@pytest.mark.parametrize("service, type_name", [("iam", "service-2"), ("sts", "endpoint-rule-set-1"),
                                                ("organizations", "paginators-1")])
def test_models_read_back_from_the_cache_equal_botocores(cache, service, type_name):
    expected = botocore.loaders.Loader().load_service_model(service, type_name)
    first = model_cache.create_loader().load_service_model(service, type_name)  # parses, then stores
    stored = sorted(p for p in cache.rglob("*") if p.is_file())
    assert stored and all(p.suffix == ".marshal" for p in stored)
    second = model_cache.create_loader().load_service_model(service, type_name)  # from the cache
    assert first == expected and second == expected
    assert json.dumps(second) == json.dumps(expected)  # same key order too (botocore's OrderedDicts)


def test_the_cache_is_what_a_second_loader_reads(cache):
    model_cache.create_loader().load_data("partitions")
    (copy,) = cache.rglob("*.marshal")
    copy.write_bytes(__import__("marshal").dumps({"partitions": [], "from": "the cache"}))
    assert model_cache.create_loader().load_data("partitions")["from"] == "the cache"


def test_a_damaged_cache_file_falls_back_to_the_json_and_is_rewritten(cache):
    expected = botocore.loaders.Loader().load_data("partitions")
    model_cache.create_loader().load_data("partitions")
    (copy,) = cache.rglob("*.marshal")
    copy.write_bytes(b"\x00not marshal")
    assert model_cache.create_loader().load_data("partitions") == expected
    assert model_cache.create_loader().load_data("partitions") == expected
    assert copy.read_bytes() != b"\x00not marshal"


def test_a_changed_file_is_read_again(cache, tmp_path):
    data = tmp_path / "data" / "thing"
    data.parent.mkdir()
    data.with_suffix(".json").write_text('{"version": 1}')
    files = model_cache.CachedJSONFileLoader(cache)
    assert files.load_file(str(data)) == {"version": 1}
    data.with_suffix(".json").write_text('{"version": 2, "longer": true}')
    os.utime(data.with_suffix(".json"), ns=(1, 1))
    assert files.load_file(str(data)) == {"version": 2, "longer": True}
    assert files.load_file(str(tmp_path / "data" / "absent")) is None  # botocore's answer for a missing file


def test_an_unknown_service_is_refused_as_botocore_refuses_it(cache):
    with pytest.raises(UnknownServiceError) as ours:
        model_cache.create_loader().load_service_model("no-such-service", "service-2")
    with pytest.raises(UnknownServiceError) as botocores:
        botocore.loaders.Loader().load_service_model("no-such-service", "service-2")
    assert str(ours.value) == str(botocores.value)


def test_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(model_cache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    model_cache.create_loader().load_service_model("sts", "service-2")
    assert not any(tmp_path.rglob("*.marshal"))


def test_an_unwritable_cache_still_loads(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(model_cache.ENV, str(blocker / "cache"))
    assert model_cache.create_loader().load_service_model("sts", "service-2")["metadata"]["serviceId"] == "STS"


def test_aws_data_path_models_come_first_as_in_botocore(cache, tmp_path, monkeypatch):
    own = tmp_path / "models" / "sts" / "2011-06-15"
    own.mkdir(parents=True)
    (own / "service-2.json").write_text(json.dumps({"metadata": {"serviceId": "STS from AWS_DATA_PATH"},
                                                    "operations": {}, "shapes": {}}))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path / "models"))
    model = model_cache.create_loader().load_service_model("sts", "service-2")
    assert model["metadata"]["serviceId"] == "STS from AWS_DATA_PATH"


def test_each_python_and_botocore_version_has_its_own_folder(cache):
    model_cache.create_loader().load_data("partitions")
    (copy,) = cache.rglob("*.marshal")
    assert copy.parent.name == f"py{sys.version_info[0]}{sys.version_info[1]}-botocore{botocore.__version__}"


# Issue 16, mutation survivors of evidence/model_cache.py: which folder a user's cache lands in, the spellings of
# "off", and AWS_DATA_PATH's separator.

VERSION_FOLDER = f"py{sys.version_info[0]}{sys.version_info[1]}-botocore{botocore.__version__}"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """A run from an empty working folder with no cache setting: a cache that lands relative to the working folder
    (a misread setting taken for a path) shows up in here."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.delenv(model_cache.ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def _stored(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.marshal"))


def test_without_settings_the_cache_is_under_home_dot_cache(elsewhere):
    model_cache.create_loader().load_data("partitions")
    (copy,) = _stored(elsewhere)
    assert copy.rsplit("/", 1)[0] == f"home/.cache/rootaudit/botocore-data/{VERSION_FOLDER}"


@pytest.mark.parametrize("xdg", ["xdg", "xdg/"])
def test_xdg_cache_home_replaces_home_dot_cache(elsewhere, monkeypatch, xdg):
    monkeypatch.setenv("XDG_CACHE_HOME", str(elsewhere / xdg))
    model_cache.create_loader().load_data("partitions")
    (copy,) = _stored(elsewhere)
    assert copy.rsplit("/", 1)[0] == f"xdg/rootaudit/botocore-data/{VERSION_FOLDER}"


def test_an_empty_xdg_cache_home_counts_as_unset(elsewhere, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    assert model_cache.cache_dir() == elsewhere / "home" / ".cache" / "rootaudit" / "botocore-data" / VERSION_FOLDER


@pytest.mark.parametrize("setting", ["off", "OFF", "Off", "0", "false", "FALSE", "False", "no", "NO"])
def test_every_spelling_of_off_turns_the_cache_off(elsewhere, monkeypatch, setting):
    monkeypatch.setenv(model_cache.ENV, setting)
    assert model_cache.cache_dir() is None
    assert model_cache.create_loader().load_service_model("sts", "service-2")["metadata"]["serviceId"] == "STS"
    assert _stored(elsewhere) == []  # neither in the working folder nor in HOME
    assert not (elsewhere / "cwd" / setting).exists()


def test_aws_data_path_holds_several_folders_split_as_botocore_splits_them(cache, tmp_path, monkeypatch):
    empty, models = tmp_path / "empty", tmp_path / "models"
    empty.mkdir()
    own = models / "sts" / "2011-06-15"
    own.mkdir(parents=True)
    (own / "service-2.json").write_text(json.dumps({"metadata": {"serviceId": "STS from the second folder"},
                                                    "operations": {}, "shapes": {}}))
    setting = f"{empty}{os.pathsep}{models}"
    monkeypatch.setenv("AWS_DATA_PATH", setting)
    ours = model_cache.create_loader()
    assert ours.search_paths == botocore.loaders.create_loader(setting).search_paths
    assert ours.load_service_model("sts", "service-2")["metadata"]["serviceId"] == "STS from the second folder"


def test_a_relative_xdg_cache_home_is_ignored_as_the_xdg_spec_asks(elsewhere, monkeypatch):
    # https://specifications.freedesktop.org/basedir-spec/latest/ar01s02.html: these paths must be absolute, and a
    # relative one is invalid. Taken as is, each folder a scan starts from would get its own copy of the cache.
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    model_cache.create_loader().load_data("partitions")
    (copy,) = _stored(elsewhere)
    assert copy.startswith("home/.cache/rootaudit/botocore-data/")
    assert not (elsewhere / "cwd" / "relative-cache").exists()


def test_a_tilde_in_the_cache_setting_is_the_home_folder(elsewhere, monkeypatch):
    # A setting written in a config file or quoted in the shell keeps its "~": without expanding it the cache went
    # to a folder literally named "~" in the working folder, one `rm -rf ~` away from the real home.
    monkeypatch.setenv(model_cache.ENV, "~/models")
    model_cache.create_loader().load_data("partitions")
    (copy,) = _stored(elsewhere)
    assert copy.rsplit("/", 1)[0] == f"home/models/{VERSION_FOLDER}"
    assert not (elsewhere / "cwd" / "~").exists()
