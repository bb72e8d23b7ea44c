"""Notes CRUD, attached to the caller's orders, order items and shipments."""

from __future__ import annotations

from ordermesh_mock.errors import ApiError
from ordermesh_mock.handlers.common import (
    Ctx,
    Result,
    audit_result,
    handler,
    note_view,
    object_id,
    paged,
)


def _author(ctx: Ctx) -> str:
    p = ctx.principal
    assert p is not None
    return p.user_id or p.client_id or "unknown"


@handler("createNote")
def create_note(ctx: Ctx) -> Result:
    uow = ctx.uow
    assert uow is not None
    body = ctx.body
    ctx.owned(body["resourceType"], body["resourceId"])  # 404 unless the caller's resource
    text = body.get("text", "")
    if ctx.fault("unicode-note-500") and not text.isascii():
        raise ApiError(500, {"statusCode": 500, "message": "'ascii' codec can't encode"})
    nid = object_id()
    note = {
        "id": nid,
        "resourceType": body["resourceType"],
        "resourceId": body["resourceId"],
        "text": text,
        "createdAt": uow.order_time(),
        "updatedAt": None,
        "createdBy": _author(ctx),
        "_merchantId": ctx.merchant,
    }
    uow.add("Note", nid, note)
    return Result(201, {"id": nid}, {"Location": f"/v1/notes/{nid}"})


@handler("listNotes")
def list_notes(ctx: Ctx) -> Result:
    table = ctx.store.tables["Note"]
    notes = [table[n] for n in ctx.store.notes_by_merchant[ctx.merchant]]
    q = ctx.query
    if "resourceType" in q:
        notes = [n for n in notes if n["resourceType"] == q["resourceType"]]
    if "resourceId" in q:
        notes = [n for n in notes if n["resourceId"] == q["resourceId"]]
    if q.get("sortDirection", "desc") == "desc":
        notes = notes[::-1]
    page, info = paged(notes, q)
    return Result(200, {**info, "notes": [note_view(n) for n in page]})


@handler("getNoteById")
def get_note(ctx: Ctx) -> Result:
    return Result(200, {"note": note_view(ctx.owned("Note", ctx.path["noteId"]))})


@handler("updateNote")
def update_note(ctx: Ctx) -> Result:
    assert ctx.uow is not None
    note = ctx.owned("Note", ctx.path["noteId"])
    text = ctx.body.get("text", "")
    if ctx.fault("put-not-idempotent"):
        text = note["text"] + text
    if ctx.fault("partial-put"):
        text = text[:20]
    if text == note["text"] and ctx.is_noop("note", None):
        ctx.uow.noop = True
    note["text"] = text
    return Result(200, {"note": note_view(note)})


@handler("deleteNote")
def delete_note(ctx: Ctx) -> Result:
    assert ctx.uow is not None
    ctx.owned("Note", ctx.path["noteId"])
    if not ctx.fault("delete-does-not-delete"):
        ctx.uow.delete("Note", ctx.path["noteId"])
    return Result(200 if ctx.changed("delete-note-200") else 204)


@handler("getNoteAuditLogs")
def note_audit(ctx: Ctx) -> Result:
    return audit_result(ctx, "Note", ctx.path["id"])
