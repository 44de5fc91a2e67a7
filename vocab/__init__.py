"""The vocabulary every layer shares, at the bottom: it imports nothing of ours.

- `vocab.schema`: the data contract (datasets, their canonical columns, kinds, Chinese aliases,
  the enumerations of the ledgers); the ETL loads by it, metrics read by it, labels name it.
- `vocab.kpis`: the KPI catalogue as data (key, labels, facts, numerator, denominator, kind,
  direction, traffic-light thresholds) and what follows from it alone (`light`, `KpiValue`).
- `vocab.roles`: the roles, one tuple.
- `vocab.labels` (with its tables `vocab.words`): every label in both languages.

pyproject.toml's import contracts keep it at the bottom (tests/test_layers.py).
"""
