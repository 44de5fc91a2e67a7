"""Labels in both languages, fourth part: the loop of 交办 and 督办 — issuing from 督办
/escalations and the county's 待办 /inbox (vocab/labels.py joins the parts)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # the trail's new steps and the documents' kinds
    "action.交办": ("交办", "Assigned"),
    "action.催办": ("催办", "Urged"),
    "action.约谈通知": ("约谈通知", "Interview notice"),
    "action.签收": ("签收", "Signed for"),
    "action.整改回复": ("整改回复", "Rectification reply"),
    "action.延期申请": ("延期申请", "Extension asked"),
    "action.同意延期": ("同意延期", "Extension granted"),
    "action.不同意延期": ("不同意延期", "Extension refused"),
    "origin": ("来源", "Origin"),
    "origin.台账": ("台账", "Ledger"),
    "origin.系统": ("系统", "App"),
    "loop_issued_in_app": ("系统下发（件次）", "Issued in the app (case-documents)"),
    # issuing on 督办
    "loop_issue": ("下发文书…", "Issue a document…"),
    "loop_issue_case": ("对此线索下发文书…", "Issue a document on this case…"),
    "loop_issue_title": ("下发文书", "Issue a document"),
    "loop_none_selected": ("勾选列表中的线索后可下发文书", "Tick cases in the list to issue a document"),
    "loop_selected": ("已选 {n} 件", "{n} selected"),
    "loop_cases": ("线索", "Cases"),
    "loop_kind": ("文书种类", "Kind of document"),
    "loop_workdays": ("办理时限（工作日）", "Deadline (working days)"),
    "loop_workdays_bad": ("办理时限应为 1 到 {max} 个工作日的整数", "The deadline must be 1 to {max} working days"),
    "loop_deadline_line": (
        "办理期限至 {day}（{n} 个工作日，按国家法定节假日安排计算）",
        "Due on {day} ({n} working days by the official holiday calendar)",
    ),
    "loop_demand": ("要求", "What is demanded"),
    "loop_submit": ("下发", "Issue"),
    "loop_due": ("期限 {day}", "due {day}"),
    "loop_docx": ("下载 Word", "Word"),
    "loop_pdf": ("下载 PDF", "PDF"),
    # the documents issued
    "loop_documents": ("下发文书与回复", "Documents issued and replies"),
    "loop_documents_note": (
        "在本看板下发的交办、催办、提醒函、督办函、约谈通知，及县区的签收、整改回复和延期申请；点击一行查看逐件情况、审批延期。",
        "Documents issued from this dashboard and the counties' acknowledgements, replies and extension requests; "
        "click a row to see each case and decide on extensions.",
    ),
    "loop_documents_line": (
        "共 {docs} 份文书、{cases} 件次线索；待签收 {unsigned} 份，已回复 {replied} 件，延期待批 {asked} 件",
        "{docs} documents on {cases} cases; {unsigned} not signed for, {replied} replied, {asked} extensions "
        "awaiting a decision",
    ),
    "loop_no_documents": ("本区域尚未下发文书", "No documents issued in this region yet"),
    "doc_no": ("文号", "Number"),
    "doc_kind": ("种类", "Kind"),
    "doc_addressee": ("主送单位", "Addressed to"),
    "issued_on": ("下发日期", "Issued on"),
    "doc_deadline": ("办理期限", "Due on"),
    "doc_days_left": ("剩余", "Left"),
    "doc_signed": ("签收", "Signed for"),
    "doc_cases": ("线索数", "Cases"),
    "doc_replied": ("已回复", "Replied"),
    "doc_asked": ("延期待批", "Extensions asked"),
    "loop_unsigned": ("未签收", "Not signed"),
    "loop_all_replied": ("已全部回复", "All replied"),
    "loop_state": ("办理情况", "State"),
    "loop_decision": ("审批", "Decision"),
    "loop_grant": ("同意延期", "Grant"),
    "loop_refuse": ("不同意", "Refuse"),
    # where a case stands
    "loop_days_left": ("剩余 {n} 个工作日", "{n} working days left"),
    "loop_due_today": ("今天到期", "Due today"),
    "loop_days_over": ("已超期 {n} 个工作日", "{n} working days overdue"),
    "loop_waiting": ("待回复", "Awaiting reply"),
    "loop_replied": ("已回复（{day}）：{text}", "Replied ({day}): {text}"),
    "loop_asked": ("已申请延期至 {until}，待审批：{reason}", "Extension to {until} asked, awaiting decision: {reason}"),
    "loop_granted": ("同意延期至 {until}", "Extension to {until} granted"),
    "loop_refused": ("不同意延期：{note}", "Extension refused: {note}"),
    "loop_granted_done": ("已同意延期（{doc}）", "Extension granted ({doc})"),
    "loop_refused_done": ("已不同意延期（{doc}）", "Extension refused ({doc})"),
    "inbox_signed_done": ("已签收 {doc}", "Signed for {doc}"),
    "inbox_replied_done": ("已提交整改情况（{doc}）", "Reply sent ({doc})"),
    "inbox_asked_done": (
        "已提交延期申请（{doc}），待下发单位审批",
        "Extension asked ({doc}); awaiting the issuer's decision",
    ),
    # the county's 待办 /inbox
    "inbox": ("待办", "Inbox"),
    "inbox_title": ("待办：上级下发的文书", "Inbox: documents issued to your county"),
    "inbox_line": (
        "共 {docs} 份文书；待签收 {unsigned} 份，待回复 {waiting} 件，延期待批 {asked} 件",
        "{docs} documents; {unsigned} to sign for, {waiting} cases awaiting reply, {asked} extensions awaiting "
        "a decision",
    ),
    "inbox_empty": ("暂无下发给本县（市、区）的文书", "No documents have been issued to your county"),
    "inbox_issued": ("{day} 由{body}下发", "Issued {day} by {body}"),
    "inbox_deadline": ("办理期限 {day}，{left}", "Due {day}; {left}"),
    "inbox_sign": ("签收", "Sign for it"),
    "inbox_signed": ("已签收：{day}（{who}）", "Signed for {day} ({who})"),
    "inbox_sign_first": ("签收后可逐件回复或申请延期", "Sign for the document to reply or ask for more time"),
    "inbox_reply_placeholder": (
        "整改情况：做了什么、结果如何、责任人",
        "What was done, the result, who is responsible",
    ),
    "inbox_reply": ("提交整改情况", "Send the reply"),
    "inbox_files": (
        "📎 添加照片或 PDF 作为佐证（最多 {n} 个，每个不超过 {mb} MB）",
        "📎 Add photos or a PDF as evidence (at most {n}, {mb} MB each)",
    ),
    "inbox_reason_placeholder": ("延期理由", "Why more time is needed"),
    "inbox_until": ("拟完成日期", "New date"),
    "inbox_ask": ("申请延期", "Ask for more time"),
    "inbox_case_deadline": ("本件期限 {day}，{left}", "This case due {day}; {left}"),
    "inbox_trail": ("督办轨迹 ›", "Trail ›"),
}
