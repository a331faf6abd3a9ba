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
