"""The reports' filter forms, sent with GET and rendered by the crispy pack."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from assessments.models import Cycle, Organisation


class CalibrationFilter(forms.Form):
    """The cycle (by its first year, as the other comparison pages take it)
    and, for admins, the SHA. A value that is not one of the choices is
    left out, and its field shows the error."""

    cycle = forms.TypedChoiceField(
        coerce=int, required=False, label="Cycle",
        error_messages={"invalid_choice": "Choose a cycle from the list."},
    )
    sha = forms.ChoiceField(
        required=False, label="SHA",
        error_messages={"invalid_choice": "Choose an SHA from the list."},
    )

    def __init__(self, data, *, cycles: list[Cycle], shas: list[Organisation]):
        super().__init__(data)
        cycle = self.fields["cycle"]
        assert isinstance(cycle, forms.TypedChoiceField)
        cycle.choices = [("", "The latest with reviewers' levels")] + [
            (c.start_year, str(c)) for c in sorted(cycles, key=lambda c: -c.start_year)
        ]
        if shas:
            sha = self.fields["sha"]
            assert isinstance(sha, forms.ChoiceField)
            sha.choices = [("", "Every SHA (England)")] + [(s.code, s.name) for s in shas]
        else:
            del self.fields["sha"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "calibration-filter"
        self.helper.add_input(Submit("", "Show", css_class="nhsuk-button--secondary",
                                     css_id="calibration-show"))

    def filters(self) -> tuple[int | None, str]:
        """The cycle's first year (None: the default) and the SHA's code
        ("" for every SHA), leaving out what is not a choice."""
        self.is_valid()
        return self.cleaned_data.get("cycle") or None, self.cleaned_data.get("sha") or ""
