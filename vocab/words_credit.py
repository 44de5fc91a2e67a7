"""Labels in both languages, credit part: the 信用 page (rules, dimension scores, actions due
and carried out, the disclosure list). vocab/labels.py joins the parts."""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "credit": ("信用", "Credit"),
    "credit_title": ("信用评价公开", "Credit rating in the open"),
    "credit_rules": ("信用评价规则（按生效日期分版本）", "Credit rules (versions by effective date)"),
    "credit_rules_note": (
        "规则是数据（data/credit_rules.csv）：每个版本写明各等级的分数线、等级触发的奖惩措施和黑榜退出评估；"
        "某一评价年度按年末有效的版本判断。",
        "The rules are data (data/credit_rules.csv): each version gives every grade's lowest score, the "
        "actions a grade triggers and the 黑榜 exit review; a rating year is judged by the version in force at its end.",
    ),
    "credit_rules_problem": (
        "信用评价规则文件有误，仍按上次正确的版本计算：{problem}",
        "The credit rules file has problems; the last good version is used: {problem}",
    ),
    "credit_dimensions": ("四项分项得分（按等级平均）", "The four dimension scores (mean per grade)"),
    "credit_actions": ("等级触发的奖惩措施及落实情况", "Actions the grades trigger, and whether carried out"),
    "credit_actions_note": (
        "应采取的措施由规则和评价结果（及 12 个月内的黑榜次数）得出；落实情况来自信用奖惩措施台账，台账未登记的记为“未登记”。",
        "The actions due follow from the rules and the grades (and the 黑榜 listings in 12 months); whether "
        "carried out comes from the ledger of credit actions — one it lacks is 未登记 (not recorded).",
    ),
    "credit_disclosure": ("信用评价结果公示名单", "Public disclosure list of credit grades"),
    "credit_disclosure_note": (
        "期内最近一个评价年度的全部参评企业：等级、总分、四项分项得分、所依据的规则版本和触发的措施；导出即为公示名单。",
        "Every company rated in the latest rating year of the period: grade, score, the four dimension "
        "scores, the version of the rules and the actions it triggers; the export is the list to publish.",
    ),
    "credit_out_of_band": (
        "{n} 家企业的得分与所评等级不符（按当年规则的分数线）",
        "{n} companies' scores do not match their grade (by the year's rule)",
    ),
    "credit_actions_done": ("已落实", "Carried out"),
    "credit_actions_due": ("应采取措施", "Actions due"),
    "exit_reviews_due": ("退出评估", "Exit reviews"),
    "region_name": ("适用地区", "Applies to"),
    "version": ("规则版本", "Rule version"),
    "valid_from": ("生效日期", "Effective from"),
    "trigger": ("触发条件", "Trigger"),
    "min_score": ("最低分", "Lowest score"),
    "blacklists": ("黑榜次数", "黑榜 listings"),
    "months": ("月数", "Months"),
    "actions": ("触发措施", "Actions triggered"),
    "basis": ("依据", "Basis"),
    "triggered_on": ("触发日期", "Triggered on"),
    "credit_status": ("落实情况", "Carried out"),
    "in_band": ("得分与等级相符", "Score matches grade"),
    "actions_due": ("措施数", "Actions"),
    # 维修资金: day by day, and 挂账 (issue 21's funds item)
    "funds_recoveries_by_day": ("逐日追缴到账", "Recoveries day by day"),
    "funds_day_hint": (
        "选择一个月（不超过 62 天）的期间查看逐日到账",
        "Choose a period of a month (62 days at most) to see recoveries day by day",
    ),
    "funds_day_link": ("查看 2025 年 5 月集中攻坚逐日到账", "See the May 2025 campaign day by day"),
    "cumulative": ("累计到账", "Cumulative"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
}
