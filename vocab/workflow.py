"""The loop of 交办 and 督办 as data (workflow/ issues and answers; metrics/app_trail.py reads
its trail; the pages show it): the kinds of document a supervisor issues, their default
working days and demand, the steps the app writes into a case's trail, the trail's two origins,
and how the issuing body, its document code (机关代字) and the addressee are named.
"""

from __future__ import annotations

# The kinds of document, mildest first, with their title, default working days and demand.
KINDS: tuple[str, ...] = ("交办", "催办", "提醒函", "督办函", "约谈通知")
KIND_TITLES = {
    "交办": "交办单",
    "催办": "催办通知",
    "提醒函": "提醒函",
    "督办函": "督办函",
    "约谈通知": "约谈通知",
}
DEFAULT_WORKDAYS = {"交办": 10, "催办": 5, "提醒函": 5, "督办函": 10, "约谈通知": 3}
DEMANDS = {
    "交办": "现将以下问题线索交你单位办理。请按照属地管理原则逐件核查处置，明确责任单位和责任人，限期整改到位。",
    "催办": "以下问题线索已超过办理时限仍未办结。请抓紧办理，逐件说明未办结原因和下一步措施。",
    "提醒函": "以下问题线索逾期未办结，现予以提醒。请高度重视，立即督促责任单位整改到位。",
    "督办函": (
        "以下问题线索经提醒后仍未整改到位，现予以督办。请主要负责同志亲自部署，逐件明确责任人、整改措施和完成时限，"
        "按期整改到位；逾期仍未完成的，将按程序约谈或移送问责。"
    ),
    "约谈通知": (
        "因以下问题线索整改不力，经研究，决定对你单位主要负责同志进行约谈。请在期限内将整改情况书面材料报市专班，"
        "约谈时间地点另行通知。"
    ),
}
# 催报: a reminder to a county that a ledger the reporting calendar asks for is missing or late
# (metrics/reporting.py), issued from the 数据状态 page's board; a document of its own kind (its
# items are reports, not cases), numbered, audited and shown in the county's 待办 like the others.
REMINDER = "催报"
KIND_TITLES[REMINDER] = "催报通知"
DEFAULT_WORKDAYS[REMINDER] = 3
DEMANDS[REMINDER] = "请立即组织报送，并核实未按时报送的原因；报送后请在“待办”中签收本通知。"
MAX_WORKDAYS = 60  # a deadline further off is no deadline
MAX_CASES = 50  # cases on one document
MAX_TEXT = 2000  # characters of a demand or a reply
MAX_REASON = 500  # characters of an extension's reason
MAX_EXTENSION_DAYS = 90  # calendar days an extension may add to the current deadline
# Attachments to a reply (photos of the work done, a scanned report): images and PDF only, told
# by their content, not their name.
ATTACHMENT_KINDS = ("jpg", "png", "pdf")
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_MB = 10

# The steps the app writes into a case's trail besides the document's kind (the issue itself).
SIGNED = "签收"
REPLIED = "整改回复"
EXTENSION_ASKED = "延期申请"
EXTENSION_GRANTED = "同意延期"
EXTENSION_REFUSED = "不同意延期"
STEPS: tuple[str, ...] = (SIGNED, REPLIED, EXTENSION_ASKED, EXTENSION_GRANTED, EXTENSION_REFUSED)

# Where a step of a case's trail comes from: the clerks' ledger (督办记录) or the app.
LEDGER = "台账"
APP = "系统"

# Names of the issuing body and the addressee, from the region table's names.
BODY = "{city}物业服务管理专项整治工作专班"  # 发文机关: the city's task force
BODY_CODE = "{city_short}物监督"  # 机关代字: 晋中物监督〔2025〕17号
ADDRESSEE = "{county}住房和城乡建设局"  # the county's property authority
DOC_NO = "{code}〔{year}〕{seq}号"
