"""Write the topic notebooks (run once by a maintainer; the notebooks are then edited as notebooks).

Kept so the common opening cells stay identical across notebooks.
"""
import nbformat as nbf

PARAMS = '''# Parameters (papermill's convention): set a profile to audit a real sandbox account.
# With no profile and no credentials at all, the embedded emulated account is used.
profile = None        # e.g. "sandbox" (SSO profiles work)
region = None         # e.g. "us-east-1"; default: the profile's region, else us-east-1
scenario = "demo"     # emulated account state, used only without credentials
config_file = None    # e.g. "../handbook.yml" for your thresholds, regions and email pattern
docs_links = "absolute"  # "relative" when rendered inside the handbook'''

CONNECT = '''from rootaudit.notebook import connect

audit = connect(profile, region, scenario, config_file, links=docs_links)'''


def notebook(title, intro, steps, topic=None, tail=None):
    cells = [nbf.v4.new_markdown_cell(f"# {title}\n\n{intro}\n\nEvery call below is read-only. The first output "
                                      "names the account and the endpoint, so emulated output is never mistaken "
                                      "for a real account.")]
    p = nbf.v4.new_code_cell(PARAMS)
    p.metadata["tags"] = ["parameters"]
    cells += [p, nbf.v4.new_code_cell(CONNECT)]
    for heading, text, code in steps:
        cells.append(nbf.v4.new_markdown_cell(f"## {heading}\n\n{text}"))
        cells.append(nbf.v4.new_code_cell(code))
    if topic:
        cells.append(nbf.v4.new_markdown_cell("## Verdicts\n\nEach check is evaluated as a pure function of the "
                                              "evidence above; no further call is made unless a check needs "
                                              "evidence not yet shown."))
        cells.append(nbf.v4.new_code_cell(f'report = audit.verdicts(topic="{topic}")'))
    for md, code in tail or []:
        cells.append(nbf.v4.new_markdown_cell(md))
        cells.append(nbf.v4.new_code_cell(code))
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


NOTEBOOKS = {
    "root-credentials": notebook(
        "Root credentials",
        "Does root have MFA, and of what kind? Does it have access keys or signing certificates? Is this audit "
        "itself running as root?",
        [("Who is calling", "`sts:GetCallerIdentity`. An audit must never run with root credentials.",
          'audit.collect("caller")'),
         ("The account summary", "`iam:GetAccountSummary` reports root's credentials as 0/1 flags. Unlike the "
          "credential report it is never cached, and `AccountPasswordPresent` tells a member account whose root "
          "credentials were removed from one that simply lacks MFA.", 'audit.collect("account_summary")'),
         ("Virtual MFA devices", "`iam:ListVirtualMFADevices` with `AssignmentStatus=Assigned`. A device counts "
          "as root's only if its user ARN is exactly `arn:<partition>:iam::<account>:root`.",
          'audit.collect("virtual_mfa")')],
        topic="root-credentials"),
    "root-activity": notebook(
        "Root activity",
        "When was root last used? The credential report's `<root_account>` row records the last use of the "
        "root password and of each root access key.",
        [("The credential report", "Generated with bounded polling and back-off, then read. AWS serves a cached "
          "copy for up to 4 hours, so `generated_time` is shown.", 'report_row = audit.collect("credential_report")')],
        topic="root-activity"),
    "monitoring-and-alerts": notebook(
        "Monitoring and alerts",
        "Would anyone notice root being used? A multi-region trail, a CloudWatch alarm on root use that reaches a "
        "person, and EventBridge rules in every region where root sign-in is recorded.",
        [("Trails", "`cloudtrail:DescribeTrails` (shadow trails included), then status and event selectors of "
          "each multi-region trail.", 'audit.collect("trails")'),
         ("Metric filters, alarms and subscriptions", "Each filter on a trail's log group is tested with "
          "`logs:TestMetricFilter` against sample root and non-root CloudTrail records, then followed to its alarm "
          "and the alarm's SNS subscriptions.", 'audit.collect("root_usage_monitoring")'),
         ("EventBridge rules", "In each sign-in region, every rule on the default bus that could match is tested "
          "with `events:TestEventPattern` against a sample root sign-in, under both detail-type spellings.",
          'audit.collect("eventbridge")')],
        topic="monitoring-and-alerts"),
    "contacts-and-email": notebook(
        "Contacts and email",
        "Will AWS's security notices reach a team, and is the root email a distribution list rather than a "
        "person's mailbox?",
        [("Security contact", "`account:GetAlternateContact` with `AlternateContactType=SECURITY`.",
          'audit.collect("security_contact")'),
         ("Root email", "Readable only from the management account (its own, from "
          "`organizations:DescribeOrganization`) or for members in an organization scan.",
          'audit.collect("root_email")')],
        topic="contacts-and-email"),
    "organizations": notebook(
        "Organizations",
        "Is centralized root access on, and do SCPs restrict member accounts' root users?",
        [("The organization", "`organizations:DescribeOrganization`; a standalone account has none.",
          'audit.collect("organization")'),
         ("Centralized root access features", "`iam:ListOrganizationsFeatures`, which answers only in the "
          "management or IAM delegated-administrator account.", 'audit.collect("org_features")'),
         ("SCPs", "Which SCPs apply to this account (readable from the management account only).",
          'audit.collect("scps")')],
        topic="organizations"),
    "full-audit": notebook(
        "Full audit",
        "Every check in the catalogue, with a summary by topic and a chart of the results.",
        [],
        tail=[("## Verdicts", "report = audit.verdicts()"),
              ("## Summary by topic",
               "from IPython.display import Markdown\nfrom rootaudit.notebook import summary_counts\n\n"
               "rows = [\"| Topic | PASS | FAIL | ERROR | NOT_APPLICABLE | MANUAL |\", \"|---|---|---|---|---|---|\"]\n"
               "for topic, counts in summary_counts(report).items():\n"
               "    rows.append(f\"| {topic} | \" + \" | \".join(str(counts[s]) for s in "
               "(\"PASS\", \"FAIL\", \"ERROR\", \"NOT_APPLICABLE\", \"MANUAL\")) + \" |\")\n"
               "Markdown(\"\\n\".join(rows))"),
              ("## Chart", "from rootaudit.notebook import show_chart\n\nshow_chart(report)"),
              ("## API calls made", "print(f\"{len(audit.ctx.calls)} calls: \" + \", \".join(sorted(set(audit.ctx.calls))))")]),
}

if __name__ == "__main__":
    for name, nb in NOTEBOOKS.items():
        nbf.write(nb, f"notebooks/{name}.ipynb")
        print("wrote", name)
