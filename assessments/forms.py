from django import forms

from competencies.models import EvidenceItem

from . import workflow
from .models import (
    ACTION_MAX_LENGTH,
    DUE_DATE_VALIDATORS,
    OWNER_MAX_LENGTH,
    Answer,
    Cycle,
    EvidenceReference,
    Organisation,
)

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
    level = forms.TypedChoiceField(
        label="Your level", coerce=int,
        choices=[(n, f"Level {n}") for n in range(1, 5)], widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a level from 1 to 4.",
            "invalid_choice": "Select a valid choice: a level from 1 to 4.",
        },
    )
    reason = forms.CharField(
        label="Reason", max_length=ACTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this level. The PCT's board sees it once the assessment is returned or "
        f"accepted. Up to {ACTION_MAX_LENGTH:,} characters.",
        error_messages={"required": "Say why you give this level."},
    )

    def __init__(self, *args, competency, **kwargs):
        kwargs.setdefault("prefix", f"c{competency.number}")
        super().__init__(*args, **kwargs)
        # Every competency's form is on one page: each legend says which it is.
        self.fields["level"].label = f"Your level for {competency.short_title}"


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
