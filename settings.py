"""Every environment variable the dashboard, the ETL and the scripts read, in one place.

Each setting has a name, a default, a type and what it does, in Chinese and English; nothing
else in the project reads `os.environ` (tests/test_settings.py checks it), and docs/settings.md
is generated from this table (a drift test keeps it current). A value is read when asked for,
so a test's `monkeypatch.setenv` takes effect; modules that keep one at import say so.
This module imports nothing of the project: every layer may use it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

Value = str | int | float | bool | None


@dataclass(frozen=True)
class Setting:
    name: str
    default: Value
    kind: str  # "text", "path", "int", "float", "bool", "flag"
    zh: str
    en: str
    used_by: str


def _bool(text: str) -> bool:
    return text.strip().lower() not in ("0", "false", "no", "off", "")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "WAREHOUSE",
        None,
        "path",
        "DuckDB 仓库文件；访问库 access.sqlite 在其旁边。默认 data/warehouse.duckdb（scripts/run.sh 用演示仓库 data/demo/warehouse.duckdb）",
        "The DuckDB warehouse file; the access store access.sqlite lies beside it. Default data/warehouse.duckdb "
        "(scripts/run.sh uses the demo's data/demo/warehouse.duckdb)",
        "app, etl, metrics, security",
    ),
    Setting(
        "DEMO",
        False,
        "flag",
        "为 1 时（scripts/run.sh）仓库不存在则生成演示数据；真实部署从不设置",
        "1 (scripts/run.sh): build the demo when the warehouse is missing; a real deployment never sets it",
        "app",
    ),
    Setting(
        "ACCESS_DB_URL",
        None,
        "text",
        "访问库（用户、会话、大屏令牌、审计）的 SQLAlchemy 地址，多台应用服务器共用，"
        "如 postgresql+psycopg://kanban@db.example/kanban；默认仓库旁的 access.sqlite",
        "SQLAlchemy URL of the access store (users, sessions, screen tokens, audit) that several app machines "
        "share, e.g. postgresql+psycopg://kanban@db.example/kanban; default: access.sqlite beside the warehouse",
        "security.store",
    ),
    Setting("HOST", "127.0.0.1", "text", "服务监听地址", "Address the server listens on", "app"),
    Setting("PORT", 8050, "int", "服务端口", "Port the server listens on", "app"),
    Setting(
        "THREADS",
        8,
        "int",
        "每个服务进程的工作线程数（waitress；正式部署 gunicorn 每个工作进程）",
        "Worker threads per server process (waitress; each gunicorn worker in a real deployment)",
        "security.web, security.gunicorn_conf",
    ),
    Setting(
        "WORKERS",
        0,
        "int",
        "正式部署（scripts/serve.sh，gunicorn）的工作进程数；0 为每个 CPU 核一个",
        "Worker processes of a real deployment (scripts/serve.sh, gunicorn); 0: one per CPU core",
        "security.gunicorn_conf",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "text",
        "会话 Cookie 签名密钥；默认在访问库旁生成 access.secret（0600）",
        "Key signing the session cookie; default: access.secret generated beside the store (0600)",
        "security.web",
    ),
    Setting(
        "COOKIE_SECURE",
        True,
        "bool",
        "会话 Cookie 仅经 HTTPS 发送（可信局域网试用时设为 0）",
        "Session cookie sent over HTTPS only (0 for a trial on a trusted LAN)",
        "security.web",
    ),
    Setting(
        "MAX_REQUEST_BYTES",
        64 * 1024 * 1024,
        "int",
        "请求体上限（字节），超过者在读入前拒绝",
        "Largest request body (bytes); a larger one is refused before it is read",
        "security.web",
    ),
    Setting(
        "SESSION_HOURS", 12.0, "float", "登录会话最长时长（小时）", "Longest a session lasts (hours)", "security.store"
    ),
    Setting(
        "SESSION_IDLE_MINUTES",
        30.0,
        "float",
        "无操作多久后会话结束（分钟）",
        "Minutes without a request after which a session ends",
        "security.store",
    ),
    Setting(
        "UPLOAD_MAX_FILE_MB", 40.0, "float", "上传页单个文件上限（MB）", "Upload page: largest file (MB)", "etl.upload"
    ),
    Setting(
        "UPLOAD_MAX_TOTAL_MB",
        45.0,
        "float",
        "上传页每次上传合计上限（MB）",
        "Upload page: largest upload in all (MB)",
        "etl.upload",
    ),
    Setting(
        "JOBS_DIR",
        None,
        "path",
        "后台任务（上传载入、Excel 导出）的进度与结果目录，各服务进程共用（0700）；默认仓库旁的 <仓库文件名>.jobs",
        "Progress and results of background jobs (upload loads, Excel exports), shared by the server's worker "
        "processes (0700); default: <warehouse file name>.jobs beside the warehouse",
        "security.jobs",
    ),
    Setting(
        "EXPORT_JOB_CELLS",
        50_000,
        "int",
        "导出 Excel 超过此单元格数（行 × 列，约写一秒）时改为后台任务并显示进度条；以下直接导出",
        "An Excel export larger than this many cells (rows × columns; about a second of writing) runs as a "
        "background job with a progress bar; a smaller one is written at once",
        "components.exports",
    ),
    Setting(
        "DUCKDB_MEMORY_LIMIT",
        "2GB",
        "text",
        "每个 DuckDB 读取实例的内存上限",
        "Memory limit of each DuckDB reader instance",
        "metrics.db",
    ),
    Setting(
        "STALE_AFTER_HOURS",
        48.0,
        "float",
        "距最后一次发布超过多少小时，大屏显示“数据未更新”横幅（每日发布的台账漏报两次即提示）",
        "Hours after the last publish at which the wall display shows a banner that the data is not up to date",
        "pages._screen_layout",
    ),
    Setting(
        "ANSWER_CACHE_MB",
        64,
        "int",
        "每个进程为每个已发布版本缓存查询结果的上限（MB，0 为不缓存）；数据只在发布时改变",
        "Answers (query results) a process keeps per published version (MB; 0: none); data changes only at publish",
        "metrics.db",
    ),
    Setting(
        "REGIONS_CSV",
        None,
        "path",
        "行政区划表（默认 data/regions.csv）",
        "Region table (default data/regions.csv)",
        "etl.regions",
    ),
    Setting(
        "DEADLINE_RULES",
        None,
        "path",
        "整改时限规则表（默认 data/deadline_rules.csv）；发布时据此算出各问题的整改时限，修改后立即生效",
        "Deadline rules (default data/deadline_rules.csv); a publish computes every case's deadline by them, "
        "and an edit takes effect at once",
        "etl.deadlines (publish), metrics.deadlines",
    ),
    Setting(
        "CREDIT_RULES",
        None,
        "path",
        "信用评价规则表：各版本的等级分数线、等级触发的奖惩措施和黑榜退出评估规则（默认 data/credit_rules.csv）",
        "Credit rules: each version's grade bands, the actions a grade triggers and the 黑榜 exit review (default data/credit_rules.csv)",
        "metrics.credit_rules",
    ),
    Setting(
        "CAMPAIGNS",
        None,
        "path",
        "专项行动表：各行动（专项整治、集中攻坚）的期间、目标、任务和时间节点（默认 data/campaigns.csv）；"
        "总览、大屏、筛选栏的行动期间和简报的“专项整治以来”都由此读取",
        "Campaigns: each campaign's (专项整治, 集中攻坚) period, targets, tasks and milestones (default "
        "data/campaigns.csv); the overview, the wall, the filter bar's campaign periods and the briefings' "
        "figures since the campaign read it",
        "metrics.campaigns",
    ),
    Setting(
        "REPORTING_CALENDAR",
        None,
        "path",
        "报送日历：各县（市、区）应按什么周期、在每期后第几日前报送哪类台账（默认 data/reporting_calendar.csv）；"
        "数据状态页的报送情况和按时报送率由此计算",
        "The reporting calendar: which ledger each county owes, for which cycle, by which day after the "
        "period (default data/reporting_calendar.csv); the 数据状态 page's board and the on-time rate follow it",
        "metrics.reporting",
    ),
    Setting(
        "KPI_TARGETS",
        None,
        "path",
        "指标目标与红黄绿灯阈值表（默认 data/kpi_targets.csv）",
        "KPI targets and traffic-light thresholds (default data/kpi_targets.csv)",
        "metrics.targets",
    ),
    Setting(
        "ATTENTION_RULES",
        None,
        "path",
        "总览“需要关注”规则表（默认 data/attention_rules.csv）",
        "Rules of the overview's watch list (default data/attention_rules.csv)",
        "metrics.targets",
    ),
    Setting(
        "ETL_USER",
        None,
        "text",
        "记入载入记录和审计日志的操作人（默认操作系统用户）",
        "Who a load is recorded as (default: the OS user)",
        "etl",
    ),
    Setting(
        "ETL_PROG",
        None,
        "text",
        "报告中提示的命令名（scripts/etl 自动设置）",
        "The command name reports tell the clerk to run (set by scripts/etl)",
        "etl.cli",
    ),
    Setting(
        "ETL_PAUSE_AT",
        None,
        "text",
        "仅测试用：载入在该阶段暂停（write、publish），用于进程被杀的测试；写作 write:<文件> 时该文件出现即继续",
        "Tests only: the load pauses at this stage (write, publish), for kill tests; as write:<file> it goes on "
        "once that file exists",
        "etl.warehouse",
    ),
    Setting(
        "DOCUMENTS_DIR",
        None,
        "path",
        "下发文书（.docx、PDF）的存放目录（网站目录之外，文件权限 0600）；默认访问库旁的 documents/。"
        "多台应用服务器共用 ACCESS_DB_URL 时须指向共享目录",
        "Folder of the documents issued (.docx, PDF; outside the web root, files 0600); default: documents/ "
        "beside the access store. With several app machines on ACCESS_DB_URL it must be a shared folder",
        "workflow.files",
    ),
    Setting(
        "LETTER_FONT",
        None,
        "path",
        "生成 PDF 文书的中文字体文件（.ttc/.otf/.ttf）；默认 Debian 软件包 fonts-noto-cjk 的思源宋体",
        "The Chinese font file of the PDF documents (.ttc/.otf/.ttf); default: Noto Serif CJK of Debian's "
        "fonts-noto-cjk",
        "workflow.letters_pdf",
    ),
    Setting(
        "CHART_BROWSER",
        "/usr/bin/chromium",
        "path",
        "简报图表由 kaleido 驱动的 Chromium 在服务器上离线绘制，此为其可执行文件（Debian 软件包 chromium）",
        "The Chromium that kaleido drives to draw the briefings' charts on the server, offline (Debian's chromium)",
        "briefing.charts",
    ),
    Setting(
        "BRIEFING_SCHEDULE",
        None,
        "path",
        "简报的收件人和发送周期（CSV）；默认项目内 data/briefing_schedule.csv",
        "The briefings' recipients and schedules (CSV); default: data/briefing_schedule.csv in the project",
        "briefing.schedule",
    ),
    Setting(
        "ESCALATION_RULES",
        None,
        "path",
        "自动升级督办规则文件（CSV：规则编号、触发条件、工作日数、升级为何种文书、建议或自动下发）；"
        "默认 data/escalation_rules.csv",
        "The escalation rules (CSV: rule id, trigger, working days, the document it leads to, proposed or issued "
        "automatically); default data/escalation_rules.csv",
        "workflow.ladder_rules",
    ),
    Setting(
        "WEBHOOK_URL",
        None,
        "text",
        "企业微信或钉钉群机器人的 Webhook 地址；设置后 escalate 命令把新的预警和升级督办推送到群里（每条只推送一次，"
        "推送失败下次运行时重试）；默认不推送",
        "The WeCom or DingTalk group robot's webhook URL; when set, the escalate command posts new warnings and "
        "escalations to the group (each once; a failed post is retried at the next run); default: no posts",
        "workflow.webhook",
    ),
    Setting(
        "WEBHOOK_FORMAT",
        "wecom",
        "text",
        "群机器人的消息格式：wecom（企业微信）或 dingtalk（钉钉）",
        "The robot's message format: wecom (WeCom) or dingtalk (DingTalk)",
        "workflow.webhook",
    ),
    Setting(
        "VENV",
        None,
        "path",
        "scripts/* 使用的 Python 虚拟环境（默认项目内 .venv，首次使用时创建）",
        "The Python virtual environment the scripts use (default: .venv in the project, created on first use)",
        "scripts/venv.sh",
    ),
    Setting(
        "TEST_WORKERS",
        None,
        "int",
        "scripts/test.sh 并行运行测试的进程数（默认每个 CPU 核一个，最多 4 个；0 为单进程）",
        "The processes scripts/test.sh runs the suite on (default: one per CPU core, at most 4; 0: one process)",
        "scripts/test.sh",
    ),
)

BY_NAME = {s.name: s for s in SETTINGS}

_PARSE: dict[str, Callable[[str], Value]] = {
    "text": str,
    "path": str,
    "int": int,
    "float": float,
    "bool": _bool,
    "flag": lambda t: t.strip() == "1",
}


class SettingError(ValueError):
    """An environment variable whose value is not of its setting's kind; the message, in
    Chinese, names the variable, the value and what the setting does."""


KIND_ZH = {"int": "整数", "float": "数字"}


def get(name: str) -> Value:
    """The setting's value now: the environment's, parsed by its kind, else its default."""
    setting = BY_NAME[name]  # an unknown name is a bug: KeyError
    raw = os.environ.get(name)
    if raw is None or (raw == "" and setting.kind != "text"):
        return setting.default
    try:
        return _PARSE[setting.kind](raw)
    except ValueError:
        raise SettingError(
            f"环境变量 {name}={raw!r} 不是有效的{KIND_ZH.get(setting.kind, setting.kind)}（{setting.zh}）"
        ) from None


def put(name: str, value: Value) -> None:
    """Set a setting for this process and the processes it starts (the bench points the
    dashboard's reader at its scaled warehouse): the one place that writes the environment."""
    BY_NAME[name]
    os.environ[name] = str(value)


def child_environment(values: dict[str, Value]) -> dict[str, str]:
    """The environment for a process this one starts (the serving bench's servers): this
    process's environment with these settings set; PYTHONPATH is the one non-setting allowed."""
    for name in values:
        if name != "PYTHONPATH":
            BY_NAME[name]  # an unknown name is a bug: KeyError
    return {**os.environ, **{name: str(value) for name, value in values.items()}}


def reference_markdown() -> str:
    """docs/settings.md, generated from SETTINGS."""
    lines = [
        "# Settings (environment variables)",
        "",
        "Generated from `settings.py` by `python -c 'import settings; print(settings.reference_markdown(), "
        'end="")\' > docs/settings.md`; a test fails when it drifts.',
        "",
        "| name | default | type | what it does | 说明 | read by |",
        "|---|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = "—" if s.default is None else f"`{s.default}`"
        lines.append(f"| `{s.name}` | {default} | {s.kind} | {s.en} | {s.zh} | {s.used_by} |")
    return "\n".join(lines) + "\n"
