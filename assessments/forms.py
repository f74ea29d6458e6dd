
from django import forms
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from competencies.models import Competency, EvidenceItem

from . import workflow
from .assignments import board_of
from .fields import DateField
from .models import (
    ACTION_MAX_LENGTH,
    DUE_DATE_VALIDATORS,
    OWNER_MAX_LENGTH,
    Answer,
    Assessment,
    Cycle,
    EvidenceReference,
    Organisation,
)
from .templatetags.assessment_tags import lowerfirst

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
        starts = self._starting_points([value.instance for value, _ in cycle.widget.choices])
        if starts:
            self.fields["start_from"].help_text += f" It starts from the PCT's latest earlier assessment: {starts}."

    def _starting_points(self, cycles: list[Cycle]) -> str:
        """Which assessment each cycle would start from (the whole
        organisation's, as ``workflow.previous_assessment`` prefers when no
        focus is given), by cycle and status."""
        earlier = list(Assessment.objects.filter(pct=self.pct).select_related("cycle")
                       .order_by("-cycle__start_year", "-created_at"))
        points = []
        for cycle in cycles:
            before = [a for a in earlier if a.cycle.start_year < cycle.start_year]
            start = next((a for a in before if not a.focus), None) or next(iter(before), None)
            if start is not None:
                focus = f" ({start.focus})" if start.focus else ""
                points.append(f"for {cycle}, the {start.cycle}{focus} assessment, "
                              f"{start.get_status_display().lower()}")
        return "; ".join(points)

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


class RevealingRadioSelect(forms.RadioSelect):
    """Radios whose options each reveal more (the NHS.UK conditional reveal):
    the crispy pack renders ``reveal_template`` after each option, with
    ``option`` (its value) and ``form``."""

    def __init__(self, *args, reveal_template: str, inline: bool = False, **kwargs):
        self.reveal_template = reveal_template
        self.inline = inline
        super().__init__(*args, **kwargs)


OUT_OF_DATE = "This page is out of date: reload it, then make your change again."


class AnswerForm(forms.Form):
    """One checklist answer; its fields are prefixed q<number>-.

    An answer may be saved half done (a “No” with no action yet): what
    submission needs is listed by ``progress.gaps_in``, not refused here.
    """

    no_optional_marks = True  # a half-done answer is normal while answering

    value = forms.ChoiceField(
        choices=Answer.Value.choices, required=False,
        widget=RevealingRadioSelect(reveal_template="assessments/_answer_reveal.html", inline=False),
        error_messages={"invalid_choice": "Select Yes or No."},
    )
    action = forms.CharField(
        required=False, max_length=ACTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"What the PCT will do about it. Up to {ACTION_MAX_LENGTH:,} characters.",
        error_messages={"max_length": f"The action must be {ACTION_MAX_LENGTH:,} characters or fewer."},
    )
    owner = forms.CharField(
        required=False, max_length=OWNER_MAX_LENGTH, widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20"}),
        help_text="A name or a role, such as “Director of Public Health”.",
        error_messages={"max_length": f"The owner must be {OWNER_MAX_LENGTH:,} characters or fewer."},
    )
    due_date = DateField(
        label="Due date", required=False, validators=DUE_DATE_VALIDATORS,
        help_text="For example, 31 3 2009",
    )
    action_status = forms.ChoiceField(
        choices=Answer.ActionStatus.choices, initial=Answer.ActionStatus.OPEN,
        error_messages={"invalid_choice": "Select open, in progress or done."},
    )
    confirm = forms.BooleanField(required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )

    def __init__(self, *args, answer: Answer, **kwargs):
        self.answer = answer
        self.conflict = False
        number = answer.question.number
        kwargs.setdefault("prefix", f"q{number}")
        if not args and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(answer, name) for name in (*workflow.ANSWER_FIELDS, "version")}
        super().__init__(*args, **kwargs)
        hidden = f'<span class="nhsuk-u-visually-hidden"> for question {number}</span>'
        labels = {"action": "Action", "owner": "Owner of the action", "due_date": "Due date",
                  "action_status": "Action status"}
        for name, label in labels.items():
            self.fields[name].label = format_html("{}" + hidden, label)
        self.fields["value"].label = format_html(
            '<span class="nhsuk-caption-m">Question {}</span> {}', number, linebreaksbr(answer.wording))
        process = answer.question.process
        if process is not None:
            self.fields["value"].help_text = (
                f"What the competency expects: a world class commissioner {lowerfirst(process.text)}.")
        self.fields["confirm"].label = format_html(
            "This answer is still right: confirm it{}", mark_safe(hidden))
        if not answer.carried_over:
            del self.fields["confirm"]

    @property
    def confirming(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data.get("confirm"))

    def clean(self):
        cleaned = super().clean()
        for name in ("action", "owner"):
            if name in cleaned:
                cleaned[name] = cleaned[name].strip()
        return cleaned


class CompetencyChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number}. {obj.short_title}"


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class AssignForm(forms.Form):
    """Give several competencies of an assessment to one board member at once."""

    competencies = CompetencyChoices(
        queryset=Competency.objects.order_by("theme__position", "number"), widget=forms.CheckboxSelectMultiple,
        label="Which competencies?",
        error_messages={"required": "Select the competencies to give to someone.",
                        "invalid_choice": "That competency does not exist: reload the page."},
    )
    assignee = PersonChoice(
        queryset=Competency.objects.none(), required=False, empty_label="Nobody: take them off whoever has them",
        label="Give them to", help_text="One of the PCT's board members. They see them under “My competencies”.",
        error_messages={"invalid_choice": "Choose one of the PCT's board members."},
    )

    def __init__(self, *args, pct: Organisation, **kwargs):
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ModelChoiceField)
        assignee.queryset = board_of(pct)


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
