"""物业监管看板: the Dash app (shell, navigation, server).

`python app.py` serves on http://127.0.0.1:8050; HOST, PORT and WAREHOUSE override.
In production: `gunicorn app:server`.
"""

from __future__ import annotations

import os

import dash
from dash import Dash, dcc, html

app = Dash(__name__, use_pages=True, title="物业监管看板", suppress_callback_exceptions=True)
server = app.server


def navbar() -> html.Nav:
    return html.Nav(
        [html.Span("物业监管看板", className="brand")]
        + [dcc.Link(page["name"], href=page["relative_path"], className="nav-link") for page in dash.page_registry.values()],
        className="navbar",
    )


app.layout = html.Div([dcc.Location(id="url"), navbar(), dash.page_container])


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")), debug=False)
