"""The reviewers' forms: the worksheet's levels, returning and accepting,
challenges and the PCT's replies, and the review queue's filter."""

from collections.abc import Mapping, Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import MaxValueValidator

from competencies.models import Competency

from .fields import DateField
from .models import ACTION_MAX_LENGTH, LATEST_DUE_DATE, CompetencyReview, Cycle, check_deadline
from .queue import QUEUE_STATUSES
from .reviews import level_choices
from .scoring import Band


def inside_the_page() -> FormHelper:
    """A form drawn inside the page's own ``<form>``: no tag or CSRF token of
    its own, and no error summary (the page's lists every error)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.form_show_errors = False
    return helper


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
        self.helper = inside_the_page()

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
    competency (its number) checks that one alone, and ``only=0`` none. Every competency not
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
            checked = competency.number == only if only is not None else form.sent and form.has_changed()
            if data is not None and not checked:
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


class ChallengeForm(forms.Form):
    """A reviewer's challenge to one answer, inside the review page's one form: fields prefixed x<number>-."""

    note = forms.CharField(max_length=ACTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, number: int, **kwargs):
        kwargs["prefix"] = f"x{number}"
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        note.label = f"Your challenge to the answer to question {number}"
        note.help_text = "What the evidence does not show, for example. The PCT sees it once you return the assessment."
        note.error_messages = {"required": f"Say what is wrong with the answer to question {number}.",
                               "max_length": f"Your challenge must be {ACTION_MAX_LENGTH:,} characters or fewer."}
        self.helper = inside_the_page()


class ReplyForm(forms.Form):
    """The PCT's reply to one challenge. Its fields sit beside the question,
    inside the competency page's form, but belong to a small form of their
    own (the HTML ``form`` attribute): posting a reply sends nothing else."""

    reply = forms.CharField(max_length=ACTION_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, challenge_id: int, number: int, **kwargs):
        # Each reply is a form of its own, so its field's name need not differ from the others'; its id must.
        kwargs["auto_id"] = f"id_reply{challenge_id}-%s"
        super().__init__(*args, **kwargs)
        self.challenge_id = challenge_id
        self.form_id = f"reply-{challenge_id}"
        reply = self.fields["reply"]
        reply.widget.attrs["form"] = self.form_id
        reply.label = f"Your reply to the challenge to question {number}"
        reply.error_messages = {"required": f"Write your reply to the challenge to question {number}.",
                                "max_length": f"Your reply must be {ACTION_MAX_LENGTH:,} characters or fewer."}
        self.helper = inside_the_page()


class ReviewDeadlineForm(forms.Form):
    """The day by which an SHA's reviewers mean to have reviewed a cycle's assessments."""

    # The earliest is the cycle's start (``clean_due``); the latest, what the database takes.
    due = DateField(label="Review deadline", required=False,
                    validators=[MaxValueValidator(LATEST_DUE_DATE, "Review deadline must be in 2100 or earlier")],
                    help_text="For example, 30 6 2010. Leave it empty for no review deadline.")

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.helper = FormHelper()
        self.helper.form_id = "review-deadline"
        self.helper.form_show_errors = False  # the page's summary is at its top
        self.helper.add_input(Submit("", "Save the review deadline"))

    def clean_due(self):
        due = self.cleaned_data["due"]
        if due is not None:
            check_deadline(self.cycle, due, name="review deadline")
        return due
