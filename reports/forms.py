"""The reports' filter forms, sent with GET and rendered by the crispy pack."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
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

    @property
    def fragment_key(self) -> str | None:
        """Everything the form shows (its choices and what is chosen), so that
        its HTML can be cached; None when it shows an error."""
        if self.errors:
            return None
        return repr([(name, getattr(field, "choices", None), self.data.get(name, ""))
                     for name, field in self.fields.items()])

    def filters(self) -> tuple[int | None, str]:
        """The cycle's first year (None: the default) and the SHA's code
        ("" for every SHA), leaving out what is not a choice."""
        self.is_valid()
        return self.cleaned_data.get("cycle") or None, self.cleaned_data.get("sha") or ""


class CompareFilter(forms.Form):
    """The comparison pages' cycle and (for admins) SHA, showing what is
    chosen. The pages read the query string themselves
    (``comparison_views._scope``); this form only draws the choice, through
    the crispy pack, keeping the table's sort."""

    cycle = forms.ChoiceField(label="Cycle", required=False)
    sha = forms.ChoiceField(label="SHA", required=False)
    sort = forms.CharField(widget=forms.HiddenInput, required=False)
    dir = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *, cycles: list[Cycle], chosen: Cycle | None, shas: list[Organisation], sha_code: str,
                 sort: str = "", descending: bool = False):
        super().__init__(initial={"cycle": chosen.start_year if chosen else "", "sha": sha_code, "sort": sort,
                                  "dir": ("desc" if descending else "asc") if sort else ""})
        cycle = self.fields["cycle"]
        assert isinstance(cycle, forms.ChoiceField)
        cycle.choices = [(c.start_year, str(c)) for c in sorted(cycles, key=lambda c: -c.start_year)]
        sha = self.fields["sha"]
        assert isinstance(sha, forms.ChoiceField)
        if shas:
            sha.choices = [("", "Every SHA (England)")] + [(s.code, s.name) for s in shas]
        else:  # a reviewer's own SHA, kept as it was sent
            sha.widget = forms.HiddenInput()
        if not sort:
            del self.fields["sort"], self.fields["dir"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "app-compare-filter app-no-print"
        self.helper.form_show_errors = False
        self.helper.layout = Layout(
            *(Field(name, wrapper_class="app-compare-filter__group") for name in self.fields),
            Div(Submit("", "Show", css_class="nhsuk-button--secondary app-compare-filter__button"),
                css_class="app-compare-filter__group"),
        )

    @property
    def fragment_key(self) -> str:
        """Everything the form shows (its fields, their choices and what is
        chosen), so that its HTML can be cached."""
        return repr([(name, getattr(field, "choices", None), type(field.widget).__name__, self.initial.get(name))
                     for name, field in self.fields.items()])
