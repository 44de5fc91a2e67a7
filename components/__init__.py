"""Components: what every page draws (look, charts, maps, cards, grids, the panel, labels).

A package so the import contracts (pyproject.toml, tests/test_layers.py) can name it; it
never queries the warehouse and never imports metrics.
"""
