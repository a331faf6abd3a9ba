"""--format json: one object per account; a list of them for an org scan."""
import json


def render(reports, org: bool = False) -> str:
    data = [r.to_dict() for r in reports]
    return json.dumps(data if org else data[0], indent=2, default=str) + "\n"
