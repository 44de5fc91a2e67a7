"""Who may see what (issue 7): the access store (users, sessions, screen tokens, audit),
roles and their scope, and the login, guard and headers of the web server.

- `security.store`: SQLite beside the warehouse; `python -m etl users|tokens` manage it.
- `security.roles`: the roles, their Scope, which pages each may open.
- `security.web`: `install(app)` (login, guard, headers), `current_viewer()`, `serve()`.
- `security.audit`: `record(event, detail)` and `recent()`.
"""
