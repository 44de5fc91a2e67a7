"""Every environment variable the project reads, in one place: name, type, default, and what it
does in Chinese and English. Nothing else reads `os.environ` (tests/test_settings.py checks it);
`docs/settings.md` is generated from this table:

    .venv/bin/python -m core.settings > docs/settings.md

`get(NAME)` reads the variable at each call, so a value set by a parent process or a test applies
at once; an empty value counts as unset. A value that is not of the setting's type stops with a
Chinese message naming the variable (`SettingError`), rather than being guessed at.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent  # the project folder
DATA = ROOT / "data"

TYPES = {str: ("text", "文本"), int: ("integer", "整数"), float: ("number", "数字"), bool: ("yes/no", "是/否"),
         Path: ("path", "路径")}
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class SettingError(ValueError):
    """An environment variable whose value is not of its setting's type."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any  # None: no default (unset means "not given")
    zh: str
    en: str
    read_by: str  # the modules (or scripts) that use it
    shown_default: Optional[str] = None  # how the docs write the default, when not the value itself
    group: str = ""


SETTINGS: tuple[Setting, ...] = (
    # ------------------------------------------------------------ where the data is
    Setting("WAREHOUSE", Path, DATA / "warehouse.duckdb",
            "DuckDB 数据仓库文件；用户、会话、大屏令牌和审计日志在它旁边的 access.sqlite。",
            "The DuckDB warehouse file; users, sessions, screen tokens and the audit log live in "
            "access.sqlite beside it.",
            "metrics/db.py, etl/cli.py, security/store.py, app.py", "data/warehouse.duckdb", "data"),
    Setting("REGIONS_CSV", Path, DATA / "regions.csv",
            "行政区划表（代码、名称、简称、上级）。",
            "The region table (code, name, short name, parent).",
            "etl/regions.py", "data/regions.csv", "data"),
    Setting("DEADLINE_RULES", Path, DATA / "deadline_rules.csv",
            "办理时限规则（来源、类别、工作日）；修改后自动重新读取。",
            "The deadline rules (source, category, working days); re-read when the file changes.",
            "metrics/deadlines.py", "data/deadline_rules.csv", "data"),
    Setting("DUCKDB_MEMORY_LIMIT", str, "2GB",
            "每个 DuckDB 实例的内存上限（多个进程共用一台机器）。",
            "Memory limit per DuckDB instance (several workers share the machine).",
            "metrics/db.py", group="data"),
    # ------------------------------------------------------------ serving
    Setting("HOST", str, "127.0.0.1",
            "看板监听的地址（python app.py / scripts/run.sh）。",
            "The address the dashboard listens on (python app.py / scripts/run.sh).",
            "app.py", group="serving"),
    Setting("PORT", int, 8050, "看板监听的端口。", "The port the dashboard listens on.", "app.py", group="serving"),
    Setting("THREADS", int, 8, "waitress 处理请求的线程数。", "waitress's request threads.", "security/web.py",
            group="serving"),
    Setting("MAX_REQUEST_BYTES", int, 64 * 1024 * 1024,
            "请求体的上限（字节），超过即拒绝。",
            "The largest request body accepted, in bytes.",
            "security/web.py", "67108864 (64 MB)", "serving"),
    Setting("UPLOAD_MAX_FILE_MB", float, 40.0, "数据上传页每个文件的上限（MB）。",
            "The upload page's limit per file, in MB.", "etl/upload.py", "40", "serving"),
    Setting("UPLOAD_MAX_TOTAL_MB", float, 45.0, "数据上传页每次上传的总上限（MB）。",
            "The upload page's limit per upload, in MB.", "etl/upload.py", "45", "serving"),
    # ------------------------------------------------------------ logins
    Setting("SECRET_KEY", str, None,
            "签名会话 Cookie 的密钥；不设置时自动生成一次，保存在存储旁的 access.secret（仅所有者可读）。",
            "The key that signs session cookies; unset: a random key generated once into access.secret beside "
            "the store (readable by its owner only).",
            "security/web.py", "(generated)", "logins"),
    Setting("SESSION_HOURS", float, 12.0, "登录会话的有效时长（小时）。", "How long a login session lasts, in hours.",
            "security/store.py", "12", "logins"),
    Setting("COOKIE_SECURE", bool, True,
            "会话 Cookie 只经 HTTPS 发送（127.0.0.1/localhost 除外）；仅在可信局域网试用时设为 0。",
            "Session cookies are sent over HTTPS only (except to 127.0.0.1/localhost); 0 only for a trial on a "
            "trusted LAN.",
            "security/web.py", "1", "logins"),
    Setting("LOGIN_MAX_FAILURES", int, 5, "连续输错密码多少次后锁定账号。",
            "Wrong passwords in a row that lock an account.", "security/store.py", group="logins"),
    Setting("LOGIN_LOCK_MINUTES", int, 15, "账号锁定的分钟数。", "Minutes an account stays locked.",
            "security/store.py", group="logins"),
    Setting("LOGIN_FAILURE_DELAY", float, 0.3, "每次连续登录失败增加的等待秒数（最多 3 秒）。",
            "Seconds of delay added per failed login in a row (at most 3 s).", "security/web.py", group="logins"),
    # ------------------------------------------------------------ command line
    Setting("ETL_USER", str, None,
            "命令行加载和审计记录中的操作人（默认：操作系统登录名；--user 优先）。",
            "Who loads, in the loads table and the audit log (default: the OS login name; --user wins).",
            "etl/cli.py, etl/pipeline.py", "(the login name)", "cli"),
    Setting("ETL_PROG", str, "python -m etl",
            "报告中提示下一步命令时使用的命令名（scripts/etl 自动设置）。",
            "The command name the reports use for the next command to run (scripts/etl sets it).",
            "etl/cli.py, scripts/etl", group="cli"),
    Setting("VENV", Path, ROOT / ".venv",
            "scripts/*.sh 使用的 Python 虚拟环境（默认：项目内 .venv，首次使用时创建）。",
            "The Python virtual environment the scripts use (default: .venv in the project, created on first use).",
            "scripts/venv.sh", ".venv", "cli"),
    # ------------------------------------------------------------ tests
    Setting("ETL_PAUSE_AT", str, None,
            "仅供测试：加载在指定阶段暂停，以便测试在已知位置终止进程。",
            "Tests only: a load pauses at this stage so that a test can kill it at a known point.",
            "etl/warehouse.py", "(none)", "tests"),
)

BY_NAME = {s.name: s for s in SETTINGS}
GROUPS = {"data": ("数据", "Data"), "serving": ("服务", "Serving"), "logins": ("登录", "Logins"),
          "cli": ("命令行", "Command line"), "tests": ("测试", "Tests")}


def _convert(setting: Setting, raw: str) -> Any:
    text = raw.strip()
    kind = setting.type
    try:
        if kind is bool:
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise ValueError(text)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is Path:
            return Path(text).expanduser()
        return raw
    except ValueError:
        allowed = f"（{' / '.join(TRUE)} 或 {' / '.join(FALSE)}）" if kind is bool else ""
        raise SettingError(f"环境变量 {setting.name}={raw!r} 不是有效的{TYPES[kind][1]}{allowed}："
                           f"{setting.zh}") from None


def get(name: str) -> Any:
    """The setting's value now: the environment's, converted to the setting's type, or its default."""
    setting = BY_NAME[name]
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return setting.default
    return _convert(setting, raw)


def given(name: str) -> bool:
    """Whether the environment sets the variable (to a non-empty value)."""
    BY_NAME[name]  # only our own settings
    return bool((os.environ.get(name) or "").strip())


def put(name: str, value: Any) -> None:
    """Set a setting for this process and the processes it starts (the app's demo mode; the bench)."""
    BY_NAME[name]
    os.environ[name] = str(value)


def reference_markdown() -> str:
    """docs/settings.md, generated from SETTINGS."""
    out = ["# Settings (environment variables)", "",
           "Every environment variable the project reads, read in one place: `core/settings.py`. "
           "An empty value counts as unset; a value not of the type stops with a message naming the variable. "
           "Generated from `core/settings.py` by `.venv/bin/python -m core.settings > docs/settings.md`.", "",
           "每个环境变量只在 `core/settings.py` 中读取。空值视为未设置；类型不符时报错并指出变量名。", ""]
    for group, (zh, en) in GROUPS.items():
        out += [f"## {en} · {zh}", "", "| name | type | default | 说明 | description | read by |",
                "|---|---|---|---|---|---|"]
        for s in SETTINGS:
            if s.group != group:
                continue
            default = s.shown_default if s.shown_default is not None else (
                "(none)" if s.default is None else str(s.default))
            out.append(f"| `{s.name}` | {TYPES[s.type][0]} | `{default}` | {s.zh} | {s.en} | {s.read_by} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(reference_markdown(), end="")
