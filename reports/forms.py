"""The reports' forms, rendered by the crispy pack: the filters, sent with GET,
and the board paper's details, saved with POST."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms

from assessments.fields import DateField
from assessments.models import Cycle, Organisation

from .models import BoardPaper


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


class BoardPaperForm(forms.ModelForm):
    """The board paper's front and its annexes, beside the download button."""

    meeting_date = DateField(label="Meeting date", required=False, help_text="For example, 25 3 2009")

    class Meta:
        model = BoardPaper
        fields = ["meeting", "meeting_date", "reference", "lead_director", "recommendation", *BoardPaper.ANNEXES]
        widgets = {"recommendation": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "meeting": {"max_length": "The meeting must be 120 characters or fewer."},
            "reference": {"max_length": "The paper reference must be 40 characters or fewer."},
            "lead_director": {"max_length": "The lead director must be 120 characters or fewer."},
            "recommendation": {"max_length": "The recommendation must be 500 characters or fewer."},
        }

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_id = "board-paper"
        self.helper.form_show_errors = False  # the page's error summary, at its top, lists them
        self.helper.layout = Layout(
            "meeting", "meeting_date", "reference", "lead_director", "recommendation",
            Fieldset("Annexes to include", *BoardPaper.ANNEXES),
        )
        self.helper.add_input(Submit("", "Save and download the board paper (PDF)", css_id="board-paper-save"))

    def clean(self):
        cleaned = super().clean()
        for name in ("meeting", "reference", "lead_director", "recommendation"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        return cleaned
