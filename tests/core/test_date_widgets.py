"""Every date and time box carries an ISO value, whatever the language: an
``<input type=date>`` given "2026/12/05" (the Chinese date format) shows an
empty box, and the form then fails "该字段是必填项" (issue: unit contact form,
admin supervision form)."""

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

from congress_portal import widgets

ISO = {forms.DateField: widgets.DateInput, forms.TimeField: widgets.TimeInput, forms.DateTimeField: widgets.DateTimeInput}


def all_form_classes():
    seen = set()
    for app in settings.LOCAL_APPS:
        try:
            package = importlib.import_module(app)
        except ImportError:
            continue
        names = [f"{app}.forms"] + [f"{app}.{m.name}.forms" for m in pkgutil.iter_modules(getattr(package, "__path__", [])) if m.ispkg]
        for name in names:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            for _n, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__ and cls not in seen:
                    seen.add(cls)
                    yield cls


def test_the_walk_finds_the_forms_with_dates():
    names = {cls.__name__ for cls in all_form_classes()}
    assert {"ContactForm", "SuperviseForm", "PaperForm", "PlanForm"} <= names


@pytest.mark.parametrize("cls", list(all_form_classes()), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_date_and_time_field_uses_an_iso_widget(cls):
    for name, field in getattr(cls, "base_fields", {}).items():
        for field_type, widget_type in ISO.items():
            if type(field) is field_type:
                assert isinstance(field.widget, widget_type), f"{cls.__name__}.{name} uses {type(field.widget).__name__}"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_date_value_renders_as_iso_in_every_language(language):
    with translation.override(language):
        html = widgets.DateInput().render("d", dt.date(2026, 12, 5))
        assert 'value="2026-12-05"' in html and 'type="date"' in html
        assert 'value="09:30"' in widgets.TimeInput().render("t", dt.time(9, 30))
        assert 'value="2026-12-05T09:30"' in widgets.DateTimeInput().render("x", dt.datetime(2026, 12, 5, 9, 30))
