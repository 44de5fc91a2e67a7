"""Labels in both languages, third part: the profiles (县区概况 /county, 企业档案 /company,
小区档案 /community) and the navbar's search (vocab/labels.py joins the parts)."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    # the pages
    "county_profile": ("县区概况", "County profile"),
    "company_profile": ("企业档案", "Company profile"),
    "community_profile": ("小区档案", "Community profile"),
    "profile_county_title": ("{name}概况", "{name}: profile"),
    "profile_choose_county": ("请选择一个县（市、区）查看其概况：", "Choose a county to see its profile:"),
    "profile_not_found": (
        "没有找到“{key}”：请检查编号，或用导航栏的搜索查找。",
        "“{key}” was not found: check the id, or use the search in the navigation bar.",
    ),
    "profile_see_all": ("查看全部 ›", "See all ›"),
    "profile_rect_link": ("整改进度 ›", "Rectification ›"),
    "profile_esc_link": ("督办 ›", "Escalations ›"),
    "profile_funds_link": ("维修资金 ›", "Funds ›"),
    "profile_shown_of": ("显示前 {shown} 条，共 {total} 条", "First {shown} of {total} shown"),
    # the county profile
    "profile_standing": ("各项指标与全市各县比较", "Every KPI against the city's counties"),
    "profile_vs_median": ("较全市中位数", "vs city median"),
    "profile_better": ("优于", "Better"),
    "profile_worse": ("差于", "Worse"),
    "profile_equal": ("持平", "Equal"),
    "profile_standing_note": (
        "排名按指标方向（越高越好或越低越好），只在有数据的县之间排；本县数值不含单独报送的开发区等乡镇级单位。",
        "Ranked by each KPI's direction among the counties with data; the county's own figure leaves out "
        "township-level units that report on their own (development zones).",
    ),
    "profile_trend": (
        "近 12 个月趋势（每月单独计算，虚线为全市各县中位数）",
        "The last 12 months (each month on its own; dashed: the city's median county)",
    ),
    "county_value": ("本县", "County"),
    "kpi_name": ("指标", "KPI"),
    "city_q1": ("全市下四分位", "City lower quartile"),
    "city_q3": ("全市上四分位", "City upper quartile"),
    "city_median": ("全市中位数", "City median"),
    "profile_worst_communities": (
        "问题突出的小区（超期、未办结多者在前）",
        "Communities with the most overdue and open cases",
    ),
    "profile_worst_companies": ("重点关注企业（近 12 个月）", "Companies to watch (last 12 months)"),
    "profile_open_cases": ("未办结问题（超期在前）", "Open cases (overdue first)"),
    "profile_arrears": ("维修资金欠缴项目（尚未追缴多者在前）", "Projects in arrears (largest outstanding first)"),
    "profile_filtered": ("只显示：{name}", "Showing only: {name}"),
    "profile_show_all": ("显示全部", "Show all"),
    # the company profile
    "profile_cases_received": ("期内受理问题", "Cases received"),
    "profile_cases_rectified": ("其中已整改/办结", "Of them rectified/closed"),
    "profile_latest_grade": ("最新信用等级", "Latest credit grade"),
    "profile_communities_served": ("服务小区", "Communities served"),
    "profile_credit": ("信用评价（历年）", "Credit grades by year"),
    "profile_stars": ("服务项目星级评价（历年）", "Star ratings of its projects by year"),
    "profile_lists": ("红黑榜记录", "Red and black list entries"),
    "profile_refunds": ("违规收费清退（期内）", "Illegal fees refunded (in the period)"),
    "profile_communities": ("服务的小区", "Communities it serves"),
    "profile_company_open": ("未办结问题（超期在前）", "Open cases (overdue first)"),
    "profile_star_year": ("最近评价年度", "Latest rating year"),
    "profile_unknown_company": ("企业名录中没有该企业", "Not in the company register"),
    # the community profile
    "profile_facts": ("基本信息", "Register entry"),
    "profile_community_cases": ("问题与投诉（期内受理）", "Cases received in the period"),
    "profile_usages": ("维修资金使用申请（期内）", "Maintenance-fund usages (in the period)"),
    "profile_star_history": ("星级评价（历年）", "Star ratings by year"),
    "approval_days": ("审批天数", "Days to approval"),
    # the navbar's search
    "search_placeholder": ("搜索小区、企业、编号…", "Search community, company, id…"),
    "search_none": ("没有找到匹配的问题、小区、企业或项目", "No case, community, company or project matches"),
    "search_short": (
        "请至少输入两个字母或数字，或一个汉字",
        "Type at least two letters or digits, or one Chinese character",
    ),
    "search_kind.county": ("县区", "County"),
    "search_kind.case": ("问题", "Case"),
    "search_kind.community": ("小区", "Community"),
    "search_kind.company": ("企业", "Company"),
    "search_kind.developer": ("开发企业", "Developer"),
    "search_kind.project": ("欠缴项目", "Arrears project"),
    "search_projects": ("{n} 个欠缴项目", "{n} projects in arrears"),
}
