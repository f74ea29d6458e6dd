from collections.abc import Mapping, Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from competencies.models import Competency, EvidenceItem

from . import workflow
from .models import (
    ACTION_MAX_LENGTH,
    DUE_DATE_VALIDATORS,
    OWNER_MAX_LENGTH,
    Answer,
    CompetencyReview,
    Cycle,
    EvidenceReference,
    Organisation,
)
from .queue import QUEUE_STATUSES
from .reviews import level_choices
from .scoring import Band

START_EMPTY = "empty"
START_FROM_PREVIOUS = "previous"


class StartAssessmentForm(forms.Form):
    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.order_by("-start_year"), empty_label=None,
        help_text="The financial year the assessment is for.",
    )
    focus = forms.CharField(
        max_length=200, required=False,
        help_text="Only if the assessment is about a single strategy, such as “Obesity strategy”.",
    )
    start_from = forms.ChoiceField(
        label="How do you want to start?",
        choices=[
            (START_EMPTY, "Start empty"),
            (START_FROM_PREVIOUS,
             "Start from the PCT's previous assessment (answers and open actions carried over)"),
        ],
        widget=forms.RadioSelect,
        initial=START_EMPTY,
        help_text="Carried-over answers are marked until someone confirms or changes them. "
        "Actions that were done are not carried over.",
    )

    def __init__(self, *args, pct: Organisation, **kwargs):
        self.pct = pct
        super().__init__(*args, **kwargs)
        # Read the cycles once, for both rendering and "are there any?"
        # (iter(), or list() would first ask for their number: a COUNT query).
        cycle = self.fields["cycle"]
        assert isinstance(cycle, forms.ModelChoiceField)
        cycle.widget.choices = list(iter(cycle.iterator(cycle)))

    @property
    def has_cycles(self) -> bool:
        return bool(self.fields["cycle"].widget.choices)

    def clean(self):
        cleaned = super().clean()
        cycle = cleaned.get("cycle")
        if cycle and cleaned.get("start_from") == START_FROM_PREVIOUS:
            previous = workflow.previous_assessment(
                pct=self.pct, before=cycle, focus=cleaned.get("focus", "")
            )
            if previous is None:
                self.add_error("start_from", (
                    f"{self.pct} has no assessment before {cycle} to start from: "
                    "choose “Start empty”."
                ))
        return cleaned


class AnswerForm(forms.Form):
    """One checklist answer; its fields are prefixed q<number>-."""

    value = forms.ChoiceField(
        label="Answer", choices=Answer.Value.choices, required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a valid choice: Yes or No."},
    )
    action = forms.CharField(
        label="Action", required=False, max_length=ACTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"What the PCT will do about it. Needed for a “No”. "
        f"Up to {ACTION_MAX_LENGTH:,} characters.",
    )
    owner = forms.CharField(
        label="Owner", required=False, max_length=OWNER_MAX_LENGTH,
        help_text="A name or a role, such as “Director of Public Health”.",
    )
    due_date = forms.DateField(
        label="Due date", required=False, validators=DUE_DATE_VALIDATORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the due date as a real date, for example 31/03/2009."},
    )
    action_status = forms.ChoiceField(
        label="Action status", choices=Answer.ActionStatus.choices,
        initial=Answer.ActionStatus.OPEN,
        error_messages={"invalid_choice": "Select a valid choice: open, in progress or done."},
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={
            "required": "This page is out of date: reload it, then make your change again.",
            "invalid": "This page is out of date: reload it, then make your change again.",
            "min_value": "This page is out of date: reload it, then make your change again.",
        },
    )

    def __init__(self, *args, answer: Answer, **kwargs):
        self.answer = answer
        self.conflict = False
        kwargs.setdefault("prefix", f"q{answer.question.number}")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        for name in ("action", "owner"):
            if name in cleaned:
                cleaned[name] = cleaned[name].strip()
        return cleaned


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What does the PCT need to change?", max_length=ACTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"The PCT's board members see this. Up to {ACTION_MAX_LENGTH:,} characters.",
        error_messages={"required": "Say what the PCT needs to change."},
    )


class AcceptForm(forms.Form):
    comment = forms.CharField(
        label="Comment", required=False, max_length=ACTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"The PCT's board members see this. Up to {ACTION_MAX_LENGTH:,} characters.",
    )


class ReviewForm(forms.Form):
    """The reviewer's level and reason for one competency; fields prefixed c<number>-.

    Rendered inside the review page's one form: no tag and no error summary
    of its own (the page has one for every competency)."""

    level = forms.TypedChoiceField(coerce=int, choices=level_choices([]), widget=forms.RadioSelect)
    reason = forms.CharField(
        max_length=ACTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this level. The PCT's board sees it once the assessment is returned or "
        f"accepted. Up to {ACTION_MAX_LENGTH:,} characters.",
    )

    def __init__(self, *args, competency: Competency, bands: Sequence[Band], **kwargs):
        kwargs.setdefault("prefix", f"c{competency.number}")
        super().__init__(*args, **kwargs)
        self.competency = competency
        level = self.fields["level"]
        assert isinstance(level, forms.TypedChoiceField)
        # Every competency's form is on one page: each label and error says which it is.
        title = competency.short_title
        level.label = f"Your level for {title}"
        level.choices = level_choices(bands)
        level.error_messages = {"required": f"Choose your level for {title}, from 1 to 4.",
                                "invalid_choice": f"Select a valid choice for {title}: a level from 1 to 4."}
        reason = self.fields["reason"]
        reason.label = f"Your reason for {title}"
        reason.error_messages = {"required": f"Say why you give {title} this level.",
                                 "max_length": f"Your reason for {title} must be {ACTION_MAX_LENGTH:,} characters "
                                 "or fewer."}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_show_errors = False

    @property
    def fragment_key(self) -> str | None:
        """Everything an unbound form shows (its labels, levels and what is
        saved), so that its rendered HTML can be cached; None for a posted
        form, which shows what was typed and its errors."""
        if self.is_bound:
            return None
        return repr((self.prefix, [(name, f.label, f.help_text, getattr(f, "choices", None), self[name].value())
                                   for name, f in self.fields.items()]))

    @property
    def sent(self) -> bool:
        """Whether the POST has this competency's fields at all (a page always
        sends its reason, if only blank): one it leaves out is left as it is."""
        return any(self.add_prefix(name) in self.data for name in self.fields)

    def typed(self) -> dict[str, object]:
        """What was typed (or, unbound, what is saved), valid or not."""
        return {name: self[name].value() for name in self.fields}


class ReviewSheet:
    """The review page's one form: a ``ReviewForm`` per competency, posted together.

    Saving all checks each competency sent whose level or reason differs from
    the one saved (a competency left blank is not checked); saving ``only`` one
    competency (its number) checks that one alone. Every competency not
    checked is shown again as typed, without errors, so nothing typed is lost.
    """

    def __init__(self, data=None, *, competencies: Sequence[Competency], reviews: Mapping[int, CompetencyReview],
                 bands: Sequence[Band], only: int | None = None):
        self.only = only
        self.forms: dict[int, ReviewForm] = {}
        for competency in competencies:
            review = reviews.get(competency.pk)
            saved = {"level": review.level, "reason": review.reason} if review else None
            form = ReviewForm(data, competency=competency, bands=bands, initial=saved)
            if data is not None and not (competency.number == only if only else form.sent and form.has_changed()):
                form = ReviewForm(competency=competency, bands=bands, initial=form.typed())
            self.forms[competency.number] = form

    @property
    def checked(self) -> list[ReviewForm]:
        return [form for form in self.forms.values() if form.is_bound]

    @property
    def invalid(self) -> list[ReviewForm]:
        return [form for form in self.checked if not form.is_valid()]

    @property
    def levels(self) -> dict[Competency, tuple[int, str]]:
        """The valid levels and reasons, for ``workflow.record_reviews``."""
        return {
            form.competency: (form.cleaned_data["level"], form.cleaned_data["reason"])
            for form in self.checked if form.is_valid()
        }


REVIEW_QUEUE_STATUSES = [("", "All statuses"), *QUEUE_STATUSES.items()]


class ReviewQueueFilter(forms.Form):
    """The review queue's filters, sent with GET."""

    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.order_by("-start_year"), required=False, empty_label="All cycles",
        error_messages={"invalid_choice": "Choose a cycle from the list."},
    )
    status = forms.ChoiceField(
        choices=REVIEW_QUEUE_STATUSES, required=False,
        error_messages={"invalid_choice": "Choose a status from the list."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The cycles read once, for rendering (iter(): list() would ask for a COUNT first).
        cycle = self.fields["cycle"]
        assert isinstance(cycle, forms.ModelChoiceField)
        cycle.widget.choices = list(iter(cycle.iterator(cycle)))
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "review-queue-filter"
        self.helper.add_input(Submit("", "Show these assessments", css_class="nhsuk-button--secondary",
                                      css_id="review-queue-show"))

    def filters(self) -> dict:
        """The cycle and status chosen, leaving out a value that is not one of
        the choices (its field shows the error)."""
        self.is_valid()
        return self.cleaned_data


class EvidenceForm(forms.ModelForm):
    evidence_item = forms.ModelChoiceField(
        queryset=EvidenceItem.objects.all(), widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That evidence item does not exist: reload the page."},
    )

    class Meta:
        model = EvidenceReference
        fields = ["evidence_item", "title", "reference", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "reference": "A web address, or where the document is kept, "
            "such as “Board papers, May 2008, item 7”.",
        }
        error_messages = {"title": {"required": "Give the evidence a title."}}
