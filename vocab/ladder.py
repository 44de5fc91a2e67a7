"""The self-moving ladder and the early warnings (预警) as data: the triggers an escalation rule
may name (data/escalation_rules.csv, read by workflow/ladder_rules.py), what a rule does with
what it finds, the states of an escalation, and the kinds of warning with their thresholds
(metrics/warnings.py computes them; the pages, the wall and the webhook show them).
"""

from __future__ import annotations

# What sets a rule off (data/escalation_rules.csv `trigger`):
NO_REPLY = "no_reply"  # a document of `after_kind` with a case not answered within N working days of its issue
NOT_SIGNED = "not_signed"  # a document of `after_kind` not signed for within N working days of its issue
OVERDUE = "overdue"  # an open case past its deadline by N working days or more (metrics/escalations.open_cases)
TRIGGERS: tuple[str, ...] = (NO_REPLY, NOT_SIGNED, OVERDUE)
TRIGGER_ZH = {NO_REPLY: "未回复", NOT_SIGNED: "未签收", OVERDUE: "超期"}

# What a rule does with what it found (`mode`): a proposal a leader or supervisor confirms (issues)
# or dismisses on 督办, or a document the system issues by itself.
PROPOSE = "propose"
AUTO = "auto"
MODES: tuple[str, ...] = (PROPOSE, AUTO)

# The states of an escalation (wf_escalations.state).
PROPOSED, ISSUED, DISMISSED = "proposed", "issued", "dismissed"

# The actor of what the system does by itself (the audit's user and role; no person signs in as it).
SYSTEM_NAME = "系统（自动督办）"
SYSTEM_ROLE = "system"

# The kinds of early warning (预警), in the order every list shows them, and their thresholds.
DUE_SOON = "due_soon"  # open cases whose deadline is at most DUE_WITHIN working days away
SECOND_BLACK = "second_black"  # companies with a second 黑榜 entry within twelve months
STALLED = "stalled"  # arrears projects still owing with no recovery for STALLED_MONTHS months
RANK_DROP = "rank_drop"  # counties that fell RANK_DROP_PLACES places in the scorecard's ranking month on month
WARNING_KINDS: tuple[str, ...] = (DUE_SOON, SECOND_BLACK, STALLED, RANK_DROP)
DUE_WITHIN = 2  # working days
STALLED_MONTHS = 3
RANK_DROP_PLACES = 3
WORST = 5  # items of each kind the wall and the robot's message name (the worst first)
