"""The bottom layer: what every other package may import, and which imports nothing of ours.

- `core.settings`: every environment variable the project reads, read here and nowhere else;
- `core.clock`: timestamps shown in Beijing time;
- `core.private`: files holding personal data or password hashes, readable by their owner only.
"""
