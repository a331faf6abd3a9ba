"""The `rootaudit` command as a user runs it: a real process, talking HTTP to the emulated account."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from expected import EXPECTED
from rootaudit.checks import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {
    "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}


def rootaudit(*args, env=None, cwd=ROOT):
    result = subprocess.run([sys.executable, "-m", "rootaudit.cli", *args], cwd=cwd, env=env or CLEAN_ENV,
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def env_for(emulator):
    def _env(scenario):
        return {**CLEAN_ENV, **emulator.load(scenario).env()}
    yield _env
    emulator.reset()


def test_json_format_and_exit_code_1_on_fail(env_for):
    result = rootaudit("scan", "--format", "json", env=env_for("demo"))
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"account_id", "generated_at", "findings"} and data["account_id"] == "123456789012"
    assert [f["check_id"] for f in data["findings"]] == [c.id for c in CATALOGUE]
    for f in data["findings"]:
        assert set(f) >= {"check_id", "status", "severity", "title", "reason", "evidence", "docs_url"}
        assert f["status"] == EXPECTED["demo"][f["check_id"]]
        assert f["docs_url"] == f"https://root-handbook.example.com/checks/{f['check_id']}/"


def test_exit_code_0_when_nothing_fails(env_for):
    result = rootaudit("scan", env=env_for("hardened"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Summary: 1 NOT_APPLICABLE, 13 PASS" in result.stdout  # hardened: everything but the member-only SCP check


def test_exit_code_3_when_errors_and_no_fail(env_for, emulator):
    env = env_for("hardened")
    emulator.fail("iam:GetAccountSummary", code="AccessDenied")
    result = rootaudit("scan", "--checks", "root-mfa-enabled,security-contact-registered", "--format", "json", env=env)
    assert result.returncode == 3
    findings = {f["check_id"]: f for f in json.loads(result.stdout)["findings"]}
    assert findings["root-mfa-enabled"]["status"] == "ERROR"
    assert "iam:GetAccountSummary" in findings["root-mfa-enabled"]["reason"]
    assert findings["security-contact-registered"]["status"] == "PASS"


def test_table_output_and_root_banner_first(env_for):
    result = rootaudit("scan", env=env_for("neglected"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "RUNNING WITH ROOT USER CREDENTIALS" in lines[1]  # before anything else
    assert any(line.startswith("FAIL") and "caller-not-root" in line for line in lines)


def test_ocsf_format(env_for):
    result = rootaudit("scan", "--format", "ocsf", env=env_for("demo"))
    findings = json.loads(result.stdout)
    assert len(findings) == len(CATALOGUE)
    first = findings[0]
    assert first["class_uid"] == 2004 and first["type_uid"] == 200401 and first["metadata"]["version"] == "1.3.0"
    assert first["cloud"]["account"]["uid"] == "123456789012"
    by_id = {f["metadata"]["event_code"]: f for f in findings}
    assert by_id["root-no-access-keys"]["status_code"] == "FAIL"
    assert by_id["root-no-access-keys"]["unmapped"]["compliance"]["status"] == "Fail"
    assert "AWS Security Hub IAM.4" in by_id["root-no-access-keys"]["unmapped"]["compliance"]["requirements"]


def test_junit_format(env_for):
    result = rootaudit("scan", "--format", "junit", env=env_for("member-no-root-credentials"))
    suite = ET.fromstring(result.stdout).find("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {c.id for c in CATALOGUE}
    assert cases["root-mfa-enabled"].find("skipped") is not None  # NOT_APPLICABLE
    assert cases["caller-not-root"].find("failure") is None and cases["caller-not-root"].find("skipped") is None
    assert suite.get("tests") == str(len(CATALOGUE)) and suite.get("failures") == "0"


def test_markdown_format_links_each_check(env_for, tmp_path):
    out = tmp_path / "report.md"
    result = rootaudit("scan", "--format", "markdown", "--output", str(out), env=env_for("demo"))
    assert result.returncode == 1 and f"wrote markdown report to {out}" in result.stdout
    text = out.read_text()
    for check in CATALOGUE:
        assert f"[{check.id}](https://root-handbook.example.com/checks/{check.id}/)" in text


def test_config_file_changes_thresholds(env_for, tmp_path):
    cfg = tmp_path / "strict.yml"
    cfg.write_text("audit: {recent_use_days: 5}\norg: {root_email_pattern: '^aws-root@example\\.com$'}\n")
    result = rootaudit("scan", "--config", str(cfg), "--checks", "root-not-recently-used", "--format", "json",
                       env=env_for("demo"))
    assert json.loads(result.stdout)["findings"][0]["status"] == "PASS"  # used 12 days ago, window 5 days
    result = rootaudit("scan", "--config", str(cfg), "--checks", "root-email-distribution-list", "--format", "json",
                       env=env_for("demo"))
    email = json.loads(result.stdout)["findings"][0]
    assert email["status"] == "PASS" and email["evidence"]["pattern"] == "^aws-root@example\\.com$"


@pytest.mark.parametrize("args,phrase", [
    (["scan", "--checks", "root-mfa-enabled,not-a-check"], "unknown check id(s): not-a-check"),
    (["scan", "--format", "yaml"], "invalid choice"),
    (["scan", "--bogus"], "unrecognized arguments"),
    ([], "say what to do"),
])
def test_bad_arguments_exit_2_with_one_line(args, phrase):
    result = rootaudit(*args)
    assert result.returncode == 2
    assert phrase in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_malformed_config_exit_2(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("audit: {signin_regions: nowhere}\n")
    result = rootaudit("scan", "--config", str(bad))
    assert result.returncode == 2 and "audit.signin_regions" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_credentials_exit_2(tmp_path):
    result = rootaudit("scan", cwd=tmp_path)
    assert result.returncode == 2
    assert "no AWS credentials found" in result.stderr and "rootaudit demo" in result.stderr


def test_unknown_profile_exit_2(tmp_path):
    result = rootaudit("scan", "--profile", "nope", cwd=tmp_path)
    assert result.returncode == 2 and "nope" in result.stderr


def test_unreachable_endpoint_exit_2(tmp_path):
    env = {**CLEAN_ENV, "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    result = rootaudit("scan", env=env, cwd=tmp_path)
    assert result.returncode == 2 and "could not reach the AWS endpoint" in result.stderr


def test_demo_command_needs_no_credentials(tmp_path):
    result = rootaudit("demo", "--scenario", "hardened", "--format", "json", cwd=tmp_path)
    assert "Emulated account" in result.stderr and result.returncode == 0  # MANUAL alone is not a failure
    statuses = {f["check_id"]: f["status"] for f in json.loads(result.stdout)["findings"]}
    # no handbook.yml in tmp_path: without a pattern the email check cannot judge
    assert statuses["root-email-distribution-list"] == "MANUAL"
    assert statuses["root-mfa-enabled"] == "PASS"


def test_checks_and_policy_commands():
    assert rootaudit("checks").stdout.count("\n") == len(CATALOGUE)
    policy = json.loads(rootaudit("policy").stdout)
    assert policy == json.loads((ROOT / "docs/reference/rootaudit-policy.json").read_text())


def test_policy_for_another_partition():
    """GovCloud and China accounts get the task-policy condition in their own partition (issue 11, item 10)."""
    policy = json.loads(rootaudit("policy", "--partition", "aws-us-gov").stdout)
    condition = policy["Statement"][-1]["Condition"]["StringEquals"]["sts:TaskPolicyArn"]
    assert condition == "arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
@pytest.mark.parametrize("args", [["--help"], ["--version"], ["scan", "--help"]])
def test_help_and_version_import_no_aws_sdk(args):
    """They answer at once: none of the SDK, the emulator or the notebook stack is imported (-X importtime lists
    every module a process imports)."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "rootaudit.cli", *args], cwd=ROOT,
                            env=CLEAN_ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines() if "import time:" in line}
    assert "rootaudit.config" in imported  # the listing is real
    heavy = {"boto3", "botocore", "moto", "flask", "nbformat", "IPython", "yaml"}
    assert not {name.split(".")[0] for name in imported} & heavy


def test_org_workers_out_of_range_is_a_usage_error():
    result = rootaudit("scan", "--org", "--org-workers", "0")
    assert result.returncode == 2 and "--org-workers must be a whole number from 1 to 256" in result.stderr
