"""Test settings: the suite runs on SQLite, or on PostgreSQL when asked to.

`LATIDO_TEST_ON_POSTGRES=1` with `LATIDO_TEST_DATABASE_URL` set switches the database.
"""

import os
import tempfile

os.environ.setdefault("LATIDO_TASK_BACKEND", "immediate")
os.environ.setdefault("LATIDO_FAST_PASSWORD_HASHER", "1")
# Tests (and the live server of browser tests) use plain connections, not the pool.
os.environ.setdefault("LATIDO_DB_POOL", "0")
os.environ.setdefault("LATIDO_DATA_DIR", tempfile.mkdtemp(prefix="latido-test-"))
if os.environ.get("LATIDO_TEST_ON_POSTGRES") == "1" and os.environ.get("LATIDO_TEST_DATABASE_URL"):
    os.environ["LATIDO_DATABASE_URL"] = os.environ["LATIDO_TEST_DATABASE_URL"]
else:
    os.environ["LATIDO_DATABASE_URL"] = "sqlite:///:memory:"

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES  # noqa: E402

DATABASES["default"]["CONN_MAX_AGE"] = 0  # the live server must not keep the test DB open
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": ""}
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
