"""The `rootaudit` command. Exit codes: 0 clean, 1 FAIL, 3 ERROR without FAIL, 2 nothing could be scanned.

Every failure prints one line that says what to do; no traceback reaches the user.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from . import config as config_mod
from .report import FORMATS

# The checks, the report formats and botocore are imported by the commands that use them, so that
# `rootaudit --help` and `--version` answer at once (tests/test_cli.py checks what they import).

EXIT_NOTHING_SCANNED = 2


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, instead of argparse's usage dump
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _add_scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--checks", help="comma-separated check ids (default: all); see `rootaudit checks`")
    p.add_argument("--format", choices=sorted(FORMATS), default="table", help="output format (default: table)")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    p.add_argument("--config", metavar="FILE", help="handbook.yml with thresholds, regions and the email pattern "
                   "(default: $ROOTAUDIT_CONFIG, else ./handbook.yml if present)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="rootaudit", description="Read-only checks of the AWS account root user.")
    parser.add_argument("--version", action="version", version=f"rootaudit {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    scan = sub.add_parser("scan", help="scan an account (or, with --org, every account of an organization)")
    scan.add_argument("--profile", help="AWS profile (SSO profiles work); default: the usual credential chain")
    scan.add_argument("--region", help="home region for regional calls (default: the profile's, else us-east-1)")
    scan.add_argument("--org", action="store_true",
                      help="from the management account or a delegated administrator: scan every account")
    scan.add_argument("--org-role",
                      help="role to assume in members (default from config: OrganizationAccountAccessRole)")
    scan.add_argument("--org-workers", type=int, metavar="N",
                      help="with --org: member accounts scanned at the same time, 1-256 (default: "
                           "audit.org_max_workers in handbook.yml, else 32)")
    scan.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                      help="progress bar for --org (auto: only on a terminal)")
    _add_scan_options(scan)

    demo = sub.add_parser("demo", help="scan the embedded emulated account (no AWS credentials needed)")
    demo.add_argument("--scenario", default="demo", help="emulated account state (default: demo)")
    _add_scan_options(demo)

    sub.add_parser("checks", help="list the checks in the catalogue")
    policy = sub.add_parser("policy", help="print the least-privilege IAM policy the checks need")
    policy.add_argument("--partition", choices=("aws", "aws-us-gov", "aws-cn"), default="aws",
                        help="partition of the account the policy is for (default: aws)")

    alerts = sub.add_parser("alerts", help="root activity alerts (the only part that writes)")
    alerts_sub = alerts.add_subparsers(dest="alerts_command", parser_class=_Parser)
    deploy = alerts_sub.add_parser("deploy", help="create the EventBridge rules, SNS topic and optional alarm "
                                                  "(dry run unless --apply)")
    deploy.add_argument("--profile")
    deploy.add_argument("--region", help="region of the SNS topic and alarm (default: us-east-1)")
    deploy.add_argument("--email", help="address to subscribe to the alert topic (default: org.alerts_email)")
    deploy.add_argument("--config", metavar="FILE")
    deploy.add_argument("--with-alarm", action="store_true", help="also the CloudWatch metric filter and alarm")
    deploy.add_argument("--log-group", help="CloudWatch Logs group of the trail (needed with --with-alarm)")
    deploy.add_argument("--apply", action="store_true", help="make the changes (default: only print them)")
    deploy.add_argument("--allow-root", action="store_true", help="allow --apply with root credentials (don't)")
    return parser


def _check_ids(text: str | None) -> list[str] | None:
    if not text:
        return None
    from .checks import UnknownCheck, select

    ids = [i.strip() for i in text.split(",") if i.strip()]
    try:
        select(ids)
    except UnknownCheck as exc:  # names the unknown ids
        raise UsageError(str(exc)) from None
    return ids


def _emit(text: str, output: str | None, summary: str) -> None:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
        print(summary)
    else:
        sys.stdout.write(text)


def _summary(reports) -> str:
    totals: dict[str, int] = {}
    for r in reports:
        for status, n in r.counts().items():
            totals[status] = totals.get(status, 0) + n
    return ", ".join(f"{n} {s}" for s, n in totals.items() if n)


def _exit_code(reports) -> int:
    codes = {r.exit_code() for r in reports}
    if codes == {2}:
        return 2
    if 1 in codes:
        return 1
    return 3 if (3 in codes or 2 in codes) else 0


def _finish(reports, args, org: bool = False) -> int:
    from .report.table import root_banner

    text = FORMATS[args.format](reports, org=org)
    if args.format != "table" or args.output:
        for r in reports:  # the root warning goes to stderr so it is seen whatever the format
            banner = root_banner(r.caller_arn)
            if banner:
                print(banner, file=sys.stderr)
    _emit(text, args.output, f"wrote {args.format} report to {args.output}: {_summary(reports)}")
    aborted = [r.aborted for r in reports if r.aborted]
    if aborted and len(aborted) == len(reports):
        print(f"rootaudit: nothing could be scanned: {aborted[0]}", file=sys.stderr)
    return _exit_code(reports)


def cmd_scan(args) -> int:
    from .engine import scan

    cfg = config_mod.load(args.config or config_mod.default_path())
    ids = _check_ids(args.checks)
    if args.org:
        from .org.scan import scan_organization

        if args.org_workers is not None and not 1 <= args.org_workers <= 256:
            raise UsageError("--org-workers must be a whole number from 1 to 256")
        reports = scan_organization(profile=args.profile, region=args.region, config=cfg, check_ids=ids,
                                    role_name=args.org_role, progress=args.progress, max_workers=args.org_workers)
        return _finish(reports, args, org=True)
    return _finish([scan(config=cfg, check_ids=ids, profile=args.profile, region=args.region)], args)


def cmd_demo(args) -> int:
    from .engine import scan

    cfg = config_mod.load(args.config or config_mod.default_path())
    ids = _check_ids(args.checks)
    from .sandbox import SandboxUnavailable, emulator_class

    try:
        Emulator = emulator_class()
    except SandboxUnavailable as exc:
        raise UsageError(str(exc)) from None
    with Emulator() as emu:
        try:
            account = emu.load(args.scenario)
        except (FileNotFoundError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        with account.environment():  # the product reaches the emulator only through AWS_ENDPOINT_URL
            report = scan(session=account.session(), config=cfg, check_ids=ids)
    print(f"Emulated account (scenario '{args.scenario}'), not a real AWS account.", file=sys.stderr)
    return _finish([report], args)


def cmd_checks(args) -> int:
    from .checks import CATALOGUE

    for c in CATALOGUE:
        print(f"{c.id:<30} {c.severity:<9} {c.title}")
    return 0


def cmd_policy(args) -> int:
    from .policy import least_privilege_policy

    print(json.dumps(least_privilege_policy(args.partition), indent=2))
    return 0


def cmd_alerts(args) -> int:
    if args.alerts_command != "deploy":
        raise UsageError("say `rootaudit alerts deploy` (see `rootaudit alerts deploy --help`)")
    from .alerts.deploy import run_deploy

    return run_deploy(args, config_mod.load(args.config or config_mod.default_path()))


COMMANDS = {"scan": cmd_scan, "demo": cmd_demo, "checks": cmd_checks, "policy": cmd_policy, "alerts": cmd_alerts}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if not args.command:
            raise UsageError("say what to do: scan, demo, checks, policy or alerts (see `rootaudit --help`)")
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"rootaudit: {exc}", file=sys.stderr)
    except config_mod.ConfigError as exc:
        print(f"rootaudit: config: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("rootaudit: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line, never a traceback
        print(f"rootaudit: unexpected error: {type(exc).__name__}: {exc} (please report this)", file=sys.stderr)
    return EXIT_NOTHING_SCANNED


if __name__ == "__main__":
    sys.exit(main())
