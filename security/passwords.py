"""The password policy of the access store."""

from __future__ import annotations

from security.errors import StoreError

MIN_PASSWORD = 10
PASSWORD_SCORE = 3  # zxcvbn: 3 "safely unguessable" (about 10^8 guesses and more)


def check_password(password: str, name: str = "") -> None:
    """The password policy: at least MIN_PASSWORD characters, not the user name nor built on
    it, and hard to guess as zxcvbn scores it (common passwords, words, names, dates, keyboard
    runs and repeats score low). Raises StoreError with the reason in Chinese."""
    from zxcvbn import zxcvbn

    if not password or len(password) < MIN_PASSWORD:
        raise StoreError(f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password) > 256:
        raise StoreError("密码最长 256 个字符")
    name = (name or "").strip().lower()
    if name and (name in password.lower() or password.lower() in name):
        raise StoreError("密码不能是用户名，也不能包含用户名")
    if zxcvbn(password[:100], user_inputs=[name] if name else [])["score"] < PASSWORD_SCORE:
        raise StoreError(
            "密码太容易猜到（常见密码、单词、姓名、日期、键盘顺序或重复字符），"
            "请换一个更长、更不规则的密码，例如几个不相关的词加数字和符号"
        )
