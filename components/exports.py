"""A panel's export to Excel: the sheet a page makes (`Sheet`), and the callbacks that hand it
to the viewer's dcc.Download (`register`, behind `components.panel.Panels.export`).

A small export is written at once, in the request, as it always was. A large one (over
EXPORT_JOB_CELLS cells, rows × columns: 50,000 by default, about a second of writing) runs as a background job (security/jobs.py, handed in by
the page as `jobs`, a `Background`; this layer never imports security): the page stays
usable, the button waits, and a bar under it says how far the writing is. The request that
finds a sheet large hands nothing over; it sets `<prefix>-job`, which starts the job, and
the job makes the sheet again — as the viewer who asked, through a reader of its own — and
writes it. Whatever making a file should record (personal data shown) is recorded once, by
whoever hands the file over (`Sheet.sent`).

The ids, for an export `<prefix>` (`<page>-<name>`): `<prefix>-export` the button,
`<prefix>-download` the dcc.Download, `<prefix>-job` the store that starts the job,
`<prefix>-progress` the bar and its words (components.tables.export_controls lays them out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import pandas as pd
from dash import Input, Output, State, dcc, no_update
from dash.exceptions import PreventUpdate

import settings
from components.i18n import fmt_count, label, lang_of
from components.tables import HIDDEN, SHOWN, to_excel

if TYPE_CHECKING:
    from components.panel import Panels


@dataclass(frozen=True)
class Sheet:
    """An export: the rows, the columns in order, the sheet's title (text), the filters as
    header lines, and the number formats (as for `grid`). `sent`: what handing the file to
    the viewer records (a page's audit of personal data in it), called once it is made."""

    frame: pd.DataFrame
    columns: list[str]
    lang: str
    title: str
    header_lines: list[str]
    formats: dict[str, str] | None = None
    kpis: Iterable[str] = ()
    sent: Callable[[], None] | None = None

    @property
    def cells(self) -> int:
        return len(self.frame) * max(len(self.columns), 1)

    def xlsx(self, progress: Callable[[int, int], None] | None = None) -> bytes:
        return to_excel(
            self.frame,
            self.columns,
            self.lang,
            self.title,
            self.header_lines,
            self.formats,
            kpis=self.kpis,
            progress=progress,
        )

    def download(self, filename: str, progress: Callable[[int, int], None] | None = None) -> dict:
        """The file for a dcc.Download; what handing it over records is recorded."""
        data = dcc.send_bytes(self.xlsx(progress), filename)
        if self.sent is not None:
            self.sent()
        return data


class Background(Protocol):
    """How a page's large exports run as background jobs (security/jobs.py's BACKGROUND): the
    `dash.callback` arguments of a background callback, and the wrapper that runs a
    callback's function as a job's work (as the viewer who asked, with a reader of its own)."""

    def options(self) -> dict: ...

    def run(self, fn: Callable) -> Callable: ...


def register(panels: Panels, name: str, sheet: Callable[[dict], Sheet], filename: str | None = None):
    """The callbacks of the export `<page>-<name>` (see the module); returns `export(n_clicks,
    params, progress=None)`, the function that makes the whole file (tests call it)."""
    filename = filename or f"{panels.id(name)}.xlsx"
    prefix = panels.id(name)
    callback_name = f"{panels.page}_export_{name}".replace("-", "_")

    def export(_n, params, progress: Callable[[int, int], None] | None = None):
        return sheet(params).download(filename, progress)

    if panels.jobs is None:
        panels.callback(
            callback_name,
            Output(f"{prefix}-download", "data"),
            Input(f"{prefix}-export", "n_clicks"),
            State(panels.store, "data"),
            prevent_initial_call=True,
        )(export)
        return export

    def export_now(n, params):
        """A small sheet at once; a large one handed to the job (nothing handed over here)."""
        made = sheet(params)
        if made.cells > settings.get("EXPORT_JOB_CELLS"):
            return no_update, n
        return made.download(filename), no_update

    panels.callback(
        callback_name,
        Output(f"{prefix}-download", "data"),
        Output(f"{prefix}-job", "data"),
        Input(f"{prefix}-export", "n_clicks"),
        State(panels.store, "data"),
        prevent_initial_call=True,
        running=[(Output(f"{prefix}-export", "disabled"), True, False)],
    )(export_now)

    def export_job(set_progress, n, params):
        if not n:
            raise PreventUpdate
        lang = lang_of((params or {}).get("lang"))
        set_progress((2, label("export_querying", lang)))

        def written(done: int, rows: int) -> None:
            text = label("export_writing", lang).format(done=fmt_count(done), total=fmt_count(rows))
            set_progress((5 + 90 * done // max(rows, 1), text))

        return export(n, params, written)

    bar = f"{prefix}-progress"
    panels.callback(
        callback_name + "_job",
        Output(f"{prefix}-download", "data", allow_duplicate=True),
        Input(f"{prefix}-job", "data"),
        State(panels.store, "data"),
        prevent_initial_call=True,
        progress=[Output(f"{bar}-bar", "value"), Output(f"{bar}-text", "children")],
        progress_default=[0, ""],
        running=[(Output(f"{prefix}-export", "disabled"), True, False), (Output(bar, "style"), SHOWN, HIDDEN)],
        **panels.jobs.options(),
    )(panels.jobs.run(export_job))
    return export
