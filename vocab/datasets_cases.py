"""Problem cases and what was done about them (督办记录): their sources, categories, levels and actions."""

from __future__ import annotations

from vocab.columns import (
    AMOUNT,
    COUNTY_ALIASES,
    DATE,
    DEADLINE,
    ENUM,
    ID,
    INT,
    NOTE,
    PHONE,
    REGION,
    TEXT,
    USCC,
    C,
    Dataset,
)

FAMILY: list[Dataset] = []  # in the order etl/schema.py's DATASETS lists them


def _register(ds: Dataset) -> None:
    FAMILY.append(ds)


CASE_SOURCES = ("排查", "投诉举报", "12345", "督导检查", "信访", "媒体", "审计")
CASE_CATEGORIES = ("质价不符", "违规收费", "公共收益", "设施维护", "安全防范", "装修保证金", "不履约", "其他")
# The 12345 hotline's return visit (回访): was the problem solved, was the caller satisfied
RESOLUTIONS = ("已解决", "部分解决", "未解决")
SATISFACTION = ("满意", "基本满意", "不满意", "联系不上")
HOTLINE_SOURCES = ("12345", "投诉举报")  # the 工单 the hotline's 三率 are counted on

LEVELS = ("社区", "乡镇(街道)", "县级", "市级")
LEVEL_SYNONYMS = {
    "街道": "乡镇(街道)",
    "乡镇": "乡镇(街道)",
    "县": "县级",
    "县区": "县级",
    "区级": "县级",
    "市": "市级",
}

_register(
    Dataset(
        "cases",
        "问题线索",
        (
            C("case_id", "编号", ID, "线索编号", "工单号", "问题编号", "案件编号", req=True),
            C(
                "source",
                "来源",
                ENUM,
                "问题来源",
                "线索来源",
                req=True,
                choices=CASE_SOURCES,
                synonyms={
                    "12345热线": "12345",
                    "投诉": "投诉举报",
                    "举报": "投诉举报",
                    "督查": "督导检查",
                    "自查": "排查",
                    "摸排": "排查",
                },
            ),
            C("category", "问题类别", ENUM, "类别", "问题类型", req=True, choices=CASE_CATEGORIES),
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C("street", "乡镇(街道)", TEXT, "街道", "乡镇"),
            C("community_id", "小区编号", ID),
            C("company_code", "物业企业统一社会信用代码", USCC, "统一社会信用代码"),
            C("received_on", "受理日期", DATE, "发现日期", "登记日期", "受理时间", "来电时间", req=True),
            C("deadline", "整改时限", DEADLINE, "办理时限", "整改期限"),
            C("level", "当前层级", ENUM, "层级", "办理层级", choices=LEVELS, synonyms=LEVEL_SYNONYMS),
            C(
                "status",
                "状态",
                ENUM,
                "办理状态",
                "整改状态",
                req=True,
                choices=("待受理", "办理中", "已整改", "已办结", "退回重办"),
                synonyms={
                    "整改中": "办理中",
                    "未整改": "办理中",
                    "处理中": "办理中",
                    "已完成": "已整改",
                    "办结": "已办结",
                    "已处理": "已办结",
                    "重办": "退回重办",
                },
            ),
            C("closed_on", "办结日期", DATE, "整改完成日期", "完成日期"),
            C("refund_amount", "退还金额", AMOUNT, "退费金额"),
            C("refund_households", "涉及户数", INT, "退还户数"),
            C("description", "问题描述", NOTE, "问题内容", "主要问题"),
            C("reporter_phone", "联系电话", PHONE, "来电号码", "举报人电话"),
            # what the 12345 platform records of a 工单 (its 三率): when it was answered, the return visit
            C("responded_on", "响应日期", DATE, "签收日期", "签收时间", "响应时间", "接单时间"),
            C("visited_on", "回访日期", DATE, "回访时间"),
            C(
                "resolved",
                "解决情况",
                ENUM,
                "是否解决",
                "问题解决情况",
                choices=RESOLUTIONS,
                synonyms={"解决": "已解决", "是": "已解决", "否": "未解决", "未能解决": "未解决", "部分": "部分解决"},
            ),
            C(
                "satisfaction",
                "回访结果",
                ENUM,
                "满意度",
                "回访满意度",
                "满意度评价",
                choices=SATISFACTION,
                synonyms={
                    "非常满意": "满意",
                    "一般": "基本满意",
                    "比较满意": "基本满意",
                    "不太满意": "不满意",
                    "非常不满意": "不满意",
                    "未接通": "联系不上",
                    "无法联系": "联系不上",
                    "无人接听": "联系不上",
                    "拒绝回访": "联系不上",
                },
            ),
        ),
        key=("case_id",),
    )
)

CASE_ACTIONS = (
    "转办",
    "上交",
    "提醒函",
    "约谈",
    "督办函",
    "通报",
    "问责",
    "移送城管",
    "移送纪检",
    "移送公安",
    "立案",
    "回访",
)

_register(
    Dataset(
        "case_events",
        "督办记录",
        (
            C("case_id", "编号", ID, "线索编号", "工单号", "问题编号", req=True),
            C("happened_on", "日期", DATE, "督办日期", "措施日期", req=True),
            C(
                "action",
                "措施",
                ENUM,
                "督办措施",
                "处置措施",
                req=True,
                choices=CASE_ACTIONS,
                synonyms={
                    "发提醒函": "提醒函",
                    "发督办函": "督办函",
                    "约谈企业": "约谈",
                    "移交城管": "移送城管",
                    "移交纪检": "移送纪检",
                    "移交公安": "移送公安",
                },
            ),
            C("to_level", "移交层级", ENUM, "层级", choices=LEVELS, synonyms=LEVEL_SYNONYMS),
            C("organ", "承办单位", TEXT, "办理单位"),
            C("note", "备注", NOTE, "情况说明"),
        ),
        key=("case_id", "happened_on", "action"),
    )
)
