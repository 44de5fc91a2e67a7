"""Benchmarks: `python -m bench etl` (and, later, `python -m bench pages`).

Each benchmark measures our code and a floor (the bare operation it is built on) in
one run, on this machine, and reports the median of each and their ratio against a
target: shared machines are noisy, ratios measured side by side are not.
"""
