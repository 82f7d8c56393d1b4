"""What an attacker with the database file (or the server's owner role) does first: the
append-only triggers of the audit and lock tables are removed, so that the detection
behind them (keyed chain, seal) is what the attack tests exercise."""

from __future__ import annotations

from sqlalchemy import Connection, text

TABLES = ("auditentry", "resultslock")


def drop_append_only(conn: Connection) -> None:
    for table in TABLES:
        if conn.dialect.name == "sqlite":
            for event in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{event}"))
        else:
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
