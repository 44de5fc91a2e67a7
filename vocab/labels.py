"""The one label table (canonical name -> 中文 / English): UI words, KPIs, the contract's columns.

Every chart axis, legend, table header and export column goes through `label()`, so no
raw column name reaches the screen. The words are in `vocab.words_core`,
`vocab.words_more`, `vocab.words_overview`, `vocab.words_profiles`, `vocab.words_workflow`, `vocab.words_briefing`,
`vocab.words_ladder`, `vocab.words_credit`, `vocab.words_party` and `vocab.words_campaign`; a KPI's labels come
from the catalogue (vocab/kpis.py) unless a word overrides them, a column's Chinese from the contract (vocab/schema.py).
"""

from __future__ import annotations

from vocab import (
    words_briefing,
    words_campaign,
    words_core,
    words_credit,
    words_ladder,
    words_more,
    words_overview,
    words_party,
    words_profiles,
    words_workflow,
)
from vocab.kpis import CATALOGUE
from vocab.schema import DATASETS

LANGS = ("zh", "en")

# UI words and the columns of facts, scorecards and drill-downs.
_LABELS: dict[str, tuple[str, str]] = {
    **words_core.WORDS,
    **words_more.WORDS,
    **words_overview.WORDS,
    **words_profiles.WORDS,
    **words_workflow.WORDS,
    **words_briefing.WORDS,
    **words_ladder.WORDS,
    **words_credit.WORDS,
    **words_party.WORDS,
    **words_campaign.WORDS,
}

for _kpi in CATALOGUE:
    _LABELS.setdefault(_kpi.key, (_kpi.zh, _kpi.en))

# The contract's columns: Chinese from vocab/schema.py; English from the canonical name.
_EN_OVERRIDES = {
    "county": "County",
    "name": "Name",
    "company_code": "Credit code",
    "community_id": "Community ID",
    "case_id": "Case ID",
    "reporter_phone": "Phone",
    "closed_on": "Closed on",
    "received_on": "Received on",
    "management_type": "Management type",
}
for _ds in DATASETS.values():
    for _col in _ds.columns:
        _LABELS.setdefault(
            _col.name, (_col.label, _EN_OVERRIDES.get(_col.name, _col.name.replace("_", " ").capitalize()))
        )


def lang_of(value: object) -> str:
    if isinstance(value, list):
        value = value[-1] if value else None
    return "en" if value == "en" else "zh"


def label(key: str, lang: str = "zh") -> str:
    """The reader's name of a column or UI word; an unknown key is a bug, so it raises."""
    zh, en = _LABELS[key]
    return en if lang == "en" else zh


def has_label(key: str) -> bool:
    return key in _LABELS
