"""Every evidence source, one module per AWS service; importing this package registers them all.

To find how something is read, open the module of its service: the credential report is in iam.py,
trails in cloudtrail.py, metric filters and alarms in monitoring.py.
"""
from ..registry import SOURCES, Source, actions_for
from . import account, cloudtrail, eventbridge, iam, monitoring, organizations, signin, sts  # noqa: F401  (they register)

__all__ = ["SOURCES", "Source", "actions_for"]
