"""The URL query string: the filter bar's state, so that a link reproduces a view."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

SHARED = ("region", "from", "to", "lang")  # kept when moving between pages


def parse(search: str | None) -> dict[str, str]:
    """`?region=140700&from=2024-01-01` -> {'region': '140700', 'from': '2024-01-01'} (last value wins)."""
    return dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=False))


def build(params: dict[str, object]) -> str:
    """The inverse of parse; empty values are dropped; '' when nothing is left."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "", [])}
    return "?" + urlencode(kept) if kept else ""


def shared(search: str | None) -> dict[str, str]:
    """Only the parameters every page understands."""
    return {k: v for k, v in parse(search).items() if k in SHARED}


def with_params(search: str | None, **changes: object) -> str:
    params = parse(search)
    params.update({k.rstrip("_"): v for k, v in changes.items()})
    return build(params)
