"""The group robot (群机器人) of WeCom (企业微信) or DingTalk (钉钉): after `python -m etl escalate`
ran, the new early warnings (metrics/warnings.py, every region) and the escalations the run made
are posted to the group, in the robot's markdown message (WEBHOOK_FORMAT):

- wecom: {"msgtype": "markdown", "markdown": {"content": …}} (content at most 4,096 bytes);
- dingtalk: {"msgtype": "markdown", "markdown": {"title": …, "text": …}}.

Each item is posted once: it is recorded in `wf_notices` under its key (metrics.warnings.key_of;
an escalation by its id and state) and marked sent when the robot accepted the message (HTTP 200
and `errcode` 0). A receiver that fails (down, an error, a refusal) is reported, never fatal: the
items stay unsent and go with the next run's message. A message names, per kind, how many items
are new and the worst WORST of them; the rest are counted ("另有 N 项"). No message carries a phone
number: the items are built from names, dates and figures only, and every text is scrubbed of
anything that looks like one (mobile or landline) before it is sent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from sqlalchemy import insert, select, update

import settings
from metrics.warnings import Warnings, describe, items, key_of
from security.store import now
from vocab.labels import label
from vocab.ladder import ISSUED, WARNING_KINDS, WORST
from workflow.ladder import Escalation
from workflow.schema import ensure, notices

FORMATS = ("wecom", "dingtalk")
MAX_BYTES = 4000  # WeCom's markdown content takes 4,096 bytes; DingTalk more
TIMEOUT_S = 10
ESCALATION = "escalation"
# A mobile number (11 digits from 1[3-9]) or a landline (0 + area code + 7–8 digits), standing alone.
PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")


class WebhookError(ValueError):
    """The robot's settings cannot be used (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Report:
    """What a call of `notify` did: items recorded anew, items sent, and the error (if any)."""

    new: int
    sent: int
    error: str = ""


def scrub(text: str) -> str:
    """The text with anything that looks like a phone number masked (defence in depth)."""
    return PHONE.sub("***", text)


def notify(store, warnings: Warnings, escalations: list[Escalation], names: dict[str, str], today: dt.date) -> Report:
    """Record the new items and post every unsent one, when WEBHOOK_URL is set (else nothing)."""
    url = str(settings.get("WEBHOOK_URL") or "").strip()
    if not url:
        return Report(0, 0)
    fmt = str(settings.get("WEBHOOK_FORMAT") or "wecom").strip().lower()
    if fmt not in FORMATS:
        raise WebhookError(f"WEBHOOK_FORMAT“{fmt}”应为 wecom（企业微信）或 dingtalk（钉钉）")
    if not url.startswith(("http://", "https://")):
        raise WebhookError("WEBHOOK_URL 应以 http:// 或 https:// 开头")
    new = _record(store, warnings, escalations, names, today)
    pending = _unsent(store)
    if not pending:
        return Report(new, 0)
    body = message(fmt, pending, today)
    error = _post(url, body)
    with store.engine.begin() as con:
        ids = [p["id"] for p in pending]
        if error:
            con.execute(
                update(notices).where(notices.c.id.in_(ids)).values(attempts=notices.c.attempts + 1, error=error[:500])
            )
        else:
            con.execute(
                update(notices).where(notices.c.id.in_(ids)).values(attempts=notices.c.attempts + 1, sent_at=now())
            )
    return Report(new, 0 if error else len(pending), error)


def _record(store, warnings: Warnings, escalations: list[Escalation], names: dict[str, str], today: dt.date) -> int:
    found = [(kind, key_of(kind, row), describe(kind, row)) for kind, row in items(warnings)]
    for esc in escalations:
        state = (
            label("robot_escalation_issued", "zh").format(doc=esc.doc_no)
            if esc.state == ISSUED
            else label("robot_escalation_proposed", "zh")
        )
        text = f"#{esc.id} {esc.leads_to} → {names.get(esc.county, esc.county)}：{len(esc.cases)} 件（{state}）{esc.reason}"
        found.append((ESCALATION, f"{ESCALATION}:{esc.id}:{esc.state}", text))
    ensure(store.engine)
    with store.engine.begin() as con:
        known = set(con.execute(select(notices.c.key).where(notices.c.key.in_([k for _, k, _ in found]))).scalars())
        fresh = [(kind, key, text) for kind, key, text in dict.fromkeys(found) if key not in known]
        for kind, key, text in fresh:
            con.execute(
                insert(notices).values(key=key, kind=kind, text=scrub(text), made_on=today, attempts=0, error="")
            )
    return len(fresh)


def _unsent(store) -> list[dict]:
    with store.engine.connect() as con:
        rows = con.execute(select(notices).where(notices.c.sent_at.is_(None)).order_by(notices.c.id)).all()
    return [dict(r._mapping) for r in rows]


def message(fmt: str, pending: list[dict], today: dt.date) -> dict:
    """The robot's message for the unsent items: per kind, the count and the first WORST lines."""
    title = label("robot_title", "zh").format(day=today.isoformat())
    lines = [f"## {title}"]
    for kind in (ESCALATION, *WARNING_KINDS):
        mine = [p["text"] for p in pending if p["kind"] == kind]
        if not mine:
            continue
        lines.append(f"**{label(f'warning.{kind}', 'zh')}：{len(mine)} 项**")
        lines += [f"> {t}" for t in mine[:WORST]]
        if len(mine) > WORST:
            lines.append(f"> {label('warnings_more', 'zh').format(n=len(mine) - WORST)}")
    text = scrub(_fit("\n".join(lines)))
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _fit(text: str) -> str:
    """The text cut at a line to the robot's limit (UTF-8 bytes)."""
    while len(text.encode()) > MAX_BYTES:
        text = text.rsplit("\n", 1)[0]
    return text


def _post(url: str, body: dict) -> str:
    """POST the message; '' when the robot accepted it, else what went wrong."""
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310 (an http(s) URL, checked)
            answer = response.read(65536)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"推送失败：{exc}"
    try:
        code = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        return "推送失败：机器人的应答不是 JSON"
    return "" if code == 0 else f"推送失败：机器人返回 errcode {code}"
