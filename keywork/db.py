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
    # Persistent connections: a new connection cost ~7 ms of database CPU on every request
    # (issue 21). Safe with row-level security because the organisation is set per statement,
    # transaction-local (tenancy.rls), so nothing of one request survives into the next;
    # tests/tenancy/test_rls.py proves it on a reused connection.
    config = dj_database_url.parse(
        url,
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # pgserver's URL carries the socket folder as ?host=...; dj-database-url leaves it in OPTIONS.
    query = parse_qs(urlparse(url).query)
    if "host" in query:
        config["HOST"] = query["host"][0]
        config.get("OPTIONS", {}).pop("host", None)
    return config


def bootstrap_roles(
    admin: dict, owner_role: str, app_role: str, passwords: dict[str, str] | None = None
) -> None:
    """Create the two roles (idempotent) with an administrator's connection, and hand the database
    to the owner. Used where one administrator URL is given (development, CI, the embedded server);
    production passes DATABASE_URL and DATABASE_OWNER_URL for roles its DBA made."""
    import psycopg2

    connection = psycopg2.connect(
        dbname=admin["NAME"],
        user=admin["USER"],
        password=admin.get("PASSWORD") or None,
        host=admin.get("HOST") or None,
        port=admin.get("PORT") or None,
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %(owner)s) THEN
                    EXECUTE format('CREATE ROLE %%I LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS', %(owner)s);
                  END IF;
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = %(app)s) THEN
                    EXECUTE format('CREATE ROLE %%I LOGIN NOCREATEDB NOSUPERUSER NOBYPASSRLS', %(app)s);
                  END IF;
                END $$;
                """,
                {"owner": owner_role, "app": app_role},
            )
            from psycopg2 import sql

            for role, password in (passwords or {}).items():
                if password:
                    cursor.execute(
                        sql.SQL("ALTER ROLE {} PASSWORD %s").format(sql.Identifier(role)),
                        [password],
                    )
            cursor.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                [admin["NAME"]],
            )
            (current_owner,) = cursor.fetchone()
            if current_owner != owner_role:
                cursor.execute(
                    sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                        sql.Identifier(admin["NAME"]), sql.Identifier(owner_role)
                    )
                )
    finally:
        connection.close()


def database_settings(base_dir: Path) -> dict[str, dict]:
    """Two aliases on one database: ``migrator`` connects as the role that owns the tables and runs
    migrations; ``default`` (every request and task) as a role that owns nothing, is not a superuser
    and cannot bypass row-level security."""
    owner_role = env_str("DATABASE_OWNER_ROLE", "keywork_owner")
    app_role = env_str("DATABASE_APP_ROLE", "keywork_app")
    url = env_str("DATABASE_URL", "")
    owner_url = env_str("DATABASE_OWNER_URL", "")
    if url and owner_url:
        app, owner = _parse(url), _parse(owner_url)
    else:
        if not url:
            pgdata = Path(os.environ.get("KEYWORK_PGDATA", base_dir / ".pgdata"))
            url = embedded_database_url(pgdata)
        admin = _parse(url)
        owner_password = env_str("DATABASE_OWNER_PASSWORD", "")
        app_password = env_str("DATABASE_APP_PASSWORD", "")
        bootstrap_roles(
            admin, owner_role, app_role, {owner_role: owner_password, app_role: app_password}
        )
        owner = {**admin, "USER": owner_role, "PASSWORD": owner_password}
        app = {**admin, "USER": app_role, "PASSWORD": app_password}
    test = {"NAME": env_str("TEST_DATABASE_NAME", "test_keywork")}
    app.update(ATOMIC_REQUESTS=True, DISABLE_SERVER_SIDE_CURSORS=True, TEST=test)
    owner.update(ATOMIC_REQUESTS=False, TEST=test)
    # migrator first: the test runner creates and migrates the shared test database through the
    # first alias of a group, and only the owner may create tables.
    return {"migrator": owner, "default": app}


def stop_embedded(pgdata: Path) -> None:
    """Stop the embedded server of ``pgdata`` (used by `make stop-db` and CI's smoke test)."""
    import os as _os

    from pgserver import pg_ctl

    if not (pgdata / "postmaster.pid").exists():
        return
    user = "pgserver" if _os.geteuid() == 0 else None
    pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=user)
