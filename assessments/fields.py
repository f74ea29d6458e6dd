"""The NHS.UK date input (day, month and year boxes) as a form field, with the
service manual's error messages."""

import datetime

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")


class DateInputWidget(forms.MultiWidget):
    """Three numeric boxes, named ``<name>_day``, ``<name>_month`` and ``<name>_year``."""

    template_name = "nhsuk/widgets/date_input.html"
    date_input = True  # the crispy pack renders it as a fieldset (``is_date_input``)

    def __init__(self, attrs=None):
        widths = {"day": 2, "month": 2, "year": 4}
        super().__init__(
            {
                part: forms.TextInput(attrs={
                    "inputmode": "numeric", "autocomplete": "off",
                    "class": f"nhsuk-input nhsuk-date-input__input nhsuk-input--width-{widths[part]}",
                })
                for part in PARTS
            },
            attrs,
        )

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else id_

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        # A class given to the whole (the pack's error class) is added to
        # each box's own, not put in its place.
        extra = (attrs or {}).get("class", "")
        context = super().get_context(name, value, {**(attrs or {}), "class": ""})
        for part, subwidget in zip(PARTS, context["widget"]["subwidgets"]):
            subwidget["label"] = part.capitalize()
            if attrs and attrs.get("id"):
                subwidget["attrs"]["id"] = f"{attrs['id']}_{part}"
            own = self.widgets[PARTS.index(part)].attrs["class"]
            subwidget["attrs"]["class"] = f"{own} {extra}".strip()
        return context


class DateField(forms.Field):
    """A date typed as day, month and year. Its messages name the field
    (``label``) as the NHS.UK date input pattern asks: "Due date must
    include a month", "Due date must be a real date"."""

    widget = DateInputWidget

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The label may become markup later; messages keep its words.
        self.name = str(self.label or "The date")

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        parts = dict(zip(PARTS, (str(part or "").strip() for part in (value or ["", "", ""]))))
        if not any(parts.values()):
            return None
        name = self.name
        missing = [part for part in PARTS if not parts[part]]
        if missing:
            raise ValidationError(
                f"{name} must include a {' and '.join(missing)}", code="incomplete"
            )
        try:
            day, month, year = (int(parts[part]) for part in PARTS)
            return datetime.date(year, month, day)
        except (ValueError, OverflowError):
            raise ValidationError(f"{name} must be a real date", code="invalid") from None

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(f"Enter the {self.name.lower()}", code="required")

    def prepare_value(self, value):
        # What was typed (a list of three) is shown again as typed.
        return value
