"""One test per rule of the data contract (shared/design/data-contract.md), each loading a
small ledger written the way clerks write it into a real DuckDB warehouse."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from decimal import Decimal

import chinese_calendar
import pytest

CASES = ["编号", "来源", "问题类别", "县区", "受理日期", "状态"]
COMPANY = "91110108551385082Q"  # a real unified social credit code (check digit Q)
OTHER_COMPANY = "91440300708461136T"


def case(case_id: str, county: str = "榆次区", received: object = "2024-03-01", status: str = "办理中") -> list:
    return [case_id, "投诉举报", "违规收费", county, received, status]


def only(result):
    """The one report of a one-file, one-sheet load."""
    assert len(result.files) == 1, result.files
    return result.files[0]


# ---------------------------------------------------------------- files


def test_gb18030_csv_with_title_rows_loads(clerk, load, query):
    path = clerk.csv("晋中整改台账.csv", CASES, [case("JZ001", "榆次区"), case("JZ002", "太谷区")], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really GB18030, as the government platforms export

    report = only(load(path))

    assert (report.dataset, report.rows_read, report.rows_loaded, report.rows_rejected) == ("cases", 2, 2, 0)
    assert query("SELECT case_id, county, _source_row FROM cases ORDER BY case_id") == [
        ("JZ001", "140702", 4),
        ("JZ002", "140703", 5),  # title, 填报单位 and header are lines 1-3
    ]


@pytest.mark.parametrize("title", [None, "晋中市物业服务问题整改台账"], ids=["header-first", "title-first"])
def test_utf8_bom_csv_loads(clerk, load, query, title):
    path = clerk.csv("台账.csv", CASES, [case("JZ001")], encoding="utf-8-sig", title=title, filled_by=None)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    report = only(load(path))

    assert (report.dataset, report.rows_loaded, report.rows_rejected) == ("cases", 1, 0)
    assert query("SELECT case_id, source, county FROM cases") == [("JZ001", "投诉举报", "140702")]


def test_xlsx_title_rows_merged_header_and_total_row_load(clerk, load, query):
    header = ["序号", "编号", "来源", "问题类别", "县区", "受理日期", "状态", "办结日期", "退还金额（元）"]
    rows = [
        [
            1,
            "JZ001",
            "投诉举报",
            "违规收费",
            "榆次区",
            dt.datetime(2024, 3, 1),
            "已整改",
            dt.datetime(2024, 3, 20),
            1000,
        ],
        [2, "JZ002", "12345", "设施维护", "平遥县", dt.datetime(2024, 3, 2), "办理中", None, 500.5],
    ]
    path = clerk.xlsx(
        "整改台账.xlsx",
        header,
        rows,
        group=("整改情况", 6, 7),
        total=["合计", None, None, None, None, None, None, None, 1500.5],
        note="注：本表由各县区住建局每月5日前报送。",
    )

    report = only(load(path))

    assert (report.dataset, report.rows_read, report.rows_loaded, report.rows_rejected) == ("cases", 2, 2, 0)
    assert query("SELECT case_id, status, closed_on, refund_amount, _source_row FROM cases ORDER BY case_id") == [
        ("JZ001", "已整改", dt.date(2024, 3, 20), Decimal("1000.00"), 5),  # title, 填报单位, two header rows
        ("JZ002", "办理中", None, Decimal("500.50"), 6),
    ]


def test_workbook_with_one_dataset_per_sheet(clerk, load, query):
    path = clerk.xlsx(
        "月报.xlsx",
        sheets={
            "小区": dict(
                header=["小区编号", "小区名称", "县区", "管理方式"],
                rows=[["XQ001", "锦绣花园", "榆次区", "专业物业企业"]],
                title="晋中市住宅小区底数台账",
            ),
            "问题线索": dict(header=CASES, rows=[case("JZ001"), case("JZ002")]),
            "填表说明": dict(text="填表说明\n1. 县区请填写全称。\n2. 日期格式为2024-12-29。"),
        },
    )

    reports = load(path).files

    assert [(r.sheet, r.dataset, r.rows_loaded) for r in reports] == [
        ("小区", "communities", 1),
        ("问题线索", "cases", 2),
    ]
    assert any("填表说明" in w and "已跳过" in w for w in reports[0].warnings)
    assert query("SELECT _sheet, count(*) FROM communities GROUP BY 1") == [("小区", 1)]
    assert query("SELECT _sheet, count(*) FROM cases GROUP BY 1") == [("问题线索", 2)]


LIST_OR_COMPANY = ["统一社会信用代码", "企业名称", "县区", "发布日期", "榜单"]


def test_dataset_recognised_from_header(clerk, load):
    path = clerk.csv("红黑榜.csv", LIST_OR_COMPANY, [[COMPANY, "晋中某物业公司", "榆次区", "2024-05-10", "黑榜"]])

    assert only(load(path)).dataset == "company_lists"  # 4 of its columns against 3 of companies'


def test_dataset_forced_with_dataset(clerk, load, query):
    path = clerk.csv("企业.csv", LIST_OR_COMPANY, [[COMPANY, "晋中某物业公司", "榆次区", "2024-05-10", "黑榜"]])

    report = only(load(path, dataset="companies"))

    assert report.dataset == "companies"
    assert report.ignored_columns == ["发布日期", "榜单"]
    assert query("SELECT company_code, name, county FROM companies") == [(COMPANY, "晋中某物业公司", "140702")]


def test_header_aliases_ignore_spaces_fullwidth_and_unit(clerk, load, query):
    header = [
        "* 项 目 编 号 ",
        "项目名称",
        "ｄｅｖｅｌｏｐｅｒ",
        "县（市、区）",
        "欠缴金额（万元）",
        " 建账日期：",
        "追缴措施",
    ]
    path = clerk.csv(
        "欠缴.csv", header, [["XM001", "锦绣花园", "晋中某房地产开发有限公司", "榆次区", "12.5", "2024-01-15", "催缴"]]
    )

    report = only(load(path))

    assert (report.dataset, report.ignored_columns, report.rows_loaded) == ("fund_arrears", [], 1)
    assert query("SELECT project_id, developer, county, amount_due, listed_on, measure FROM fund_arrears") == [
        ("XM001", "晋中某房地产开发有限公司", "140702", Decimal("125000.00"), dt.date(2024, 1, 15), "催缴"),
    ]


def test_amount_units_from_header_and_cell_and_thousands_separator(clerk, load, query):
    ledger = clerk.csv(
        "归集使用.csv",
        ["县区", "年度", "归集金额（元）", "使用金额（亿元）"],
        [
            ["榆次区", "2023", "1,234.50", "0.5"],  # 元 header with a thousands separator; 亿元 header
            ["太谷区", "2023", "3.2万", "12万"],  # the cell's unit beats the header's
            ["祁县", "2023", "1.2亿", "0.12345678"],  # 亿元 to the yuan: eight decimals kept
        ],
    )
    arrears = clerk.csv(
        "欠缴.csv",
        ["项目编号", "项目名称", "房企", "县区", "欠缴金额（万元）", "建账日期"],
        [
            ["XM001", "锦绣花园", "某房企", "榆次区", "1,234.5678", "2024-01-15"],
        ],
    )

    load(ledger, arrears)

    assert query("SELECT county, collected, used FROM fund_ledger ORDER BY collected") == [
        ("140702", Decimal("1234.50"), Decimal("50000000.00")),
        ("140703", Decimal("32000.00"), Decimal("120000.00")),
        ("140727", Decimal("120000000.00"), Decimal("12345678.00")),
    ]
    assert query("SELECT amount_due FROM fund_arrears") == [(Decimal("12345678.00"),)]


@pytest.mark.parametrize(
    "huge", ["12345678901234567890", "123456789012345678901234567890"], ids=["20-digit", "30-digit"]
)
def test_amount_too_large_rejects_the_row_not_the_file(clerk, load, query, huge):
    path = clerk.csv(
        "归集使用.csv",
        ["县区", "年度", "归集金额（亿元）", "使用金额"],
        [
            ["榆次区", "2023", "1.5", "0"],
            ["太谷区", "2023", huge, "0"],
        ],
    )

    report = only(load(path))

    assert (report.refused, report.rows_loaded, report.rows_rejected) == (False, 1, 1)
    assert [(r.row, r.column) for r in report.rejects] == [(5, "collected")]
    assert report.rejects[0].reason.startswith(f"第 5 行：归集金额（亿元）“{huge}”")
    assert query("SELECT collected FROM fund_ledger") == [(Decimal("150000000.00"),)]


def test_every_date_form(clerk, load, query):
    written = ["2024-12-29", "2024/12/29", "2024.12.29", "20241229", "2024年12月29日", "45655"]  # 45655: Excel serial
    text = clerk.csv("日期.csv", CASES, [case(f"T{i}", received=d) for i, d in enumerate(written)])
    cells = clerk.xlsx(
        "日期.xlsx",
        CASES,
        [
            case("X0", received=dt.datetime(2024, 12, 29)),  # a date cell
            case("X1", received=dt.datetime(2024, 12, 29, 9, 30)),  # a datetime cell
            case("X2", received=45655),  # a serial number that lost its date format
        ],
    )

    result = load(text, cells)

    assert [f.rows_rejected for f in result.files] == [0, 0]
    assert query("SELECT DISTINCT received_on FROM cases") == [(dt.date(2024, 12, 29),)]
    assert query("SELECT count(*) FROM cases") == [(9,)]


def test_region_by_name_short_name_and_code(clerk, load, query):
    written = {
        "A": "榆次区",
        "B": "榆次",
        "C": "140702",
        "D": "晋中市榆次区",
        "E": "山西省晋中市榆次区",
        "F": "晋中开发区",
    }
    path = clerk.csv("县区.csv", CASES, [case(k, county=v) for k, v in written.items()])

    load(path)

    assert dict(query("SELECT case_id, county FROM cases")) == {
        "A": "140702",
        "B": "140702",
        "C": "140702",
        "D": "140702",
        "E": "140702",
        "F": "140702401",
    }


def test_unknown_county_rejected_with_suggestion(clerk, load, query):
    path = clerk.csv("县区.csv", CASES, [case("JZ001"), case("JZ002", county="榆茨区")])

    report = only(load(path))

    assert (report.rows_loaded, report.rows_rejected) == (1, 1)
    assert [r.reason for r in report.rejects] == ["第 5 行：县区“榆茨区”不存在，是否为“榆次区”？"]
    assert query('SELECT "row", "column", reason FROM rejects') == [
        (5, "county", "第 5 行：县区“榆茨区”不存在，是否为“榆次区”？")
    ]


def test_credit_code_check_digit_verified(clerk, load, query):
    wrong = COMPANY[:-1] + "A"
    path = clerk.csv(
        "企业.csv",
        ["统一社会信用代码", "企业名称", "县区"],
        [
            [COMPANY, "甲物业", "榆次区"],
            [wrong, "乙物业", "榆次区"],
            [OTHER_COMPANY.lower(), "丙物业", "太谷区"],
        ],
    )

    report = only(load(path))

    assert query("SELECT company_code FROM companies ORDER BY 1") == [(COMPANY,), (OTHER_COMPANY,)]
    assert [(r.row, r.column) for r in report.rejects] == [(5, "company_code")]
    assert report.rejects[0].reason.startswith(f"第 5 行：统一社会信用代码“{wrong}”校验位不正确")


def test_stars_written_four_ways(clerk, load, query):
    written = ["三星", "3星", "★★★", "3"]
    path = clerk.csv(
        "星级评价.csv",
        ["小区编号", "统一社会信用代码", "年度", "星级"],
        [[f"XQ{i}", COMPANY, "2024", s] for i, s in enumerate(written)],
    )

    report = only(load(path))

    assert report.rows_rejected == 0
    assert query("SELECT list(stars ORDER BY community_id) FROM star_ratings") == [([3, 3, 3, 3],)]


def test_fullwidth_values_folded(clerk, load, query):
    path = clerk.csv(
        "全角.csv",
        CASES + ["退还金额"],
        [
            [
                "ＪＺ２０２４００１",
                "１２３４５",
                "违规收费",
                "榆次区",
                "２０２４－１２－２９",
                "办理中",
                "１，２３４．５０",
            ],
        ],
    )

    report = only(load(path))

    assert report.rows_rejected == 0
    assert query("SELECT case_id, source, received_on, refund_amount FROM cases") == [
        ("JZ2024001", "12345", dt.date(2024, 12, 29), Decimal("1234.50")),
    ]


# ---------------------------------------------------------------- bad rows


def test_required_column_empty_rejected(clerk, load, query):
    path = clerk.csv("台账.csv", CASES, [case("JZ001"), case("JZ002", county=""), case("JZ003", county="/")])

    report = only(load(path))

    assert (report.rows_loaded, report.rows_rejected) == (1, 2)
    assert [r.reason for r in report.rejects] == ["第 5 行：县区为空（必填）", "第 6 行：县区为空（必填）"]
    assert query("SELECT case_id FROM cases") == [("JZ001",)]


def test_duplicate_key_in_one_file_rejected(clerk, load, query):
    path = clerk.csv("台账.csv", CASES, [case("JZ001", status="办理中"), case("JZ002"), case("JZ001", status="已整改")])

    report = only(load(path))

    assert (report.rows_loaded, report.rows_rejected) == (2, 1)
    assert [r.reason for r in report.rejects] == ["第 6 行：编号与第 4 行相同，同一文件中重复，只保留第 4 行"]
    assert query("SELECT case_id, status FROM cases ORDER BY 1") == [("JZ001", "办理中"), ("JZ002", "办理中")]


def test_unknown_columns_left_out_and_reported(clerk, load, query):
    path = clerk.csv("台账.csv", ["序号", *CASES, "备注", "联系人"], [["1", *case("JZ001"), "已电话回访", "王科长"]])

    report = only(load(path))

    # 序号 is a row number: left out without a warning that would worry the clerk
    assert report.ignored_columns == ["备注", "联系人"]
    assert "以下列不在数据规范中，未入库：备注、联系人" in report.warnings
    assert query("SELECT ignored_columns FROM loads") == [("备注、联系人",)]
    assert report.rows_loaded == 1


def test_unmatched_reference_loaded_with_warning(clerk, load, query):
    load(
        clerk.csv(
            "小区.csv", ["小区编号", "小区名称", "县区", "管理方式"], [["XQ001", "锦绣花园", "榆次区", "专业物业企业"]]
        )
    )
    path = clerk.csv("线索.csv", CASES + ["小区编号"], [case("JZ001") + ["XQ001"], case("JZ002") + ["XQ404"]])

    report = only(load(path))

    assert (report.rows_loaded, report.rows_rejected) == (2, 0)
    assert any(w.startswith("1 行的小区编号在小区台账中不存在（如 XQ404）") for w in report.warnings), report.warnings
    assert query("SELECT case_id, community_id FROM cases ORDER BY 1") == [("JZ001", "XQ001"), ("JZ002", "XQ404")]


# ---------------------------------------------------------------- loads


def test_same_file_twice_changes_nothing(clerk, load, warehouse, fingerprint_of):
    path = clerk.csv("台账.csv", CASES, [case("JZ001"), case("JZ002")])
    load(path)
    before = fingerprint_of(warehouse)

    report = only(load(path))

    assert report.skipped and "完全相同，未做任何更改" in report.message
    assert (report.rows_read, report.rows_loaded) == (0, 0)
    assert fingerprint_of(warehouse) == before


def test_same_content_under_another_name_changes_nothing(clerk, load, warehouse, fingerprint_of):
    path = clerk.csv("台账.csv", CASES, [case("JZ001")])
    load(path)
    before = fingerprint_of(warehouse)
    copy = shutil.copyfile(path, path.with_name("台账（副本）.csv"))

    assert only(load(copy)).skipped
    assert fingerprint_of(warehouse) == before


def test_newer_row_replaces_older_and_is_recorded(clerk, load, query):
    march = load(clerk.csv("3月.csv", CASES, [case("JZ001"), case("JZ002")]))
    april = clerk.csv("4月.csv", CASES + ["办结日期"], [case("JZ001", status="已办结") + ["2024-04-01"]])

    report = only(load(april))

    assert report.rows_replaced == 1
    assert query("SELECT case_id, status, closed_on, _load_id FROM cases ORDER BY 1") == [
        ("JZ001", "已办结", dt.date(2024, 4, 1), report.load_id),
        ("JZ002", "办理中", None, march.files[0].load_id),
    ]
    assert query("SELECT load_id, dataset, key, old_load_id, old_source_row, new_source_row FROM replacements") == [
        (report.load_id, "cases", "case_id=JZ001", march.files[0].load_id, 4, 4),
    ]


def test_lineage_kept(clerk, load, query):
    path = clerk.xlsx("整改台账.xlsx", sheets={"12月": dict(header=CASES, rows=[case("JZ001"), case("JZ002")])})

    report = only(load(path))

    assert query("SELECT case_id, _load_id, _source_file, _sheet, _source_row FROM cases ORDER BY 1") == [
        ("JZ001", report.load_id, "整改台账.xlsx", "12月", 4),
        ("JZ002", report.load_id, "整改台账.xlsx", "12月", 5),
    ]
    assert query("SELECT load_id, file, sha256, sheet, dataset FROM loads") == [
        (report.load_id, "整改台账.xlsx", hashlib.sha256(path.read_bytes()).hexdigest(), "12月", "cases"),
    ]
    assert query("SELECT count(*) FROM cases WHERE _loaded_at IS NULL") == [(0,)]


def weekdays_after(start: dt.date, n: int) -> dt.date:
    """Monday-to-Friday counting, blind to holidays: what the ETL must NOT compute."""
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= day.weekday() < 5
    return day


@pytest.mark.parametrize(
    ("received", "limit", "days"),
    [
        (dt.date(2024, 9, 27), "3", 3),  # 国庆 2024: 10-01..10-07 off, Sunday 9-29 worked -> 10-08
        (dt.date(2025, 2, 5), "3个工作日", 3),  # 春节 2025: Saturday 2-08 is an adjusted working day
    ],
    ids=["national-day-2024", "spring-festival-2025"],
)
def test_deadline_in_working_days_skips_holidays(clerk, load, query, received, limit, days):
    expected = chinese_calendar.find_workday(days, received)
    assert expected != weekdays_after(received, days), "the case must depend on the holiday calendar"
    path = clerk.csv("时限.csv", CASES + ["整改时限"], [case("JZ001", received=received.isoformat()) + [limit]])

    load(path)

    assert query("SELECT deadline FROM cases") == [(expected,)]


def test_total_and_note_rows_not_read(clerk, load, query):
    path = clerk.csv(
        "台账.csv",
        CASES + ["退还金额"],
        [case("JZ001") + ["100"], case("JZ002") + ["200"]],
        encoding="gb18030",
        total=["合计", "", "", "", "", "", "300"],
        note="注：退还金额单位为元。",
    )

    report = only(load(path))

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (2, 2, 0)
    assert "第 6 行是合计行，不是数据，未读取" in report.warnings
    assert "第 7 行是说明文字，不是数据，未读取" in report.warnings
    assert query("SELECT sum(refund_amount) FROM cases") == [(Decimal("300.00"),)]
