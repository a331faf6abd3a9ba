"""Auditing a whole AWS Organization: the scan of every member (scan.py) and the SCPs that apply to each (scps.py)."""
