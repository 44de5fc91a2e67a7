"""The escalation rules (升级督办规则) as data: `data/escalation_rules.csv`, or the file named by
ESCALATION_RULES. One row per rule:

| column | meaning |
|---|---|
| `rule_id` | a short, unique name (R1); the key under which a rule acts once on a source |
| `trigger` | `no_reply` (a case of a document not answered), `not_signed` (a document not signed for), `overdue` (an open case past its deadline) |
| `after_kind` | for `no_reply` / `not_signed`: the kind of document issued (交办 … 约谈通知); empty for `overdue` |
| `working_days` | N: the document's N working days after its issue have passed (the N-th included), or the case is N working days past its deadline |
| `leads_to` | the kind of document the rule issues (交办 … 约谈通知) |
| `mode` | `propose` (a leader or supervisor confirms or dismisses it on 督办) or `auto` (the system issues it) |
| `note` | what the rule is for, in words |

A file with a problem is not used: `LadderRulesError` names every problem with its line, in Chinese.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import settings
from vocab.ladder import MODES, OVERDUE, TRIGGER_ZH, TRIGGERS
from vocab.workflow import KINDS, MAX_WORKDAYS

DEFAULT_RULES = Path(__file__).resolve().parent.parent / "data" / "escalation_rules.csv"
COLUMNS = ("rule_id", "trigger", "after_kind", "working_days", "leads_to", "mode")


class LadderRulesError(ValueError):
    """The rules file cannot be used; the message names every problem."""


@dataclass(frozen=True)
class LadderRule:
    rule_id: str
    trigger: str
    after_kind: str  # "" for overdue
    working_days: int
    leads_to: str
    mode: str
    note: str = ""

    def describe(self) -> str:
        """The rule in a Chinese sentence: 提醒函发出 5 个工作日未回复 → 督办函."""
        if self.trigger == OVERDUE:
            what = f"超过整改时限 {self.working_days} 个工作日未办结"
        else:
            what = f"{self.after_kind}发出 {self.working_days} 个工作日{TRIGGER_ZH[self.trigger]}"
        return f"规则 {self.rule_id}：{what} → {self.leads_to}"


def rules_path() -> Path:
    return Path(settings.get("ESCALATION_RULES") or DEFAULT_RULES)


def read_rules(path: Path | None = None) -> tuple[LadderRule, ...]:
    """The rules of the file, checked; LadderRulesError names every problem."""
    path = Path(path or rules_path())
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise LadderRulesError(f"{path.name}：缺少列 {'、'.join(missing)}")
            raw = list(reader)
    except FileNotFoundError:
        raise LadderRulesError(f"找不到升级督办规则文件 {path}") from None
    except UnicodeDecodeError:
        raise LadderRulesError(f"{path.name} 不是 UTF-8 编码的 CSV 文件") from None
    rules, problems, seen = [], [], set()
    for n, row in enumerate(raw, start=2):
        cell = {k: (row.get(k) or "").strip() for k in (*COLUMNS, "note")}
        if not any(cell.values()):
            continue
        found = _problems(cell, seen)
        seen.add(cell["rule_id"])
        if found:
            problems += [f"第 {n} 行：{p}" for p in found]
            continue
        rules.append(
            LadderRule(
                cell["rule_id"],
                cell["trigger"],
                cell["after_kind"],
                int(cell["working_days"]),
                cell["leads_to"],
                cell["mode"],
                cell["note"],
            )
        )
    if problems:
        raise LadderRulesError(f"{path.name} 有 {len(problems)} 处错误，未采用：" + "；".join(problems))
    return tuple(rules)


def _problems(cell: dict[str, str], seen: set[str]) -> list[str]:
    out = []
    if not cell["rule_id"] or len(cell["rule_id"]) > 32:
        out.append("规则编号不能为空，最多 32 个字符")
    elif cell["rule_id"] in seen:
        out.append(f"规则编号“{cell['rule_id']}”重复")
    if cell["trigger"] not in TRIGGERS:
        out.append(f"触发条件“{cell['trigger']}”应为 {'、'.join(TRIGGERS)} 之一")
    elif cell["trigger"] == OVERDUE and cell["after_kind"]:
        out.append("超期规则（overdue）不填 after_kind")
    elif cell["trigger"] != OVERDUE and cell["after_kind"] not in KINDS:
        out.append(f"after_kind“{cell['after_kind']}”应为 {'、'.join(KINDS)} 之一")
    days = cell["working_days"]
    if not days.isdigit() or not 1 <= int(days) <= MAX_WORKDAYS:
        out.append(f"工作日数“{days}”应为 1 到 {MAX_WORKDAYS} 的整数")
    if cell["leads_to"] not in KINDS:
        out.append(f"leads_to“{cell['leads_to']}”应为 {'、'.join(KINDS)} 之一")
    if cell["mode"] not in MODES:
        out.append(f"mode“{cell['mode']}”应为 propose（建议，待确认）或 auto（自动下发）")
    return out
