"""简报: the briefing that writes itself (issue 20). For one recipient (a user of the app, whose
scope it is read with) and one period (a month or an ISO week): `content.build` words the
metrics layer's figures as the city's task force writes them, `charts.draw` draws its charts
offline, `render` writes it as .docx and PDF, `archive` keeps each once with its SHA-256 in the
access store's register and hands it to its recipient, and `schedule` says which are due.

    python -m briefing --recipient leader --region 140700 --period 2025-05 --out out/
    python -m briefing due [--now 2025-06-01T08:00]

It sits above workflow (it reuses its typesetting and write-once store) and never draws with
Dash; pages/briefings.py is its page.
"""
