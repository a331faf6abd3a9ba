"""Evidence: what is read from an account, once, for the checks to evaluate.

registry.py  the Source type and SOURCES (name, IAM actions, dependencies, credentials needed)
sources/     one module per AWS service, each registering its fetchers
collector.py Context (clients, call log) and Collector (fetch each source once, remember failures)
errors.py    any failure of a call -> a one-line SourceError
samples.py   sample root and non-root events the monitoring sources test patterns with
"""
