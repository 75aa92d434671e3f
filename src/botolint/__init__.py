"""botolint: find and fix boto3 code that relies on the hidden default session."""

__version__ = "0.2.0"
