"""Roles → scope and pages (security/roles.py), and the scope a request without a login gets."""

from __future__ import annotations

from metrics.filters import Filter, Scope, region_sql
from security.roles import NOTHING, SCREEN, Viewer, may_open, page_roles, scope_of, scope_text


def test_each_role_has_its_scope() -> None:
    assert scope_of("leader") == Scope(None, personal_data=False)
    assert scope_of("supervisor") == Scope(None, personal_data=True)
    assert scope_of("county", "140702") == Scope(("140702",), personal_data=False)
    assert scope_of("admin") == Scope(None, personal_data=False)
    assert scope_of(SCREEN) == Scope(None, personal_data=False)
    assert scope_of("county") == NOTHING and scope_of("someone") == NOTHING


def test_a_county_scope_and_a_foreign_filter_give_no_rows_in_sql() -> None:
    sql = region_sql("county", Filter.from_query("140721"), scope_of("county", "140702"))
    assert sql.text == "starts_with(county, $region) AND (starts_with(county, $scope_0))"
    assert sql.params == {"region": "140721", "scope_0": "140702"}
    assert region_sql("county", Filter(), NOTHING).text == "FALSE"


def test_pages_by_role() -> None:
    overview, data, screen = {"path": "/"}, {"path": "/data"}, {"path": "/screen"}
    upload = {"path": "/admin/upload", "roles": ("admin",)}  # a page naming its roles in register_page
    county, admin, wall = Viewer("c", "county", "140702"), Viewer("a", "admin"), Viewer("screen#1", SCREEN)
    assert may_open(overview, county) and not may_open(data, county) and may_open(screen, county)
    assert may_open(data, admin) and may_open(upload, admin) and not may_open(upload, Viewer("l", "leader"))
    assert may_open(screen, wall) and not may_open(overview, wall) and not may_open(upload, wall)
    assert not may_open(overview, None)
    assert page_roles(upload) == {"admin"}


def test_scope_as_the_audit_writes_it() -> None:
    assert scope_text(scope_of("county", "140702")) == "regions=140702;personal_data=no"
    assert scope_text(scope_of("supervisor")) == "regions=all;personal_data=yes"


def test_outside_a_request_the_scope_is_everything_masked_and_inside_without_login_nothing(
    tmp_path, monkeypatch
) -> None:
    import flask

    from security.roles import NOTHING as NO_ONE
    from security.web import current_scope

    assert current_scope() == Scope(None, personal_data=False)
    monkeypatch.setenv("WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    app = flask.Flask(__name__)
    app.secret_key = "test"
    from flask_login import LoginManager

    LoginManager(app).user_loader(lambda _id: None)
    with app.test_request_context("/"):
        assert current_scope() == NO_ONE
