"""The one set of date and time widgets for every form (admin actions,
workspaces, intake, programmes). Date and time boxes always carry
an ISO value (``<input type=date>`` rejects "2026/12/05", the language's
format, and then shows an empty box); the label is localised, the value never."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
