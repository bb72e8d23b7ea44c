"""SQLite persistence across restarts, and concurrency on a real uvicorn server."""

from __future__ import annotations

import sqlite3
import threading

import httpx
from mock_helpers import audit, create_order, get_order, order_body
from mock_scenarios import act, new_order, with_shipment

from conformance.cli import main
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread


def test_sqlite_state_survives_restart(make_api, tmp_path):
    db = str(tmp_path / "mock.db")
    first = make_api(MockConfig(token="t", db=db))
    ctx = with_shipment(first, new_order(first))
    act(first, ctx, "cancelOrder", "partial")
    token = first.post(
        "/user/v1/clients/token",
        token=None,
        json={"client_id": "om-client-a", "client_secret": "om-secret-a"},
    ).json()["access_token"]
    before = get_order(first, ctx["oid"])
    logs = audit(first, f"/v1/orders/{ctx['oid']}/auditLogs")

    second = make_api(MockConfig(token="t", db=db))
    assert get_order(second, ctx["oid"]) == before
    assert audit(second, f"/v1/orders/{ctx['oid']}/auditLogs") == logs
    assert second.get(f"/v1/shipments/{ctx['sid']}").json()["packages"][0]["id"] == ctx["pid"]
    assert second.get(f"/v1/orders/{ctx['oid']}", token=token).status_code == 200
    short_ids = {before["shortId"], create_order(second)["shortId"]}
    assert len(short_ids) == 2  # counters continue
    assert second.get("/v1/orders").json()["totalCount"] == 2
    events = audit(second, f"/v1/orders/{ctx['oid']}/auditLogs")
    act(second, ctx, "holdOrder")
    assert audit(second, f"/v1/orders/{ctx['oid']}/auditLogs")[-1]["version"] == len(events)


def test_refusal_writes_nothing_to_sqlite(make_api, tmp_path):
    db = str(tmp_path / "mock.db")
    api = make_api(MockConfig(token="t", db=db))
    ctx = new_order(api)
    act(api, ctx, "cancelOrder", "whole")

    def rows():
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM audit").fetchone()[0], conn.execute(
                "SELECT group_concat(data) FROM records"
            ).fetchone()[0]

    before = rows()
    assert act(api, ctx, "holdOrder").status_code == 409
    assert rows() == before


def test_a_file_in_another_storage_format_is_refused_by_name(tmp_path, capsys):
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:  # what the mock wrote before records were stored encoded
        conn.execute("CREATE TABLE records (kind TEXT, id TEXT, data TEXT)")
        conn.execute("INSERT INTO records VALUES ('Order', 'o1', '{}')")
    assert main(["mock", "--db", str(db), "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert f"--db {db}" in err and "storage format 0" in err and "delete the file" in err
    with sqlite3.connect(db) as conn:  # nothing was changed in the refused file
        assert conn.execute("SELECT data FROM records").fetchall() == [("{}",)]


def test_fifty_concurrent_clients_on_a_real_server():
    base_url, stop = run_in_thread(MockConfig(token="conc"))
    try:
        headers = {"Authorization": "Bearer conc"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as c:
            r = c.post("/v1/orders", json=order_body())
            assert r.status_code == 201
            oid = r.json()["id"]
        statuses: list[int] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            with httpx.Client(base_url=base_url, headers=headers, timeout=30) as c:
                for k in range(4):
                    if k % 2:
                        body = {"resourceType": "Order", "resourceId": oid, "text": f"{n}-{k}"}
                        r = c.post("/v1/notes", json=body)
                    else:
                        r = c.patch(f"/v1/orders/{oid}", json={"meta": {"client": f"{n}-{k}"}})
                    with lock:
                        statuses.append(r.status_code)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(statuses) == 200
        assert all(s < 500 for s in statuses)
        assert sorted(set(statuses)) == [200, 201]
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as c:
            order_log = c.get(f"/v1/orders/{oid}/auditLogs").json()["auditLogs"]
            assert [e["version"] for e in order_log] == list(range(101))  # create + 100 PATCH
            notes = c.get("/v1/notes", params={"pageSize": 100}).json()
            assert notes["totalCount"] == 100  # no lost inserts
            note_events = sum(
                len(c.get(f"/v1/notes/{n['id']}/auditLogs").json()["auditLogs"])
                for n in notes["notes"]
            )
            assert note_events == 100
    finally:
        stop()
