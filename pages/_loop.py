"""What 督办 /escalations (the issuer's side) and 待办 /inbox (the county's) share of the loop of
交办 and 督办 (workflow/): the viewer and the access store of the request, today's date in
Beijing, the working days left until a deadline (the official calendar), where a case of a
document stands in words, the act a pattern-matching button asks for, and a document's file.
"""

from __future__ import annotations

import datetime as dt

import dash
from dash import dcc, html, no_update

from components.i18n import fmt_count, label
from etl.clock import beijing_now
from metrics.deadlines import CalendarError, workdays_between
from pages._view import warehouse
from security import web
from security.roles import Viewer, may_act
from workflow import desk, downloads, register


def viewer() -> Viewer | None:
    return web.current_viewer()


def store():
    return web.store()


def today() -> dt.date:
    """The day acts are dated: Beijing's."""
    return beijing_now().date()


def may(action: str, county: str | None = None) -> bool:
    return may_act(viewer(), action, county)


def days_left(deadline: dt.date, lang: str) -> str:
    """剩余 3 个工作日 / 今天到期 / 已超期 2 个工作日, by the official calendar from today."""
    try:
        n = workdays_between(warehouse(), today(), deadline)
    except CalendarError:
        return "—"
    if n > 0:
        return label("loop_days_left", lang).format(n=fmt_count(n))
    if n == 0 and deadline >= today():
        return label("loop_due_today", lang)
    return label("loop_days_over", lang).format(n=fmt_count(max(-n, 1)))


def case_state(item: register.CaseItem, lang: str) -> str:
    """Where one case of a document stands, in a sentence."""
    parts = []
    if item.replies:
        last = item.replies[-1]
        parts.append(label("loop_replied", lang).format(day=last.happened_on, text=last.text))
    if item.asked is not None:
        parts.append(label("loop_asked", lang).format(until=item.asked.until, reason=item.asked.text))
    if item.decided is not None and (item.asked is None or item.decided.id > item.asked.id):
        key = "loop_granted" if item.decided.step == "extension_granted" else "loop_refused"
        parts.append(label(key, lang).format(until=item.decided.until, note=item.decided.text or "—"))
    return "；".join(parts) if parts else label("loop_waiting", lang)


def clicked(values) -> bool:
    """Did a click set this off (not a button drawn anew with no clicks)?"""
    return any(isinstance(v, int) and v > 0 for v in (values or []))


def act(fn, *args, done: str, lang: str):
    """Do an act of workflow.desk as the viewer: (ok, message) — what was done (the label `done`,
    with the document's number), or the refusal or error in Chinese."""
    try:
        doc = fn(store(), viewer(), *args, today=today())
    except desk.WorkflowError as exc:
        return False, str(exc)
    return True, label(done, lang).format(doc=doc.doc_no)


def message(ok: bool, text: str) -> html.Div:
    return html.Div(text, className=f"alert {'alert-success' if ok else 'alert-danger'} py-2 mb-2", role="alert")


def file_buttons(page: str, doc: register.Document, lang: str) -> html.Span:
    """.docx and PDF download buttons of a document (`<page>-file`, its doc id and format)."""
    return html.Span(
        [
            html.Button(
                label(f"loop_{fmt}", lang),
                id={"type": f"{page}-file", "doc": doc.id, "fmt": fmt},
                className="btn btn-sm btn-outline-secondary me-1",
            )
            for fmt in ("docx", "pdf")
        ]
    )


def attachment_buttons(page: str, item: register.CaseItem) -> list:
    """A download button for each file the case's replies came with (`<page>-attachment`, its id)."""
    return [
        html.Button(
            f"📎 {a.name}",
            id={"type": f"{page}-attachment", "id": a.id},
            className="btn btn-sm btn-link p-0 me-2",
        )
        for reply in item.replies
        for a in reply.attachments
    ]


def send_attachment(trigger):
    """The attachment a `<page>-attachment` button asks for, to the page's dcc.Download, or (None,
    the reason)."""
    if not isinstance(trigger, dict):
        return no_update, None
    try:
        name, data = downloads.attachment_file(store(), viewer(), trigger.get("id"))
    except desk.WorkflowError as exc:
        return no_update, message(False, str(exc))
    return dcc.send_bytes(data, name), None


def uploaded(contents, names) -> list[tuple[str, bytes]]:
    """The files of a dcc.Upload (data URLs) as (name, bytes); WorkflowError for one that is not base64."""
    import base64
    import binascii

    out = []
    for content, name in zip(contents or [], names or [], strict=False):
        try:
            out.append((str(name), base64.b64decode(str(content).split(",", 1)[1], validate=True)))
        except (IndexError, binascii.Error, ValueError):
            raise desk.WorkflowError(f"附件“{name}”没有完整上传，请重新选择") from None
    return out


def send_file(trigger, lang: str):
    """The file a `<page>-file` button asks for, to a dcc.Download (audited as an export), or
    (None, the reason) when the viewer may not have it or it fails its hash."""
    if not isinstance(trigger, dict):
        return no_update, None
    try:
        name, data = downloads.document_file(store(), viewer(), trigger.get("doc"), str(trigger.get("fmt")))
    except desk.WorkflowError as exc:
        return no_update, message(False, str(exc))
    return dcc.send_bytes(data, name), None


def trigger_of() -> dict | None:
    """The pattern id of the button that set the callback off."""
    trigger = dash.ctx.triggered_id
    return dict(trigger) if isinstance(trigger, dict) else None
