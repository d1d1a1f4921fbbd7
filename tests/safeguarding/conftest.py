"""Shared fixtures: the home with Amber Smith, and running inside the organisation."""

from ..sessions_app.conftest import home, in_org  # noqa: F401 - fixtures
