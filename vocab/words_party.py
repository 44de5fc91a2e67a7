"""Words of party building (党建引领), the 12345 hotline's 三率 and three-level handling (三级调处):
their sections, the columns of their tables and exports."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # 党建引领 on 评价
    "party_section": ("党建引领", "Party building"),
    "party_note": (
        "红色业委会（物管会）、业委会党员占比、物业企业党组织与红色物业；红色业委会按认定日期计入，未报送党建台账的县区显示无数据",
        "Red owners' committees, party members on the committees, party organisations in companies and red "
        "companies; a red committee counts from its recognition date; a county that sent no party ledger shows no data",
    ),
    "party-unit": ("党建引领：各县（市、区）", "Party building by county"),
    "party-trend": ("红色业委会覆盖率（月末）", "Red committee coverage at each month's end"),
    "committees_reported": ("报送业委会数", "Committees reported"),
    "red_committees": ("红色业委会", "Red committees"),
    "committee_members": ("业委会成员", "Committee members"),
    "committee_party_members": ("其中党员", "Of whom party members"),
    "companies_active": ("在营物业企业", "Companies in operation"),
    "companies_party_org": ("建立党组织", "With a party organisation"),
    "companies_instructor": ("选派党建指导员", "With a party instructor only"),
    "red_companies": ("红色物业", "Red companies"),
    # 12345 三率 on 整改进度
    "hotline_section": ("12345 三率与回访", "12345: response, resolution, satisfaction"),
    "hotline_note": (
        "期内受理的 12345 及投诉举报工单：1 个工作日内响应为按时响应；回访成功（满意、基本满意、不满意）的工单计算解决率和满意率，联系不上的不计",
        "Hotline and complaint tickets received in the period: answered within one working day is on time; "
        "resolution and satisfaction are of the return visits that reached the caller",
    ),
    "hotline-unit": ("12345 三率：各县（市、区）", "12345 rates by county"),
    "hotline_received": ("受理工单", "Tickets received"),
    "hotline_responded": ("已响应", "Answered"),
    "hotline_responded_in_time": ("按时响应", "Answered on time"),
    "hotline_visited": ("回访成功", "Visits reaching the caller"),
    "hotline_resolved": ("已解决", "Resolved"),
    "hotline_satisfied": ("满意及基本满意", "Satisfied"),
    "hotline_unsatisfied": ("不满意", "Not satisfied"),
    "hotline_unreachable": ("回访联系不上", "Visits failed"),
    # 三级调处 on 督办
    "mediation_section": ("三级调处：矛盾不上交", "Three-level handling: settled below the county"),
    "mediation_note": (
        "期内办结的问题按办结时所在层级计：社区一级调处、乡镇(街道)二级调处、县级（如孝义市物业管理服务中心）三级调处；"
        "在各层级停留的工作日按移交日期计",
        "Cases closed in the period by the level they were closed at: community, street or township, county "
        "(e.g. 孝义's property service centre); working days at each level from the handovers",
    ),
    "mediation-unit": ("矛盾不上交：各县（市、区）", "Settled below the county, by county"),
    "mediation-level": ("各层级办结与停留时长", "Settled at each level and working days there"),
    "mediation-month": ("矛盾不上交率（按办结月份）", "Settled below the county, by month"),
    "settled": ("办结", "Settled"),
    "settled_community": ("社区办结", "At the community"),
    "settled_street": ("乡镇(街道)办结", "At the street"),
    "settled_county": ("县级办结", "At the county"),
    "settled_city": ("市级办结", "At the city"),
    "settled_below_county": ("未上交县级", "Below the county"),
    "stays": ("停留件次", "Stays"),
    "avg_workdays": ("平均停留（工作日）", "Average working days"),
    "level_name": ("层级", "Level"),
}
