"""Pages: one module per page, registered with `dash.register_page` (Dash's page registry
passes over this file and every `_*.py` helper).

A package so the import contracts (pyproject.toml, tests/test_layers.py) can name it.
"""
