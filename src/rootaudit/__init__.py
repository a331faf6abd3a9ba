"""rootaudit: read-only checks of the AWS account root user's posture.

Where things live:
  checks/     one module per check: its catalogue entry and its pure evaluator
  evidence/   what is collected from an account (sources) and how (collector)
  engine.py   collect once, evaluate every selected check, never crash
  report/     output formats (table, json, ocsf, junit, markdown)
  cli.py      the `rootaudit` command
  emulator/   the embedded emulated account (moto), its scenarios and grafts
  handbook/   the site's macros, notebook rendering and ticket checklist
"""

__version__ = "0.1.0"
