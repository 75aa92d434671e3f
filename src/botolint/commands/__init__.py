"""Subcommands of the ``botolint`` command, one module each. A module defines
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``."""
