"""The loop's tables in the access store (SQLite beside the warehouse, or ACCESS_DB_URL's
server database: security/store_schema.py), never in the published warehouse, so that they
outlive every publish:

- `wf_counters`: the last number handed out per issuing body's code (机关代字) and year; only
  ever incremented, inside the transaction that writes the document, so a number is never
  handed out twice nor reused after a failed issue (the failed transaction never took it);
- `wf_documents`: one row per document issued, its 文号 unique (and body, year, number unique),
  what it demands by when, who issued it, and its two files with their SHA-256;
- `wf_document_cases`: the cases a document covers, in its order;
- `wf_attachments`: the files a reply came with (images, PDF), stored like the documents;
- `wf_steps`: what happened to a document and its cases after it was issued, appended and never
  changed: issued (one per case), signed (签收, the whole document), replied (整改回复),
  extension asked (延期申请, with the date asked for) and granted or refused (`answers` names the
  request);
- `wf_escalations` and `wf_escalation_sources`: what the escalation rules proposed or issued by
  themselves (workflow/ladder.py), a rule acting once on a source;
- `wf_notices`: what the group robot was given to post (workflow/webhook.py), each sent once.

`ensure(engine)` creates them once per engine and process (on a server database under an
advisory lock, whichever process gets there first)."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Engine

metadata = MetaData()

counters = Table(
    "wf_counters",
    metadata,
    Column("body_code", String(32), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_seq", Integer, nullable=False),
)

documents = Table(
    "wf_documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_no", String(64), nullable=False, unique=True),  # 晋中物监督〔2025〕17号
    Column("body_code", String(32), nullable=False),  # 机关代字
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("body", String(128), nullable=False),  # 发文机关
    Column("kind", String(16), nullable=False),  # vocab.workflow.KINDS
    Column("county", String(6), nullable=False, index=True),  # the county-level code it is addressed to
    Column("addressee", String(128), nullable=False),
    Column("title", Text, nullable=False),
    Column("demand", Text, nullable=False),
    Column("workdays", Integer, nullable=False),
    Column("issued_on", Date, nullable=False),  # Beijing date
    Column("deadline", Date, nullable=False),
    Column("issued_by", String(64), nullable=False),
    Column("issued_role", String(16), nullable=False),
    Column("issued_at", DateTime, nullable=False),  # UTC, as the access store keeps times
    Column("docx_file", String(255), nullable=False),
    Column("docx_sha256", String(64), nullable=False),
    Column("pdf_file", String(255), nullable=False),
    Column("pdf_sha256", String(64), nullable=False),
    # the issue form's one-time token and the county: a form sent twice (a double click) issues once
    Column("token", String(80), unique=True),
    UniqueConstraint("body_code", "year", "seq", name="wf_documents_number"),
    sqlite_autoincrement=True,
)

document_cases = Table(
    "wf_document_cases",
    metadata,
    Column("document_id", Integer, ForeignKey("wf_documents.id"), primary_key=True),
    Column("case_id", String(64), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
)

steps = Table(
    "wf_steps",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("wf_documents.id"), nullable=False, index=True),
    Column("case_id", String(64), index=True),  # None: the whole document (signed)
    Column("step", String(24), nullable=False),  # issued, signed, replied, extension_asked, _granted, _refused
    Column("happened_on", Date, nullable=False),  # Beijing date
    Column("at", DateTime, nullable=False),  # UTC
    Column("who", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("until", Date),  # an extension's date (asked for, or granted)
    Column("answers", Integer, ForeignKey("wf_steps.id")),  # a decision: the request it answers
    sqlite_autoincrement=True,
)

# wf_steps.step
attachments = Table(
    "wf_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("step_id", Integer, ForeignKey("wf_steps.id"), nullable=False, index=True),  # the reply
    Column("name", String(255), nullable=False),  # as the officer's file was called (cleaned)
    Column("kind", String(8), nullable=False),  # jpg, png, pdf: told by the content
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("file", String(255), nullable=False),  # under the documents' folder
    sqlite_autoincrement=True,
)

# The ladder (workflow/ladder.py): what the escalation rules found, proposed or issued by themselves.
escalations = Table(
    "wf_escalations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rule_id", String(32), nullable=False),
    Column("leads_to", String(16), nullable=False),  # the kind of document it issues (vocab.workflow.KINDS)
    Column("mode", String(8), nullable=False),  # vocab.ladder.MODES
    Column("county", String(6), nullable=False, index=True),
    Column("made_on", Date, nullable=False),  # the run's day (Beijing)
    Column("reason", Text, nullable=False),  # why, in Chinese: the rule and what set it off
    Column("state", String(12), nullable=False),  # proposed, issued, dismissed
    Column("document_id", Integer, ForeignKey("wf_documents.id")),  # what it issued
    Column("decided_by", String(64)),
    Column("decided_role", String(16)),
    Column("decided_at", DateTime),  # UTC
    Column("note", Text, nullable=False, default=""),  # e.g. why an automatic issue failed
    sqlite_autoincrement=True,
)

# One row per case an escalation covers, under the key that makes a run idempotent: a rule acts
# once on a source (a document's case, or a case), whatever the number of runs.
escalation_sources = Table(
    "wf_escalation_sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("escalation_id", Integer, ForeignKey("wf_escalations.id"), nullable=False, index=True),
    Column("rule_id", String(32), nullable=False),
    Column("source", String(96), nullable=False),  # doc<id>:<case> or case:<case>
    Column("case_id", String(64), nullable=False),
    UniqueConstraint("rule_id", "source", name="wf_escalation_sources_once"),
    sqlite_autoincrement=True,
)

# What the robot (workflow/webhook.py) was given to post: each once, retried until it is sent.
notices = Table(
    "wf_notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(160), nullable=False, unique=True),  # what it is about (a warning's or escalation's key)
    Column("kind", String(16), nullable=False),
    Column("text", Text, nullable=False),  # one markdown line, no personal data
    Column("made_on", Date, nullable=False),
    Column("sent_at", DateTime),  # UTC; None until the robot accepted it
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text, nullable=False, default=""),
    sqlite_autoincrement=True,
)

ISSUE, SIGN, REPLY = "issued", "signed", "replied"
ASK, GRANT, REFUSE = "extension_asked", "extension_granted", "extension_refused"

_ready: set[int] = set()
_lock = threading.Lock()


def _lock_after_fork() -> None:
    # a process forked while another thread created the tables: the child's own lock, free
    # (the tables are created once per engine, and the child's engines are its own)
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_lock_after_fork)

_SCHEMA_LOCK = 7_341_119  # the advisory lock under which processes create the tables on a server database


def ensure(engine: Engine) -> None:
    """Create the loop's tables in this store if they are missing (once per engine and process)."""
    if id(engine) in _ready:
        return
    with _lock:
        if id(engine) in _ready:
            return
        # the writers' lock before the check: two processes (export jobs forked at once) both
        # found the tables missing and the second one's CREATE failed
        with _write_transaction(engine) as con:
            if engine.dialect.name == "postgresql":
                con.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK})
            metadata.create_all(con)
        _ready.add(id(engine))


@contextmanager
def _write_transaction(engine: Engine):
    """A transaction that holds the writers' lock from its first statement (SQLite: BEGIN
    IMMEDIATE), so that what it reads is still true when it writes."""
    with engine.begin() as con:
        if engine.dialect.name == "sqlite":
            con.exec_driver_sql("BEGIN IMMEDIATE")
        yield con


@contextmanager
def writing(store, make=ensure):
    """A write transaction of the access store (`_write_transaction`); `make` creates the
    tables it writes first."""
    make(store.engine)
    with _write_transaction(store.engine) as con:
        yield con
