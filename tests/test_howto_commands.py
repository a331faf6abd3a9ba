"""How-tos that work when followed: the command blocks of docs/how-to/*.md run against the emulated account.

A small Markdown reader finds every fenced ```python and ```bash block, the pymdownx tab it sits in
(`=== "boto3"` followed by an indented block) and an optional `<!-- not-run: reason -->` comment just before it.
Each page has one or more routes (the AWS CLI tabs, the boto3 tabs): a route loads a fresh emulated account,
runs its blocks in page order (bash through the real AWS CLI v1 and the `rootaudit` CLI, Python in one namespace,
as a reader pasting them would), and then asks rootaudit for the verdicts the page's Verify section promises.
Where the emulated account starts in the other state, the verdict before the route is asserted too, so a route
passes only because its commands changed the account.

Example values a reader replaces (a log group name, an account ID) are substituted per route from SUBS; every
substitution must occur in the route's blocks, so a stale one fails. A block that cannot run here (console-only,
root sign-in, an email one-time code, account closure) carries a not-run comment with the reason; the test lists
them. A command block that is neither run by a route nor marked fails the test.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from rootaudit import config as config_mod
from rootaudit.engine import scan

ROOT = Path(__file__).resolve().parents[1]
HOWTO = ROOT / "docs" / "how-to"
CFG = config_mod.load(ROOT / "handbook.yml")
COMMAND_LANGS = {"python", "bash", "sh", "shell"}
FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w-]*)\s*$")
TAB = re.compile(r'^\s*===\+?\s+"(?P<label>[^"]+)"')
NOT_RUN = re.compile(r"^\s*<!--\s*not-run:\s*(?P<reason>.+?)\s*-->\s*$")


# ------------------------------------------------------------------------------------------------ the Markdown reader


@dataclass(frozen=True)
class Block:
    page: str            # file name under docs/how-to/
    line: int            # 1-based line of the opening fence
    lang: str
    tab: str | None      # label of the pymdownx tab holding the block, None outside tabs
    section: str         # the `## ` heading the block sits under
    code: str            # dedented, Jinja not yet rendered
    not_run: str | None  # the reason given in a not-run comment just before the block

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _tab_of(lines: list[str], fence_at: int, fence_indent: int) -> str | None:
    """The tab label of the block opening at lines[fence_at]: the nearest `=== "label"` above it, less indented,
    before any top-level (unindented) line that is not a tab marker ends the search."""
    if fence_indent == 0:
        return None
    for line in reversed(lines[:fence_at]):
        if not line.strip():
            continue
        m = TAB.match(line)
        if m and _indent(line) < fence_indent:
            return m.group("label")
        if _indent(line) == 0:
            return None
    return None


def _not_run_before(lines: list[str], fence_at: int) -> str | None:
    for line in reversed(lines[:fence_at]):
        if line.strip():
            m = NOT_RUN.match(line)
            return m.group("reason") if m else None
    return None


def read_blocks(path: Path) -> list[Block]:
    """Every fenced code block of a command language in one Markdown page, in page order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i, section = [], 0, ""
    while i < len(lines):
        m = FENCE.match(lines[i])
        if lines[i].startswith("## "):
            section = re.sub(r"\s*\{.*\}\s*$", "", lines[i][3:]).strip()
        if not m or not m.group("lang"):
            i += 1
            continue
        indent, start = len(m.group("indent")), i
        i += 1
        while i < len(lines) and not (lines[i].strip() == "```" and _indent(lines[i]) == indent):
            i += 1
        if m.group("lang") in COMMAND_LANGS:
            body = "\n".join(ln[indent:] if ln[:indent].strip() == "" else ln for ln in lines[start + 1:i])
            blocks.append(Block(path.name, start + 1, m.group("lang"), _tab_of(lines, start, indent), section,
                                textwrap.dedent(body) + "\n", _not_run_before(lines, start)))
        i += 1
    return blocks


def test_reader_finds_tabs_markers_and_plain_blocks(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(textwrap.dedent('''\
        # P

        === "AWS CLI"

            ```bash
            aws sts get-caller-identity
            ```

        === "boto3"

            <!-- not-run: needs root credentials -->
            ```python
            print(1)
            ```

        - A list item:

            ```bash
            rootaudit scan
            ```

        ```json
        {}
        ```
        '''))
    blocks = read_blocks(page)
    assert [(b.line, b.lang, b.tab, b.not_run) for b in blocks] == [
        (5, "bash", "AWS CLI", None), (12, "python", "boto3", "needs root credentials"), (18, "bash", None, None)]
    assert {b.section for b in blocks} == {""}
    assert blocks[1].code == "print(1)\n"


# ------------------------------------------------------------------------------------------- rendering the macros


def _macro_variables() -> dict:
    """The variables mkdocs-macros gives the pages (org.*, audit.*), from the site's own define_env."""
    sys.path.insert(0, str(ROOT / "tools"))
    from handbook_site import check_pages, macros

    class _Env:
        def __init__(self):
            self.variables: dict = {}

        def macro(self, fn):
            return fn

    env, write_stubs = _Env(), check_pages.write_stubs
    check_pages.write_stubs = lambda *a, **k: None  # the pages per check are not needed to render commands
    try:
        macros.define_env(env)
    finally:
        check_pages.write_stubs = write_stubs
    return env.variables


def render(code: str, variables: dict) -> str:
    import jinja2

    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(code).render(**variables)


# ------------------------------------------------------------------------------------------------------- the routes


def cli_blocks(b: Block) -> bool:
    return b.lang != "python"


def python_blocks(b: Block) -> bool:
    """boto3 tabs and other Python, plus the Verify section's shell steps (`rootaudit scan`)."""
    return b.lang == "python" or (b.tab is None and b.section == "Verify")


@dataclass
class Route:
    name: str
    scenario: str
    picks: Callable[[Block], bool]
    after: dict[str, str] = field(default_factory=dict)    # check id -> status once the route has run
    before: dict[str, str] = field(default_factory=dict)   # check id -> status before (the commands change it)
    subs: dict[str, str] = field(default_factory=dict)     # example value in the page -> value in this account
    member: str | None = None                              # verdicts of this member account (`scan --org`)
    check: Callable | None = None                          # further assertion on the account afterwards
    setup: Callable | None = None                          # state the page assumes (a locked bucket), made first


def tab_is(*labels: str) -> Callable[[Block], bool]:
    return lambda b: b.tab in labels


def untabbed(b: Block) -> bool:
    return b.tab is None


def _member_status(member: str, status: str) -> Callable:
    def check(account):
        org = account.session().client("organizations")
        assert org.describe_account(AccountId=member)["Account"]["Status"] == status

    return check


def _eventbridge_may_publish(topic_name: str) -> Callable:
    """The page's point: in every sign-in region the topic lets events.amazonaws.com publish, with no Condition
    (AWS's EventBridge guide: Condition blocks cannot be used in SNS topic policies for EventBridge)."""
    import json

    def check(account):
        for region in CFG.signin_regions:
            sns = account.session().client("sns", region_name=region)
            arn = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{topic_name}"))
            policy = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])
            allowed = [st for st in policy["Statement"] if st.get("Effect") == "Allow" and not st.get("Condition")
                       and (st.get("Principal") or {}).get("Service") == "events.amazonaws.com"
                       and str(st.get("Action")).lower() == "sns:publish"]
            assert allowed, f"{region}: EventBridge may not publish to {arn}: {policy}"

    return check


LOCKED_MEMBER, LOCKED_QUEUE_REGION = "111111111111", "eu-west-1"
DENY_ALL = '{{"Version": "2012-10-17", "Statement": [{{"Effect": "Deny", "Principal": "*", "Action": "{action}", ' \
           '"Resource": "{resource}"}}]}}'


def _member_session(account, member: str):
    """The member account as its administrators see it (the organization's access role)."""
    import boto3

    creds = account.session().client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/{CFG.org_role_name}", RoleSessionName="howto-test")["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name="us-east-1")


def _lock_queue(account):
    """What the SQS unlock section starts from: a queue whose policy denies every principal."""
    sqs = _member_session(account, LOCKED_MEMBER).client("sqs", region_name=LOCKED_QUEUE_REGION)
    url = sqs.create_queue(QueueName="locked-queue")["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": DENY_ALL.format(
        action="sqs:*", resource=f"arn:aws:sqs:{LOCKED_QUEUE_REGION}:{LOCKED_MEMBER}:locked-queue")})


def _queue_unlocked(account):
    sqs = _member_session(account, LOCKED_MEMBER).client("sqs", region_name=LOCKED_QUEUE_REGION)
    url = sqs.get_queue_url(QueueName="locked-queue")["QueueUrl"]
    assert not sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {}).get("Policy")


ALERT_SUBS = {"my-trail-log-group": "aws-cloudtrail-logs-management", "my-trail": "management-events",
              "111122223333": "123456789012"}
ALERT_SUBS_PY = {"my-trail-log-group": "aws-cloudtrail-logs-management", "111122223333": "123456789012"}
ALERTS_BEFORE = {"root-activity-alert": "FAIL", "root-usage-alarm": "FAIL"}
ALERTS_AFTER = {"root-activity-alert": "PASS", "root-usage-alarm": "PASS", "cloudtrail-multi-region": "PASS"}
ROOT_CREDS = {"root-no-access-keys": "FAIL", "root-no-signing-certificates": "FAIL"}
NO_ROOT_CREDS = {"root-no-access-keys": "PASS", "root-no-signing-certificates": "PASS"}
MFA_PASS = {"root-mfa-enabled": "PASS", "root-hardware-mfa": "PASS"}
CONTACT = {"security-contact-registered": "FAIL"}
SCP_SECTION = "Deny root with an SCP"

ROUTES: dict[str, list[Route]] = {
    "set-up-root-activity-alerts.md": [
        Route("AWS CLI", "demo", cli_blocks, ALERTS_AFTER, ALERTS_BEFORE, ALERT_SUBS,
              check=_eventbridge_may_publish("root-activity-alerts")),
        Route("boto3", "demo", python_blocks, ALERTS_AFTER, ALERTS_BEFORE, ALERT_SUBS_PY,
              check=_eventbridge_may_publish("root-activity-alerts")),
    ],
    "set-up-root-mfa.md": [  # registering a device is console-only: the commands read, the scenario is finished
        Route("AWS CLI", "hardened", cli_blocks, MFA_PASS),
        Route("boto3", "hardened", python_blocks, MFA_PASS),
    ],
    "recover-lost-mfa.md": [Route("rootaudit", "hardened", untabbed, MFA_PASS)],
    "reset-root-password.md": [Route("rootaudit", "hardened", untabbed, {"root-mfa-enabled": "PASS"})],
    "delete-root-access-keys.md": [  # deleting root's credentials is marked not-run: the emulator cannot do it
        Route("AWS CLI", "hardened", cli_blocks, NO_ROOT_CREDS),
        Route("boto3", "hardened", python_blocks, NO_ROOT_CREDS),
    ],
    "use-centralized-root-access.md": [  # `hardened` has both features on, so AssumeRoot works
        Route("AWS CLI", "hardened", lambda b: cli_blocks(b) and b.section != SCP_SECTION,
              {"org-central-root-access": "PASS"}, subs={"111122223333": "111111111111"}),
        Route("boto3", "hardened", lambda b: python_blocks(b) and b.section != SCP_SECTION,
              {"org-central-root-access": "PASS"}, subs={"111122223333": LOCKED_MEMBER},
              setup=_lock_queue, check=_queue_unlocked),
        Route("SCP", "demo", lambda b: b.section == SCP_SECTION, {"org-scp-denies-root": "PASS"},
              {"org-scp-denies-root": "FAIL"}, member="222222222222"),
    ],
    "register-security-contact.md": [
        Route("AWS CLI", "neglected", cli_blocks, {"security-contact-registered": "PASS"}, CONTACT,
              member="333333333333"),
        Route("boto3", "neglected", python_blocks, {"security-contact-registered": "PASS"}, CONTACT,
              member="333333333333"),
    ],
    "root-email.md": [Route("rootaudit", "hardened", untabbed, {"root-email-distribution-list": "PASS"})],
    "stop-using-root.md": [
        Route("rootaudit", "hardened", untabbed, {"caller-not-root": "PASS", "root-not-recently-used": "PASS"}),
    ],
    "transfer-account.md": [
        Route("rootaudit", "hardened", untabbed, {"root-mfa-enabled": "PASS", "root-no-access-keys": "PASS",
                                                  "root-email-distribution-list": "PASS",
                                                  "security-contact-registered": "PASS"}),
    ],
    "restrict-root-sign-in.md": [  # the CLI tabs and the RCP tab are marked not-run on the page, with why
        Route("boto3", "demo", lambda b: python_blocks(b) and b.section == "One account",
              {"root-sign-in-restricted": "PASS"}, {"root-sign-in-restricted": "FAIL"}),
        Route("rootaudit", "hardened", untabbed, {"root-sign-in-restricted": "PASS"}),
    ],
    "close-account.md": [
        Route("AWS CLI", "demo", cli_blocks, subs={"111122223333": "222222222222"},
              check=_member_status("222222222222", "SUSPENDED")),
        Route("boto3", "demo", python_blocks, subs={"111122223333": "222222222222"},
              check=_member_status("222222222222", "SUSPENDED")),
    ],
}


# ------------------------------------------------------------------------------------------------------ execution


def _verdicts(account, ids, member: str | None = None) -> dict[str, str]:
    if member is None:
        report = scan(session=account.session(), config=CFG, check_ids=list(ids))
    else:
        from rootaudit.org.scan import scan_organization

        reports = scan_organization(session=account.session(), config=CFG, check_ids=list(ids), progress="never")
        report = next(r for r in reports if r.account_id == member)
    return {f.check_id: f.status.value for f in report.findings}


def _shell_env(account, tmp_path: Path) -> dict[str, str]:
    """The environment of a reader's shell: the emulator's credentials, also as the handbook's named profile."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | account.env()
    creds = tmp_path / "credentials"
    creds.write_text(f"[{CFG.org['sandbox_profile']}]\naws_access_key_id = {env['AWS_ACCESS_KEY_ID']}\n"
                     f"aws_secret_access_key = {env['AWS_SECRET_ACCESS_KEY']}\n"
                     + (f"aws_session_token = {env['AWS_SESSION_TOKEN']}\n" if env.get("AWS_SESSION_TOKEN") else ""))
    config = tmp_path / "config"
    region = env.get("AWS_DEFAULT_REGION", "us-east-1")
    config.write_text(f"[profile {CFG.org['sandbox_profile']}]\nregion = {region}\n")
    env |= {"AWS_SHARED_CREDENTIALS_FILE": str(creds), "AWS_CONFIG_FILE": str(config),
            "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"}
    return env


def _workdir(tmp_path: Path) -> Path:
    """A stand-in for the repository root: the pages run "from the repository root" (snippets/, handbook.yml),
    but files a block writes (contact.json) must not land in the checkout."""
    work = tmp_path / "checkout"
    work.mkdir()
    for name in ("snippets", "src", "handbook.yml"):
        (work / name).symlink_to(ROOT / name)
    return work


def run_block(block: Block, code: str, namespace: dict, env: dict[str, str], cwd: Path) -> None:
    if block.lang == "python":
        exec(compile(code, block.where, "exec"), namespace)  # the page's own code, run on the emulator
        return
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", code], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (f"{block.where} exited {result.returncode}\n--- block\n{code}"
                                    f"--- stdout\n{result.stdout[-3000:]}--- stderr\n{result.stderr[-3000:]}")


def _route_cases():
    return [pytest.param(page, route, id=f"{page.removesuffix('.md')}-{route.name}")
            for page, routes in ROUTES.items() for route in routes]


@pytest.mark.parametrize(("page", "route"), _route_cases())
def test_route_runs_and_reaches_the_promised_verdicts(page, route, load, monkeypatch, tmp_path):
    import boto3

    if not (Path(sys.executable).parent / "aws").exists():
        pytest.fail("the AWS CLI is not installed in this environment: run `make setup` (awscli is in requirements)")
    variables = _macro_variables()
    account = load(route.scenario)
    if route.setup:
        route.setup(account)
    if route.before:
        assert _verdicts(account, route.before, route.member) == route.before, "the scenario does not start as expected"
    blocks = [b for b in read_blocks(HOWTO / page) if b.not_run is None and route.picks(b)]
    assert blocks, f"route {route.name} of {page} picks no block"
    codes = [render(b.code, variables) for b in blocks]
    for example, value in route.subs.items():
        assert any(example in code for code in codes), f"{example!r} no longer appears in {page}'s {route.name} route"
        codes = [code.replace(example, value) for code in codes]
    work = _workdir(tmp_path)
    monkeypatch.chdir(work)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # boto3.client() must see this account, not a previous one
    # botocore resolves Sign-In's console-access operations to https://signin.<region>.api.aws whatever
    # AWS_ENDPOINT_URL says: pin a page's signin clients to the emulated account so nothing leaves the machine.
    from rootaudit_emulator.signin import pin_endpoint

    make_client = boto3.session.Session.client

    def pinned_client(self, *args, **kwargs):
        client = make_client(self, *args, **kwargs)
        return pin_endpoint(client) if client.meta.service_model.service_name == "signin" else client

    monkeypatch.setattr(boto3.session.Session, "client", pinned_client)
    env, namespace = _shell_env(account, tmp_path), {"__name__": "__howto__"}
    for block, code in zip(blocks, codes, strict=True):
        run_block(block, code, namespace, env, work)
    if route.after:
        assert _verdicts(account, route.after, route.member) == route.after
    if route.check:
        route.check(account)


# ------------------------------------------------------------------------------------------------------- coverage


def test_every_command_block_is_run_or_marked():
    """A block no route runs must say why (not-run comment); the marked ones are listed in the output."""
    unrun, marked = [], []
    for path in sorted(HOWTO.glob("*.md")):
        routes = ROUTES.get(path.name, [])
        for block in read_blocks(path):
            if block.not_run:
                marked.append(f"{block.where} [{block.tab or block.lang}]: {block.not_run}")
            elif not any(r.picks(block) for r in routes):
                unrun.append(f"{block.where} [{block.tab or block.lang}]")
    print(f"\n{len(marked)} how-to blocks not run against the emulator:\n  " + "\n  ".join(marked))
    assert not unrun, "command blocks neither run by a route nor marked <!-- not-run: reason -->:\n" + "\n".join(unrun)
