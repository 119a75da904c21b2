"""The tests' strict templates (tests/conftest.py): an undefined variable in one of our
templates, the admin pages we override included, fails the test that renders it."""

import pytest
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.test import RequestFactory

from tests import conftest


def test_an_undefined_variable_in_our_admin_override_fails():
    with pytest.raises(AssertionError, match=r"undefined .*admin/poles/pole/object_history"):
        render_to_string("admin/poles/pole/object_history.html", {},
                         request=RequestFactory().get("/admin/"))  # fmt: skip


def test_djangos_own_admin_templates_stay_lenient():
    html = render_to_string("admin/base_site.html", {}, request=RequestFactory().get("/"))
    assert "<html" in html


def test_the_check_follows_the_file_a_variable_is_written_in(tmp_path, settings, monkeypatch):
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir(), theirs.mkdir()
    monkeypatch.setattr(conftest, "PROJECT_TEMPLATES", ours)
    (theirs / "base.html").write_text("{{ undefined_in_theirs }}{% block body %}{% endblock %}")
    (ours / "page.html").write_text(
        '{% extends "base.html" %}{% block body %}{{ undefined_in_ours }}{% endblock %}'
    )
    engine = Engine(
        dirs=[str(ours), str(theirs)],
        string_if_invalid=settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"],
        debug=True,
    )
    with pytest.raises(AssertionError, match="undefined_in_ours"):
        engine.get_template("page.html").render(Context({}))
    assert engine.get_template("base.html").render(Context({})) == ""
