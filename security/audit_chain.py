"""The audit log as a hash chain (see security/store.py): appending a row under the writers'
lock (SQLite's write lock, or the row lock of `audit_head` on a server database), verifying
the chain, and reading it for the audit page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, insert, select, update

from security.store_schema import AT_FORMAT, AUDIT_FIELDS, GENESIS, audit, audit_head, chain_hash, now


class AuditLog:
    """The audit methods of `security.store.Store` (its `engine` and `sqlite`)."""

    def record(self, who: str, role: str, event_name: str, detail: str = "", scope: str = "", remote: str = "") -> int:
        """Append one audit row, chained to the last one; returns its id. Writers serialise on
        SQLite's write lock (BEGIN IMMEDIATE), so two processes never chain to the same row."""
        if not self.sqlite:
            return self._record_on_server(who, role, event_name, detail, scope, remote)
        values = {
            "at": now().strftime(AT_FORMAT),
            "who": who or "",
            "role": role or "",
            "event": event_name,
            "detail": detail or "",
            "scope": scope or "",
            "remote": remote or "",
        }
        raw = self.engine.raw_connection()
        try:
            con = raw.driver_connection
            con.execute("BEGIN IMMEDIATE")
            try:
                last = con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
                seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
                new_id = max(seq[0] if seq else 0, last[0] if last else 0) + 1
                values["id"] = new_id
                values["hash"] = chain_hash(last[1] if last else GENESIS, values)
                con.execute(
                    f"INSERT INTO audit ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                    list(values.values()),
                )
                con.commit()
            except BaseException:
                con.rollback()
                raise
        finally:
            raw.close()
        return new_id

    def _record_on_server(self, who: str, role: str, event_name: str, detail: str, scope: str, remote: str) -> int:
        """`record` on a server database: writers serialise on the row lock of `audit_head`
        (SELECT … FOR UPDATE), whichever machine they run on, and each sees the row the one
        before it committed (read committed: every statement reads what is committed)."""
        values = {"at": now(), "who": who or "", "role": role or "", "event": event_name}
        values |= {"detail": detail or "", "scope": scope or "", "remote": remote or ""}
        with self.engine.begin() as con:
            head = con.execute(
                select(audit_head.c.last_id).where(audit_head.c.name == "audit").with_for_update()
            ).scalar_one()
            last = con.execute(select(audit.c.id, audit.c.hash).order_by(audit.c.id.desc()).limit(1)).first()
            values["id"] = new_id = max(head, last.id if last else 0) + 1
            values["hash"] = chain_hash(last.hash if last else GENESIS, values)
            con.execute(insert(audit).values(**values))
            con.execute(update(audit_head).where(audit_head.c.name == "audit").values(last_id=new_id))
        return new_id

    def _audit_chain(self) -> tuple[list, int]:
        """Every audit row in id order (its fields, then its hash) and the highest id handed out."""
        if not self.sqlite:
            with self.engine.connect() as con:
                rows = con.execute(select(*(audit.c[f] for f in AUDIT_FIELDS), audit.c.hash).order_by(audit.c.id))
                rows = [tuple(r) for r in rows]
                head = con.execute(select(audit_head.c.last_id).where(audit_head.c.name == "audit")).scalar()
            return rows, head or 0
        raw = self.engine.raw_connection()
        try:
            con = raw.driver_connection
            rows = con.execute(f"SELECT {', '.join(AUDIT_FIELDS)}, hash FROM audit ORDER BY id").fetchall()
            seq = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone()
        finally:
            raw.close()
        return rows, seq[0] if seq else 0

    def verify_audit(self) -> AuditCheck:
        """Recompute the chain from the first row: whole, or the first row that does not fit."""
        rows, seq = self._audit_chain()
        prev, expected = GENESIS, 1
        for row in rows:
            values = dict(zip(AUDIT_FIELDS, row[:-1], strict=False))
            if values["id"] != expected:
                return AuditCheck(False, len(rows), expected, "missing")
            if chain_hash(prev, values) != row[-1]:
                return AuditCheck(False, len(rows), values["id"], "altered")
            prev, expected = row[-1], expected + 1
        if seq >= expected:
            return AuditCheck(False, len(rows), expected, "missing")
        return AuditCheck(True, len(rows))

    def audit_rows(
        self, limit: int = 200, event_name: str | None = None, who: str | None = None, since: dt.datetime | None = None
    ) -> list[dict]:
        """The newest audit records first (at in UTC)."""
        q = select(audit).order_by(audit.c.id.desc()).limit(limit)
        if event_name:
            q = q.where(audit.c.event == event_name)
        if who:
            q = q.where(audit.c.who == who)
        if since:
            q = q.where(audit.c.at >= since)
        with self.engine.connect() as con:
            return [dict(r._mapping) for r in con.execute(q)]

    def audit_names(self) -> list[str]:
        """Every `who` in the audit log, sorted (the audit page's user filter)."""
        with self.engine.connect() as con:
            return [r[0] for r in con.execute(select(audit.c.who).distinct().order_by(audit.c.who))]

    def audit_count(self) -> int:
        with self.engine.connect() as con:
            return con.execute(select(func.count()).select_from(audit)).scalar_one()


@dataclass(frozen=True)
class AuditCheck:
    """`ok`: the chain is whole. Else `first_bad` is the id of the first row that does not fit
    and `problem` says how: `missing` (no row with that id: deleted, or cut off the end) or
    `altered` (its content, or a row before it, was changed)."""

    ok: bool
    rows: int
    first_bad: int | None = None
    problem: str = ""

    def text(self, lang: str = "zh") -> str:
        if self.ok:
            return (
                f"审计链完整：{self.rows} 条记录逐条相扣"
                if lang == "zh"
                else f"Audit chain whole: {self.rows} records, each linked to the one before"
            )
        if self.problem == "missing":
            return (
                f"审计链断开：第 {self.first_bad} 条记录缺失（被删除）"
                if lang == "zh"
                else f"Audit chain broken: record {self.first_bad} is missing (deleted)"
            )
        return (
            f"审计链断开：第 {self.first_bad} 条记录与前一条不相扣（内容被改动）"
            if lang == "zh"
            else f"Audit chain broken: record {self.first_bad} does not fit the one before (altered)"
        )
