"""数据上传 /upload (admin only): drop ledger files, load them through the real ETL, read the
load report, download the rejected rows to fix and send again.

The browser keeps files over the limits back (assets/upload.js) and sends only their names;
the server checks type and size again (etl/upload.py), writes the rest to a private
temporary folder under clean names, loads them with `load_files(..., user=<admin>)` in one
run (the ETL's own refusals apply: corrupt, password-protected, inflating workbooks …),
removes the folder, and shows each file's report and the run's outcome (which files were
published, which not) as `scripts/etl load` prints them (etl/report.py). The rejects file is
`scripts/etl rejects --csv`'s (`etl.rejects.rejects_csv`, phones masked: the page is the
admin's) for this upload's loads; sent back fixed, it loads into each row's own dataset.
Every upload is audited (`load`), and the rejects download as an export (security/web.py).

The load runs as a background job (security/jobs.py), as the admin who dropped the files: a
bar moves by stage (reading, checking, loading each file, publishing) with its words, the
drop zone waits, the page stays usable, then the report shows. A second upload while a load
runs is refused in words (the ETL's lock, taken without waiting: etl.upload.BUSY).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html, no_update

from components.i18n import fmt_count, label, lang_of
from components.tables import HIDDEN, SHOWN
from etl import upload as uploads
from etl.rejects import rejects_csv
from etl.report import format_report, load_summary, run_summary
from metrics.access import warehouse
from metrics.status import rejects_of
from security import audit, jobs
from security.roles import may_open
from security.web import current_viewer
from vocab.schema import DATASETS

dash.register_page(__name__, path="/upload", name="数据上传", order=92, label_key="upload", roles=("admin",))

MB = 1024 * 1024


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    lang = lang_of(params.get("lang"))
    rules = label("upload_rules", lang).format(
        types="、".join(uploads.ACCEPTED) if lang == "zh" else ", ".join(uploads.ACCEPTED),
        file_mb=f"{uploads.MAX_FILE_BYTES / MB:g}",
        total_mb=f"{uploads.MAX_TOTAL_BYTES / MB:g}",
    )
    datasets = [{"label": label("upload_dataset_auto", lang), "value": "auto"}] + [
        {"label": f"{ds.label}（{name}）" if lang == "zh" else f"{ds.label} ({name})", "value": name}
        for name, ds in DATASETS.items()
    ]
    return html.Div(
        [
            dcc.Store(id="upload-query", data=params),
            dcc.Store(id="upload-limits", data={"file": uploads.MAX_FILE_BYTES, "total": uploads.MAX_TOTAL_BYTES}),
            dcc.Store(id="upload-payload"),
            dcc.Store(id="upload-result"),
            html.H4(label("upload_title", lang), className="section-title"),
            html.P(rules, id="upload-rules", className="small text-muted"),
            dbc.Row(
                [
                    dbc.Col(html.Label(label("upload_dataset", lang), className="col-form-label"), width="auto"),
                    dbc.Col(
                        dcc.Dropdown(
                            id="upload-dataset",
                            options=datasets,
                            value="auto",
                            clearable=False,
                            style={"minWidth": "18rem"},
                        ),
                        width=4,
                    ),
                ],
                className="g-2 align-items-center mb-2",
            ),
            dcc.Upload(
                id="upload-drop",
                multiple=True,
                children=html.Div(label("upload_drop", lang)),
                className="upload-drop",
                style={
                    "border": "2px dashed #8a9bb0",
                    "borderRadius": "8px",
                    "padding": "2.5rem",
                    "textAlign": "center",
                    "cursor": "pointer",
                    "background": "#f7f9fc",
                },
            ),
            html.Div(
                [
                    html.Div(id="upload-stage", className="small text-muted mb-1"),
                    dbc.Progress(id="upload-progress", value=0, striped=True, animated=True),
                ],
                id="upload-working",
                className="mt-3",
                style=HIDDEN,
            ),
            html.Div(id="upload-report", className="mt-3"),
            html.Div(
                [
                    html.Button(
                        label("upload_rejects_download", lang),
                        id="upload-rejects-export",
                        className="btn btn-sm btn-outline-secondary",
                    ),
                    dcc.Download(id="upload-rejects-download"),
                ],
                id="upload-rejects",
                style={"display": "none"},
                className="mt-2",
            ),
        ],
        id="upload-page",
    )


clientside_callback(
    ClientsideFunction(namespace="upload", function_name="filter"),
    Output("upload-payload", "data"),
    Output("upload-drop", "contents"),
    Output("upload-drop", "filename"),
    Input("upload-drop", "contents"),
    State("upload-drop", "filename"),
    State("upload-limits", "data"),
    prevent_initial_call=True,
)


def _incoming(payload: dict) -> list[uploads.Incoming]:
    """The files of a payload; a file the browser held back (over a limit) or sent unreadable
    comes with no bytes and is refused with the reason by `load_uploaded`."""
    out = []
    for f in (payload or {}).get("files") or []:
        if not isinstance(f, dict):
            continue
        name = str(f.get("name") or "")
        content = f.get("content")
        data = None
        if isinstance(content, str):
            try:
                data = base64.b64decode(content.partition(",")[2] or content, validate=True)
            except (binascii.Error, ValueError):
                data = None
        size = f.get("size") if isinstance(f.get("size"), int) else 0
        out.append(uploads.Incoming(name, data, size))
    return out


class Stages:
    """The upload's progress as the bar shows it: (percent, words) for each file's steps in the
    ETL (reading, checking, loading: etl.pipeline's 校验 读取 整理 | 校验 | 写入), then publishing."""

    def __init__(self, say: Callable[[tuple[int, str]], None], files: int, lang: str):
        self.say, self.files, self.lang, self.n = say, max(files, 1), lang, 0
        self.say((2, label("upload_stage_start", lang)))

    def file(self, path: Path) -> Callable[[str], None]:
        """The step function `load_files` calls for one file."""
        self.n += 1
        n, seen = self.n, []

        def step(stage: str) -> None:
            seen.append(stage)
            key, part = "upload_stage_read", 0.0
            if stage == "写入":
                key, part = "upload_stage_load", 0.7
            elif stage == "校验" and len(seen) > 1:
                key, part = "upload_stage_check", 0.4
            words = label(key, self.lang).format(file=path.name, n=n, files=max(self.files, n))
            self.say((int(5 + 85 * (n - 1 + part) / max(self.files, n)), words))

        return step

    def publishing(self) -> None:
        self.say((92, label("upload_stage_publish", self.lang)))

    def reporting(self) -> None:
        self.say((97, label("upload_stage_report", self.lang)))


@callback(
    Output("upload-report", "children"),
    Output("upload-result", "data"),
    Output("upload-rejects", "style"),
    Input("upload-payload", "data"),
    State("upload-dataset", "value"),
    State("upload-query", "data"),
    prevent_initial_call=True,
    progress=[Output("upload-progress", "value"), Output("upload-stage", "children")],
    progress_default=[0, ""],
    running=[
        (Output("upload-drop", "disabled"), True, False),  # one upload at a time from this page
        (Output("upload-working", "style"), SHOWN, HIDDEN),
        (Output("upload-report", "style"), HIDDEN, SHOWN),
    ],
    **jobs.options(),
)
@jobs.run
def upload_job(set_progress, payload, dataset, params):
    """The upload as a background job: only for a role that may open this page (the guard let
    the request through; the job checks its owner again), with the bar moving by stage."""
    viewer = current_viewer()
    if viewer is None or not may_open(dash.page_registry[__name__], viewer):
        return no_update, no_update, no_update
    return upload_load(payload, dataset, params, set_progress)


def upload_load(payload, dataset, params, progress: Callable[[tuple[int, str]], None] | None = None):
    """Load what was dropped and show the report per file; `progress((percent, words))` is told
    each stage."""
    lang = lang_of((params or {}).get("lang"))
    files = _incoming(payload)
    if not files:
        return no_update, no_update, no_update
    dataset = dataset if dataset in DATASETS else None
    viewer = current_viewer()
    stages = Stages(progress or (lambda _said: None), sum(1 for f in files if f.data is not None), lang)
    result = uploads.load_uploaded(
        files, warehouse().path, dataset, viewer.name if viewer else "unknown", stages.file, stages.publishing
    )
    stages.reporting()
    audit.record("load", "upload page: " + load_summary(result, dataset))
    reports = result.files
    loaded = sum(r.rows_loaded for r in reports)
    rejected = sum(r.rows_rejected for r in reports)
    refused = sum(1 for r in reports if r.refused)
    summary = label("upload_summary", lang).format(
        files=len(files), loaded=fmt_count(loaded), rejected=fmt_count(rejected), refused=refused
    )
    hint = label("upload_rejects_hint", "zh")  # the report itself is the ETL's, in Chinese
    cards = []
    for r in reports:
        tone = "danger" if r.refused else ("warning" if r.rows_rejected or r.warnings else "success")
        cards.append(
            html.Pre(
                format_report(r, hint),
                className=f"upload-file alert alert-{tone} mb-2",
                style={"whiteSpace": "pre-wrap", "fontFamily": "inherit"},
            )
        )
    body = [
        html.Div(summary, id="upload-summary", className="fw-semibold mb-2"),
        html.Div(label("upload_report_note", lang), className="small text-muted mb-1"),
        html.Div(cards, id="upload-files"),
        html.Pre(
            run_summary(result),
            id="upload-run",
            className="mt-2 mb-0",
            style={"whiteSpace": "pre-wrap", "fontFamily": "inherit"},
        ),
    ]
    load_ids = [r.load_id for r in reports if r.load_id is not None and r.rows_rejected]
    return body, {"load_ids": load_ids}, ({"display": "block"} if load_ids else {"display": "none"})


@callback(
    Output("upload-rejects-download", "data"),
    Input("upload-rejects-export", "n_clicks"),
    State("upload-result", "data"),
    State("upload-query", "data"),
    prevent_initial_call=True,
)
def upload_rejects_export(_n, result, params):
    """This upload's rejected rows, as `scripts/etl rejects --csv` writes them: phones masked,
    since only the supervisor may see them and this page is the admin's."""
    ids = (result or {}).get("load_ids") or []
    rows = rejects_of(warehouse(), ids)
    if not rows:
        return no_update
    lang = lang_of((params or {}).get("lang"))
    return dcc.send_bytes(rejects_csv(rows, masked=True), "拒收记录.csv" if lang == "zh" else "rejects.csv")
