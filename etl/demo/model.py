"""The demo world's companies, communities and cases, and the categories and problems of its cases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from etl.demo.figures import Unit

# ---------------------------------------------------------------- the world


@dataclass
class Company:
    code: str
    name: str
    unit: Unit
    status: str = "在营"
    exited_on: dt.date | None = None
    in_market: bool | None = None
    state_owned: bool = False


@dataclass
class Community:
    id: str
    name: str
    unit: Unit
    street: str
    households: int
    occupancy: float
    management: str
    company: Company | None = None
    committee: str = "未组建"
    committee_formed_on: dt.date | None = None
    fee: float | None = None
    managed_since: dt.date | None = None
    previous: str | None = None
    built: int = 2005
    former_company: Company | None = None  # the company before a change in 2025
    neighbourhood: str = ""  # the 社区 (residents' committee) it belongs to


@dataclass
class Case:
    id: str
    source: str
    category: str
    community: Community | None
    unit: Unit
    received: dt.date
    deadline: dt.date
    level: str
    status: str = "办理中"
    closed: dt.date | None = None
    description: str = ""
    phone: str | None = None
    company: Company | None = None
    community_id: str | None = None
    deadline_days: int | None = None  # 孝义 writes its deadlines as working days
    events: list[tuple] = field(default_factory=list)  # (date, action, to_level, organ, note)
    # the 12345 platform's record of a 工单: answered (签收) on, return visit on, solved, satisfied
    responded: dt.date | None = None
    visited: dt.date | None = None
    resolved: str | None = None
    satisfaction: str | None = None


SWEEP_CATEGORIES = {"设施维护": 35, "安全防范": 30, "质价不符": 12, "不履约": 10, "公共收益": 6, "其他": 7}
COMPLAINT_CATEGORIES = {
    "违规收费": 18,
    "设施维护": 25,
    "质价不符": 18,
    "装修保证金": 8,
    "安全防范": 10,
    "不履约": 10,
    "公共收益": 6,
    "其他": 5,
}
LEAD_CATEGORIES = {
    "违规收费": 25,
    "装修保证金": 15,
    "质价不符": 15,
    "公共收益": 12,
    "不履约": 13,
    "设施维护": 10,
    "安全防范": 5,
    "其他": 5,
}
LEAD_SOURCES = {"12345": 45, "督导检查": 25, "信访": 15, "审计": 10, "媒体": 5}
PROBLEMS = {
    "质价不符": (
        "物业服务内容与收费等级不符，保洁、绿化养护不到位",
        "楼道长期无人清扫，收费标准与服务等级不匹配",
        "秩序维护人员不足，门岗时常无人值守，仍按一级标准收费",
    ),
    "违规收费": (
        "物业企业擅自上调物业服务费，未公示收费依据",
        "停车管理费未经业主大会同意即开始收取",
        "代收水电费加价收取",
        "向业主收取电梯运行费未公示收支明细",
        "收取垃圾清运费、卫生费等未经核准的费用",
    ),
    "公共收益": (
        "电梯广告、公共停车位等公共收益未公示",
        "公共收益未按约定分配给业主，账目不清",
        "利用共有部位出租获利未经业主同意",
    ),
    "设施维护": (
        "电梯频繁故障停运，物业维修不及时",
        "单元门禁损坏长期未修",
        "地下管网堵塞，污水外溢",
        "楼道照明损坏，夜间出行不便",
        "屋面漏雨，物业未及时报修",
        "二次供水设施未按期清洗",
    ),
    "安全防范": (
        "消防通道被占用，消防设施缺失",
        "小区监控损坏，门岗无人值守",
        "电动车在楼道内充电，物业未劝阻",
        "消火栓无水，灭火器过期",
    ),
    "装修保证金": (
        "装修完毕后物业企业拒不退还装修保证金",
        "装修保证金收取标准过高且逾期不退",
        "以各种理由扣减业主装修保证金",
    ),
    "不履约": (
        "物业企业未按合同约定提供秩序维护服务",
        "前期物业服务合同到期后拒不撤场",
        "物业企业擅自减少保洁、绿化人员",
        "物业服务合同约定的维修项目长期未履行",
    ),
    "其他": ("业委会（物管会）换届选举程序存在争议", "物业撤场交接资料不全", "小区违规搭建未及时制止上报"),
}
