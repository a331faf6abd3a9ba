"""rootaudit: read-only checks of the AWS account root user's posture.

Where things live:
  checks/     one module per check: its catalogue entry and its pure evaluator
  evidence/   what is collected from an account (sources) and how (collector)
  engine.py   collect once, evaluate every selected check, never crash
  report/     output formats (table, json, ocsf, junit, markdown)
  org/        `scan --org`: every member of an organization, SCP and RCP reading
  cli.py      the `rootaudit` command
The emulated account is the separate package rootaudit_emulator (found through the `rootaudit.sandbox` entry
point), and the site's tooling lives in tools/handbook_site: the audit imports neither.
"""

__version__ = "0.1.0"
