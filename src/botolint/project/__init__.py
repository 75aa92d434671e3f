"""The project layer: what botolint knows of a file's project beyond the file.

A file's project is the nearest directory above it with a ``pyproject.toml``,
``setup.cfg``, ``setup.py`` or ``.git`` (``layout``). Each module that can
matter gets a summary of what the rules need of it, computed from its semantic
model once per content hash (``summary``); facts then flow along the project's
call graph until nothing changes (``facts``): which functions run on worker
threads or per Lambda invocation, and what project functions return. Rules ask
those facts through a ``view`` (``view``), never by reading other files.
"""
