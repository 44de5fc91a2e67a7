"""The app's own "page not found" (Dash's page router shows it for any unknown path; the
guard in security/web.py answers such a path with status 404), in Chinese, or in English
under `lang=en`."""

from __future__ import annotations

import dash

from components.i18n import lang_of

dash.register_page(__name__, path="/404", name="页面不存在", order=999, title="页面不存在")


def layout(**params):
    from security.web import refusal_layout

    return refusal_layout("not_found", lang_of(params.get("lang")))
