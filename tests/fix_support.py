"""Shared by the behaviour tests of ``botolint fix``: fake AWS credentials for
moto, and loading OUR before/after fixture modules (never code under analysis)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import boto3

from fixture_support import ROOT

FIX_FIXTURES = ROOT / "fixtures" / "fix"
FAKE_AWS_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
}


def use_fake_aws(monkeypatch) -> None:
    """Credentials moto accepts, no profile, and a fresh default session."""
    for name, value in FAKE_AWS_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)


def load_fix_fixture(fixture: str, version: str, directory: Path) -> ModuleType:
    """Import ``fixtures/fix/<fixture>.<version>.py`` from a copy in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{fixture}_{version}_{abs(hash(directory))}"
    path = directory / f"{name}.py"
    shutil.copy(FIX_FIXTURES / f"{fixture}.{version}.py", path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module
