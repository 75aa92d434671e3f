"""``botolint fix``: rewrite functions that use boto3's default session to take
an optional session (see README, "Fix")."""

from botolint.fix.plan import FALLBACKS, FixOptions
from botolint.fix.run import FileResult, fix_paths, write_result

__all__ = ["FALLBACKS", "FileResult", "FixOptions", "fix_paths", "write_result"]
