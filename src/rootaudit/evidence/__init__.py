"""Evidence: what is read from an account, once, for the checks to evaluate."""
from .collector import Collector, Context, SourceFailed
from .sources import SOURCES

__all__ = ["Collector", "Context", "SourceFailed", "SOURCES"]
