"""Write-through SQLite persistence: one transaction per request; loaded back at start.

Records and events are written in the store's own encoding (`records.py`), so saving and loading
move bytes without re-serialising them.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from typing import Any

from ordermesh_mock.records import FORMAT_VERSION
from ordermesh_mock.store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL, id TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS audit (
    rtype TEXT NOT NULL, rid TEXT NOT NULL, version INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (rtype, rid, version));
CREATE TABLE IF NOT EXISTS owners (
    kind TEXT NOT NULL, id TEXT NOT NULL, merchant TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    kind TEXT NOT NULL, token TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (kind, token));
"""


class SqliteBackend:
    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self._check_format()
        self.conn.executescript(SCHEMA)

    def _check_format(self) -> None:
        (version,) = self.conn.execute("PRAGMA user_version").fetchone()
        (tables,) = self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if tables == 0:
            self.conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        elif version != FORMAT_VERSION:
            self.conn.close()
            raise ValueError(
                f"--db {self.path}: written by a mock with storage format {version}, this mock "
                f"reads format {FORMAT_VERSION}; delete the file or choose another --db"
            )

    def write(
        self,
        records: list[tuple[str, str, bytes | None]],
        events: list[tuple[str, str, int, bytes]],
        counters: dict[str, int],
        owners: list[tuple[str, str, str]],
    ) -> None:
        with self._lock:
            cur = self.conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                for kind, rid, data in records:
                    if data is None:
                        cur.execute("DELETE FROM records WHERE kind=? AND id=?", (kind, rid))
                    else:
                        cur.execute(
                            "INSERT INTO records(kind, id, data) VALUES (?,?,?) "
                            "ON CONFLICT(kind, id) DO UPDATE SET data=excluded.data",
                            (kind, rid, data),
                        )
                cur.executemany(
                    "INSERT INTO audit(rtype, rid, version, data) VALUES (?,?,?,?)", events
                )
                cur.executemany(
                    "INSERT OR IGNORE INTO owners(kind, id, merchant) VALUES (?,?,?)", owners
                )
                cur.executemany(
                    "INSERT INTO counters(name, value) VALUES (?,?) "
                    "ON CONFLICT(name) DO UPDATE SET value=excluded.value",
                    list(counters.items()),
                )
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise

    def save_token(self, kind: str, token: str, data: dict[str, Any] | None) -> None:
        with self._lock:
            if data is None:
                self.conn.execute("DELETE FROM tokens WHERE kind=? AND token=?", (kind, token))
            else:
                self.conn.execute(
                    "INSERT OR REPLACE INTO tokens(kind, token, data) VALUES (?,?,?)",
                    (kind, token, json.dumps(data)),
                )

    def tokens(self) -> list[tuple[str, str, dict[str, Any]]]:
        rows = self.conn.execute("SELECT kind, token, data FROM tokens").fetchall()
        return [(k, t, json.loads(d)) for k, t, d in rows]

    def load(self, store: Store) -> None:
        """Fill an empty store from the file (records in insertion order, then the logs).

        Every row brings fresh copies of its strings; 100,000 orders repeat each id and type
        name several times, so the loader hands out one shared object per distinct string.
        """
        shared: dict[str, str] = {}
        for kind, rid, data in self.conn.execute(
            "SELECT kind, id, data FROM records ORDER BY rowid"
        ):
            store.load_record(sys.intern(kind), shared.setdefault(rid, rid), data)
        for rtype, rid, data in self.conn.execute(
            "SELECT rtype, rid, data FROM audit ORDER BY rtype, rid, version"
        ):
            store.audit[(sys.intern(rtype), shared.get(rid, rid))].append(data)
        for kind, rid, merchant in self.conn.execute("SELECT kind, id, merchant FROM owners"):
            key = (sys.intern(kind), shared.get(rid, rid))
            if key not in store.owners:  # live records were given their owner when indexed
                store.owners[key] = sys.intern(merchant)
        for name, value in self.conn.execute("SELECT name, value FROM counters"):
            store.counters[name] = value

    def wipe(self) -> None:
        with self._lock:
            self.conn.executescript(
                "BEGIN; DELETE FROM records; DELETE FROM audit; DELETE FROM owners;"
                " DELETE FROM counters; COMMIT;"
            )

    def close(self) -> None:
        self.conn.close()
