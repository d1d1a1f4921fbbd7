"""Where the database is: DATABASE_URL when given, otherwise an embedded PostgreSQL.

The embedded server comes from the ``pgserver`` package (it ships the PostgreSQL binaries), lives in a
git-ignored folder of the project and keeps running between commands, so a fresh machine needs nothing
installed for the demo or the tests.
"""

import logging
import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import dj_database_url

from .env import env_str

logger = logging.getLogger(__name__)

EMBEDDED_DB_NAME = "keywork"


def embedded_database_url(pgdata: Path) -> str:
    """Start (or find running) the embedded server in ``pgdata`` and return a URL to its database."""
    import warnings

    os.environ.setdefault("XDG_RUNTIME_DIR", str(pgdata.parent / ".runtime"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
    warnings.filterwarnings("ignore", module="platformdirs")
    import pgserver

    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode=None)  # None: keep running for later commands
    query = f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';"  # noqa: S608 constant
    exists = server.psql(query)
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    return server.get_uri(EMBEDDED_DB_NAME)


def _parse(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=0)
    # pgserver's URL carries the socket folder as ?host=...; dj-database-url leaves it in OPTIONS.
    query = parse_qs(urlparse(url).query)
    if "host" in query:
        config["HOST"] = query["host"][0]
        config.get("OPTIONS", {}).pop("host", None)
    return config


def database_config(base_dir: Path) -> dict:
    url = env_str("DATABASE_URL", "")
    if not url:
        pgdata = Path(os.environ.get("KEYWORK_PGDATA", base_dir / ".pgdata"))
        url = embedded_database_url(pgdata)
    config = _parse(url)
    config["ATOMIC_REQUESTS"] = True
    config["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_keywork")}
    return config


def stop_embedded(pgdata: Path) -> None:
    """Stop the embedded server of ``pgdata`` (used by `make stop-db` and CI's smoke test)."""
    import os as _os

    from pgserver import pg_ctl

    if not (pgdata / "postmaster.pid").exists():
        return
    user = "pgserver" if _os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
