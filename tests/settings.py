"""The settings the tests run with: the application's own, in development mode.

DEBUG is off unless DEBUG=1 (aom/settings.py); the tests, like `make run`, use the development
SECRET_KEY and AOM_FIELD_KEY, so they ask for DEBUG=1 before the settings are read. pytest-django
still runs each test with DEBUG off.
"""

import os

os.environ.setdefault("DEBUG", "1")

from aom.settings import *  # noqa: E402, F403
