"""The ladder that moves by itself (workflow/ladder.py, ladder_desk.py, escalate_cli.py) on a fixed
clock across the 2025 Spring Festival (28 Jan – 4 Feb off; Sunday 26 Jan and Saturday 8 Feb
worked): a 提醒函 issued on Friday 24 January and not answered leads to a 督办函 proposal once its
five working days (26, 27 Jan, 5, 6, 7 Feb) have passed — on Saturday 8 February, not before;
a second run of the same day proposes and issues nothing; a 交办单 not signed for is urged by
the system itself (numbered, audited with the system as actor); a proposal is confirmed (issued
like a manual issue) or dismissed once, by a leader or supervisor only; the command line in
process with --json."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from etl.cli import main
from metrics import app_trail
from metrics import escalations as esc
from metrics.filters import Filter, Scope
from security.roles import Viewer
from security.store import Store
from vocab.ladder import DISMISSED, ISSUED, PROPOSED, SYSTEM_NAME, SYSTEM_ROLE
from workflow import desk, ladder, ladder_desk, register
from workflow.ladder_rules import LadderRule, LadderRulesError, read_rules

SUPERVISOR = Viewer("supervisor", "supervisor")
LEADER = Viewer("leader", "leader")
YUCI = Viewer("county_140702", "county", "140702")
ADMIN = Viewer("admin", "admin")
EVE = dt.date(2025, 1, 24)  # Friday before the Spring Festival
D = dt.date
REMINDER_UNANSWERED = LadderRule("R2", "no_reply", "提醒函", 5, "督办函", "propose")
UNSIGNED = LadderRule("R1", "not_signed", "交办", 3, "催办", "auto")


@pytest.fixture
def loop(tmp_path, demo_wh, monkeypatch):
    store = Store(tmp_path / "access.sqlite")
    monkeypatch.setattr(app_trail, "_source", lambda ids: register.trail_steps(store, ids))
    return store, tmp_path / "documents"


@pytest.fixture(scope="module")
def open_yuci(demo_wh) -> list[str]:
    """Three cases of 榆次区 open on 8 February 2025 and at the data's end."""
    scope = Scope(None, True)
    now = set(esc.open_cases(demo_wh, Filter("140702"), scope, limit=None)["case_id"])
    then = esc.open_cases(demo_wh, Filter("140702", None, D(2025, 2, 8)), scope, limit=None)
    then = then[then["county"] == "140702"]
    found = [c for c in then["case_id"] if c in now][:3]
    assert len(found) == 3
    return found


def issue(loop, wh, cases, kind="提醒函", days=5, day=EVE):
    store, folder = loop
    return desk.issue(store, wh, SUPERVISOR, kind, cases, days, "请整改", today=day, folder=folder)[0]


def run(loop, wh, day, *rules):
    store, folder = loop
    return ladder.run(store, wh, day, tuple(rules), folder=folder)


def test_an_unanswered_reminder_leads_to_a_supervision_letter_once_five_working_days_passed(loop, demo_wh, open_yuci):
    doc = issue(loop, demo_wh, open_yuci[:2])
    assert doc.deadline == D(2025, 2, 7)
    # the festival's days do not count: nothing on the 27th, the 5th, 6th, nor on the 7th (still due that day)
    for day in (D(2025, 1, 27), D(2025, 2, 3), D(2025, 2, 6), D(2025, 2, 7)):
        assert run(loop, demo_wh, day, REMINDER_UNANSWERED).proposed == [], day
    first = run(loop, demo_wh, D(2025, 2, 8), REMINDER_UNANSWERED)  # the working Saturday after the fifth day
    (proposal,) = first.proposed
    assert first.issued == []
    assert (proposal.leads_to, proposal.county, proposal.state) == ("督办函", "140702", PROPOSED)
    assert proposal.cases == tuple(open_yuci[:2])
    assert doc.doc_no in proposal.reason and "5 个工作日未回复" in proposal.reason
    # idempotent: the same day again, and the next day, propose nothing new
    assert run(loop, demo_wh, D(2025, 2, 8), REMINDER_UNANSWERED).as_json() == {"proposed": [], "issued": []}
    assert run(loop, demo_wh, D(2025, 2, 10), REMINDER_UNANSWERED).proposed == []
    store, _ = loop
    assert [e.id for e in ladder_desk.listed(store)] == [proposal.id]
    (audited,) = store.audit_rows(10, event_name="escalation_propose")
    assert (audited["who"], audited["role"]) == (SYSTEM_NAME, SYSTEM_ROLE)


def test_a_reply_or_a_pending_request_for_more_time_holds_the_ladder(loop, demo_wh, open_yuci):
    store, _ = loop
    doc = issue(loop, demo_wh, open_yuci[:3])
    a, b, c = open_yuci[:3]
    desk.sign(store, YUCI, doc.id, today=D(2025, 2, 5))
    desk.reply(store, YUCI, doc.id, a, "已整改到位", today=D(2025, 2, 6))
    desk.ask_extension(store, YUCI, doc.id, b, "需协调开发商", "2025-02-20", today=D(2025, 2, 6))
    (proposal,) = run(loop, demo_wh, D(2025, 2, 8), REMINDER_UNANSWERED).proposed
    assert proposal.cases == (c,)  # answered: no; more time asked and not decided: wait
    desk.decide(store, SUPERVISOR, doc.id, b, True, today=D(2025, 2, 10))  # until 20 February
    assert run(loop, demo_wh, D(2025, 2, 20), REMINDER_UNANSWERED).proposed == []
    (later,) = run(loop, demo_wh, D(2025, 2, 21), REMINDER_UNANSWERED).proposed
    assert later.cases == (b,)


def test_a_later_stronger_document_means_no_step_back(loop, demo_wh, open_yuci):
    issue(loop, demo_wh, open_yuci[:1])
    issue(loop, demo_wh, open_yuci[:1], kind="督办函", days=10, day=D(2025, 2, 5))  # issued by hand meanwhile
    assert run(loop, demo_wh, D(2025, 2, 8), REMINDER_UNANSWERED).proposed == []


def test_a_rule_in_auto_mode_issues_by_itself_numbered_and_audited_as_the_system(loop, demo_wh, open_yuci):
    store, _ = loop
    assigned = issue(loop, demo_wh, open_yuci[:2], kind="交办", days=10)
    assert run(loop, demo_wh, D(2025, 2, 5), UNSIGNED).issued == []  # 26, 27 Jan, 5 Feb: the third day itself
    outcome = run(loop, demo_wh, D(2025, 2, 6), UNSIGNED)
    (done,) = outcome.issued
    assert outcome.proposed == [] and done.state == ISSUED and done.leads_to == "催办"
    (urge,) = register.documents(store, ids=[done.document_id])
    assert urge.doc_no == done.doc_no == "晋中物监督〔2025〕2号" and urge.issued_by == SYSTEM_NAME
    assert [c.case_id for c in urge.cases] == open_yuci[:2] and assigned.doc_no in urge.demand
    issued = store.audit_rows(10, event_name="doc_issue")
    assert (issued[0]["who"], issued[0]["role"]) == (SYSTEM_NAME, SYSTEM_ROLE)
    assert run(loop, demo_wh, D(2025, 2, 6), UNSIGNED).as_json() == {"proposed": [], "issued": []}
    assert store.verify_audit().ok


def test_a_proposal_is_confirmed_or_dismissed_once_by_who_may_issue(loop, demo_wh, open_yuci):
    store, folder = loop
    issue(loop, demo_wh, open_yuci[:1])
    issue(loop, demo_wh, open_yuci[1:2])
    run(loop, demo_wh, D(2025, 2, 8), REMINDER_UNANSWERED)
    proposals = ladder_desk.listed(store)
    assert len(proposals) == 1 and len(proposals[0].cases) == 2  # one county, one proposal of both cases
    (proposal,) = proposals
    for viewer in (YUCI, ADMIN):
        with pytest.raises(desk.Refused):
            ladder_desk.confirm(store, demo_wh, viewer, proposal.id, today=D(2025, 2, 10), folder=folder)
        with pytest.raises(desk.Refused):
            ladder_desk.dismiss(store, viewer, proposal.id)
    done = ladder_desk.confirm(store, demo_wh, LEADER, proposal.id, today=D(2025, 2, 10), folder=folder)
    assert done.state == ISSUED and done.doc_no == "晋中物监督〔2025〕3号" and done.decided_by == "leader"
    (letter,) = register.documents(store, ids=[done.document_id])
    assert letter.kind == "督办函" and letter.issued_by == "leader" and "5 个工作日未回复" in letter.demand
    with pytest.raises(desk.WorkflowError, match="已下发"):
        ladder_desk.confirm(store, demo_wh, SUPERVISOR, proposal.id, today=D(2025, 2, 10), folder=folder)
    with pytest.raises(desk.WorkflowError, match="已下发"):
        ladder_desk.dismiss(store, SUPERVISOR, proposal.id)
    events = [r["event"] for r in store.audit_rows(30)]
    assert {"escalation_confirm", "doc_issue", "forbidden"} <= set(events)


def test_a_dismissed_proposal_is_not_raised_again(loop, demo_wh, open_yuci):
    store, _ = loop
    issue(loop, demo_wh, open_yuci[:1])
    (proposal,) = run(loop, demo_wh, D(2025, 2, 8), REMINDER_UNANSWERED).proposed
    done = ladder_desk.dismiss(store, SUPERVISOR, proposal.id, "已电话督促，暂缓发函")
    assert (done.state, done.note) == (DISMISSED, "已电话督促，暂缓发函")
    assert run(loop, demo_wh, D(2025, 2, 12), REMINDER_UNANSWERED).proposed == []
    assert store.audit_rows(5, event_name="escalation_dismiss")


def test_the_rules_file_is_checked_and_its_problems_named(tmp_path):
    rules = read_rules()  # the shipped file
    assert {r.rule_id for r in rules} >= {"R1", "R2"} and all(r.mode in ("auto", "propose") for r in rules)
    bad = tmp_path / "rules.csv"
    bad.write_text(
        "rule_id,trigger,after_kind,working_days,leads_to,mode\n"
        "A,no_reply,提醒函,五,督办函,propose\nA,late,,3,督办函,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(LadderRulesError) as caught:
        read_rules(bad)
    text = str(caught.value)
    assert (
        "第 2 行" in text and "工作日数“五”" in text and "第 3 行" in text and "重复" in text and "mode“maybe”" in text
    )


def copy_with_rule(tmp_path, copy_demo, monkeypatch, rule: str):
    """A copy of the demo (warehouse and access store) whose escalation rules are this one row."""
    warehouse = copy_demo(tmp_path / "copy")
    rules = tmp_path / "rules.csv"
    rules.write_text(f"rule_id,trigger,after_kind,working_days,leads_to,mode,note\n{rule}\n", encoding="utf-8")
    monkeypatch.setenv("ESCALATION_RULES", str(rules))
    return warehouse


def test_the_command_in_process_prints_exactly_what_it_proposed_and_issued(tmp_path, copy_demo, capsys, monkeypatch):
    warehouse = copy_with_rule(tmp_path, copy_demo, monkeypatch, "R2,no_reply,提醒函,5,督办函,propose,")
    monkeypatch.delenv("WEBHOOK_URL", raising=False)
    store = Store.for_warehouse(warehouse)
    from metrics.db import Warehouse

    wh = Warehouse(warehouse)
    open_now = esc.open_cases(wh, Filter("140702", None, D(2025, 2, 8)), Scope(None), overdue_only=True, limit=None)
    case = next(c for c in open_now["case_id"] if ladder_desk._open(wh, c))
    desk.issue(store, wh, SUPERVISOR, "提醒函", [case], 5, "请整改", today=EVE)
    args = ["escalate", "--warehouse", str(warehouse), "--json"]

    assert main([*args, "--today", "2025-02-07"]) == 0
    assert json.loads(capsys.readouterr().out) == {"proposed": [], "issued": []}
    assert main([*args, "--today", "2025-02-08"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"proposed", "issued"} and out["issued"] == []
    (proposal,) = out["proposed"]
    assert (proposal["rule"], proposal["leads_to"], proposal["cases"]) == ("R2", "督办函", [case])
    assert main([*args, "--today", "2025-02-08"]) == 0
    assert json.loads(capsys.readouterr().out) == {"proposed": [], "issued": []}
    assert main([*args, "--today", "2025-02-30"]) == 2
    assert "日期“2025-02-30”无效" in capsys.readouterr().err
    assert store.audit_rows(5, event_name="escalate_run")
