"""Normalisers for one distinct raw value each.

The pipeline applies them to the *distinct* values of a column (a million-row file has
a few thousand distinct dates, counties or credit codes), so they can be plain,
readable Python. Each returns `(value, problem)`: `value` is the normalised value or
None, `problem` a Chinese phrase that completes the sentence
`第 N 行：<表头>“<原值>”<problem>`, or None when the value is good.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata

from vocab.schema import Column

Result = tuple[object, str | None]

# Text a spreadsheet runs as a formula when a cell starts with it (CSV injection): exports
# neutralise it (components/tables.safe_cell, etl/rejects.neutralise).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_BLANKS = {"", "-", "--", "—", "——", "/", "\\", "无数据", "NULL", "null", "None", "nan", "NaN"}


# A total row's cell, all whitespace removed: `合计`, `合　　计`, `太谷区小计`, `平遥县 汇总`, `总计`.
# TOTAL_RE is also written in SQL (etl/pipeline.py): keep it to what RE2 and `re` both read.
TOTAL_RE = r"^(合计|总计|小计|累计|汇总)|(合计|总计|小计|汇总)[:：]?$"
TOTAL_CELL = re.compile(TOTAL_RE)
TOTAL_MAX_CHARS = 20  # a longer text mentioning 合计 is prose, not a total row's label
# The grand total of a sheet (not a county's subtotal): compared with what was loaded.
GRAND_TOTAL = re.compile(r"^(合计|总计|总合计|共计|全(市|县|区|省)合计)[:：]?$")


def total_label(value: object) -> str | None:
    """The label of a total row's cell (whitespace removed), or None when it is not one."""
    if value is None:
        return None
    text = "".join(fold(value).split())
    return text if len(text) <= TOTAL_MAX_CHARS and TOTAL_CELL.search(text) else None


# Characters a clerk cannot see and a copy from another system leaves in a cell: zero-width
# spaces and joiners, bidirectional controls (the right-to-left override), word joiners, a BOM
# inside the text, and ASCII control characters other than tab and line breaks (\x0b, \x07:
# they break every export that contains them). Removed at load from every cell.
INVISIBLE = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
NBSP = "\u00a0"


def visible(text: str) -> str:
    """A cell's text without invisible characters, a non-breaking space as a space."""
    if text.isprintable() and NBSP not in text:  # the common case, at C speed
        return text
    return INVISIBLE_RE.sub("", text).replace(NBSP, " ")


def compact(value: object) -> str:
    """A code or name as matched: folded, with no whitespace at all (tabs and line breaks inside
    `太谷\n区` or `JZ 001` included)."""
    return "".join(fold(value).split())


# Unicode categories of characters that are not text: controls (NUL, C1), format characters
# (right-to-left override U+202E, isolates, zero-width), surrogates, private use, unassigned.
_NOT_TEXT = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def strip_controls(text: object) -> str:
    """Text from outside (a file name, a user name) without control, bidirectional-override or
    other invisible format characters, so that what is shown and logged is what is there
    (`报表\u202eslx.exe` would show as `报表exe.xls`)."""
    return "".join(c for c in str(text or "") if unicodedata.category(c) not in _NOT_TEXT)


def fold(value: object) -> str:
    """Full-width to half-width (NFKC), invisible characters removed, whitespace trimmed."""
    return unicodedata.normalize("NFKC", visible(str(value))).strip()


def is_blank(value: object) -> bool:
    return value is None or fold(value) in _BLANKS


# ---------------------------------------------------------------- headers

_UNIT_RE = re.compile(r"[\(（\[【]\s*(?:单位\s*[:：])?\s*([^()（）\[\]【】]*)\s*[\)）\]】]\s*$")
_UNIT_SLASH_RE = re.compile(r"\s*[/／]\s*(元|万元|亿元)\s*$")
AMOUNT_UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000, "万": 10_000, "亿": 100_000_000}
# The unit a cell may end with, longest first (`万元` before `元`): `(亿元|万元|亿|万|元)`.
UNIT_SUFFIX = "(" + "|".join(sorted(AMOUNT_UNITS, key=len, reverse=True)) + ")"
_UNIT_BARE_RE = re.compile(r"(万元|亿元)$")
# `单位：万元`, `金额单位：万元`, `（单位：万元）` on a title or 填报单位 line above the table, or
# `注：金额单位为万元` below it. Not `填报单位：…`, and not a rate such as `单位：元/户`.
_TABLE_UNIT_RE = re.compile(
    r"(?<!填报)(?<!报送)(?<!编制)((?:金额)?单位\s*(?:[:：]|为|是)\s*(万元|亿元|元))(?![\u4e00-\u9fff/／])"
)
_UNIT_ONLY_RE = re.compile(r"^[(（\[【]?\s*(?:(?:金额)?单位\s*[:：]?)?\s*(万元|亿元|元)\s*[)）\]】]?$")


def table_unit(text: object) -> tuple[str, str] | None:
    """The amount unit a line of the table declares: (unit, the phrase), e.g. ('万元', '单位：万元')."""
    if text is None:
        return None
    m = _TABLE_UNIT_RE.search(fold(text))
    return (m.group(2), re.sub(r"\s*:\s*", "：", m.group(1))) if m else None


def unit_only(text: object) -> str | None:
    """The unit of a cell that holds nothing else: `（万元）`, `万元`, `单位：元` (a units row under a header)."""
    m = _UNIT_ONLY_RE.match(fold(text)) if text is not None else None
    return m.group(1) if m else None


def header_key(text: object) -> tuple[str, str | None]:
    """Header text -> (matching key, unit). `欠缴金额（万元）` -> ('欠缴金额', '万元'); so are
    `欠缴金额\n（万元）`, `欠缴金额\n万元` (a unit on a line of its own) and `欠缴金额万元`."""
    return _header_key("" if text is None else str(text))


@functools.lru_cache(maxsize=8192)  # header detection asks for the same cells once per dataset
def _header_key(text: str) -> tuple[str, str | None]:
    s = fold(text)
    lines = [line.strip() for line in s.splitlines() if line.strip()]
    s = re.sub(r"\s+", "", s).lstrip("*＊").rstrip(":：")
    unit = None
    m = _UNIT_SLASH_RE.search(s)
    bare = _UNIT_BARE_RE.search(s)
    if m:
        unit, s = m.group(1), s[: m.start()]
    elif len(lines) > 1 and lines[-1].strip("()（）") in AMOUNT_UNITS:
        unit, s = lines[-1].strip("()（）"), s[: -len(re.sub(r"\s+", "", lines[-1]))]
    elif bare and bare.start() > 0:
        unit, s = bare.group(1), s[: bare.start()]
    else:
        m = _UNIT_RE.search(s)
        # keep brackets that are part of a name, e.g. 县(区、市), 社区(村)托管
        if m and m.start() > 0 and _looks_like_unit(m.group(1)):
            unit, s = m.group(1), s[: m.start()]
    return s.lower(), unit


@functools.lru_cache(maxsize=8192)
def alias_key(text: str) -> str:
    """The matching key of an alias in the contract table (no unit stripping)."""
    return re.sub(r"\s+", "", fold(text)).lower()


def _looks_like_unit(inner: str) -> bool:
    return inner in AMOUNT_UNITS or inner in {"户", "人", "%", "分", "个", "年", "星", "天", "工作日"} or "/" in inner


# ---------------------------------------------------------------- dates

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
DATE_HINT = "无法识别为日期（可写作 2024-12-29、2024/12/29、20241229 或 2024年12月29日）"


def parse_date(raw: object) -> Result:
    s = fold(raw)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                d = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None, "不是有效的日期（月份或日期超出范围）"
            return _plausible(d)
    m = re.match(r"^(\d{5})(?:\.0+)?$", s)  # an Excel serial date that lost its format
    if m:
        return _plausible(_EXCEL_EPOCH + dt.timedelta(days=int(m.group(1))))
    return None, DATE_HINT


def _plausible(d: dt.date) -> Result:
    if not 1990 <= d.year <= 2100:
        return None, f"年份 {d.year} 不在合理范围内（1990–2100）"
    return d, None


class CalendarDays(int):
    """A deadline written in calendar days (`30天`, `10日`): due that many days after receipt."""


def parse_deadline(raw: object) -> Result:
    """A date; a number of working days (`15个工作日`, or a bare `15` as the contract says): an
    int; or calendar days (`30天`, `10日`, `10个自然日`): a CalendarDays."""
    s = "".join(fold(raw).split())
    m = re.fullmatch(r"(\d{1,3})(个)?(工作日|天|日|自然日)?", s)
    if m:
        n = int(m.group(1))
        if not 1 <= n <= 365:
            return None, "天数应在 1 到 365 之间"
        return (CalendarDays(n) if m.group(3) in ("天", "日", "自然日") else n), None
    value, problem = parse_date(raw)
    if problem == DATE_HINT:
        return None, "既不是日期也不是天数（可写作 2024-12-29、15（工作日）、15个工作日或 30天）"
    return value, problem


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start`, with China's holidays and adjusted workdays."""
    return add_working_days_many([(start, days)])[(start, days)]


def add_working_days_many(pairs: list[tuple[dt.date, int]]) -> dict[tuple[dt.date, int], dt.date]:
    """add_working_days for many (start, days) pairs, from one list of working days.

    chinese_calendar knows the official holidays and the adjusted working weekends
    (调休) of the years it covers; outside them, Monday to Friday are working days."""
    import bisect

    import chinese_calendar

    if not pairs:
        return {}
    first = min(s for s, _ in pairs)
    last = max(s for s, _ in pairs) + dt.timedelta(days=max(n for _, n in pairs) * 2 + 60)
    workdays: list[dt.date] = []
    day = first
    while day <= last:
        try:
            is_work = chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the calendar does not know
            is_work = day.weekday() < 5
        if is_work:
            workdays.append(day)
        day += dt.timedelta(days=1)
    out = {}
    for start, n in pairs:
        i = bisect.bisect_right(workdays, start) + n - 1
        out[(start, n)] = workdays[i]
    return out


# ---------------------------------------------------------------- codes

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_digit(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=False))
    return USCC_CHARS[(31 - total % 31) % 31]


def parse_uscc(raw: object) -> Result:
    s = re.sub(r"\s+", "", fold(raw)).upper()
    if re.fullmatch(r"[0-9](\.[0-9]+)?E\+?[0-9]+", s):
        return None, "是被 Excel 改写成科学计数法的数字，原代码已无法还原：请将该列设为文本后重新导出"
    if len(s) != 18:
        return None, f"应为 18 位（实际 {len(s)} 位）"
    bad = sorted({c for c in s if c not in USCC_CHARS})
    if bad:
        return None, f"含有不允许的字符“{''.join(bad)}”（统一社会信用代码不使用 I、O、S、V、Z）"
    expected = uscc_check_digit(s[:17])
    if s[17] != expected:
        return None, f"校验位不正确（按前 17 位计算应为“{expected}”），请核对代码"
    return s, None


# ---------------------------------------------------------------- choices

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


def parse_stars(raw: object) -> Result:
    s = fold(raw).replace("级", "")
    if s and set(s) <= {"★", "☆"}:
        n = s.count("★")
    else:
        m = re.match(r"^([1-5一二两三四五])(?:\.0)?\s*(?:星)?$", s)
        if not m:
            return None, "无法识别为星级（可写作 ★★★、三星、3星 或 3）"
        n = _CN_DIGITS.get(m.group(1)) or int(m.group(1))
    if not 1 <= n <= 5:
        return None, "星级应在 1 到 5 之间"
    return n, None


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "有", "已入驻", "入驻"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "无", "未入驻"}


def parse_bool(raw: object) -> Result:
    s = fold(raw).lower()
    if s in _TRUE:
        return True, None
    if s in _FALSE:
        return False, None
    return None, "应填写“是”或“否”"


# A tick mark under a sub-column that is one choice (已整改 / 未整改 under 整改情况). Upper case,
# as the pipeline compares them with upper(cell). An ASCII x is neither: it means "no" on some
# forms and "this one" on others, so it is asked about rather than guessed.
TICKS = ("√", "✓", "✔", "☑", "●", "是", "Y", "YES", "1")
CROSSES = ("×", "✗", "✘", "☒", "○", "否", "N", "NO", "0")


def parse_year(raw: object) -> Result:
    m = re.match(r"^(\d{4})(?:\.0)?\s*年?(?:度)?$", fold(raw))
    if not m:
        return None, "无法识别为年份（可写作 2024 或 2024年）"
    year = int(m.group(1))
    if not 1990 <= year <= 2100:
        return None, f"年份 {year} 不在合理范围内（1990–2100）"
    return year, None


def parse_choice(column: Column, raw: object) -> Result:
    s = re.sub(r"\s+", "", fold(raw))
    folded_choices = {fold(c): c for c in column.choices}
    if s in folded_choices:
        return folded_choices[s], None
    synonyms = {fold(k): v for k, v in column.synonyms.items()}
    if s in synonyms:
        return synonyms[s], None
    if s.upper() in folded_choices:
        return folded_choices[s.upper()], None
    options = "、".join(column.choices)
    close = difflib.get_close_matches(s, list(folded_choices) + list(synonyms), n=1, cutoff=0.5)
    if close and looks_same(s, close[0]):
        return None, LOOKS_SAME.format(close[0])
    if close:
        best = folded_choices.get(close[0]) or synonyms[close[0]]
        return None, f"不是有效的选项，是否为“{best}”？（可选：{options}）"
    return None, f"不是有效的选项（可选：{options}）"


def suggest(raw: str, candidates: list[str], cutoff: float = 0.5) -> str | None:
    """The closest candidate, never one that looks the same as what was written (a suggestion
    “did you mean 太谷区?” under 太谷区 would only puzzle the clerk: see `looks_same`)."""
    found = difflib.get_close_matches(raw, candidates, n=1, cutoff=cutoff)
    return found[0] if found and not looks_same(raw, found[0]) else None


def looks_same(raw: str, candidate: str) -> bool:
    """Whether two texts read the same on screen: equal once every format, control and space
    character (any that Unicode has, not only those removed at load) is taken out."""

    def seen(text: str) -> str:
        text = unicodedata.normalize("NFKC", text)
        return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ")

    return seen(raw) == seen(candidate)


LOOKS_SAME = "看起来与“{0}”相同，但含有无法识别的特殊字符（多为从其他系统复制而来），请删除该单元格后重新输入"
