"""handbook.yml: the shipped file loads; malformed files give a one-line reason naming the key."""
from pathlib import Path

import pytest

from handbook_site import mkdocs_config
from rootaudit import config as config_mod
from rootaudit.config import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_handbook_yml_loads():
    cfg = config_mod.load(ROOT / "handbook.yml")
    assert cfg.recent_use_days == 90
    # Root sign-in is recorded in us-east-1: the shipped config and the defaults require only that region.
    assert cfg.signin_regions == config_mod.AuditConfig().signin_regions == ("us-east-1",)
    assert cfg.require_all_signin_regions is False
    assert cfg.root_email_regex.fullmatch(cfg.org["root_email_example"])
    assert cfg.root_email_regex.fullmatch(cfg.org["root_email_example"].upper())  # case-insensitive, like email


def test_handbook_url_matches_mkdocs_site_url():
    site_url = mkdocs_config()["site_url"]
    assert config_mod.load(ROOT / "handbook.yml").org["handbook_url"] == site_url


@pytest.mark.parametrize("text,phrase", [
    ("audit: [1, 2", "not valid YAML"),
    ("- a list", "expected a mapping"),
    ("audit: {recent_use_days: -3}", "audit.recent_use_days"),
    ("audit: {recent_use_days: true}", "audit.recent_use_days"),
    ("audit: {signin_regions: [mars-1]}", "audit.signin_regions"),
    ("audit: {signin_regions: []}", "audit.signin_regions"),
    ("org: {root_email_pattern: '(unclosed'}", "not a valid regular expression"),
    ("audit: {credential_report_timeout_seconds: 0}", "credential_report_timeout_seconds"),
    ("audit: {org_role_name: 'has space'}", "org_role_name"),
])
def test_malformed_config(text, phrase):
    with pytest.raises(ConfigError, match=phrase.replace("[", r"\[")):
        config_mod.parse(text, "handbook.yml")


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        config_mod.load(tmp_path / "nope.yml")
