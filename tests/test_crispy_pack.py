"""The "nhsuk" django-crispy-forms template pack emits NHS.UK frontend markup."""

import datetime
from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Button, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.template import Context, Template

from assessments.fields import DateField

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = {name: value if value is not None else "" for name, value in attrs}
        self.parent = parent
        self.children = []

    @property
    def classes(self):
        return self.attrs.get("class", "").split()

    @property
    def text(self):
        return " ".join(
            " ".join(child.split()) if isinstance(child, str) else child.text for child in self.children
        ).strip()

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            el
            for el in self.iter()
            if (tag is None or el.tag == tag)
            and (cls is None or cls in el.classes)
            and all(el.attrs.get(name.rstrip("_").replace("_", "-")) == value for name, value in attrs.items())
        ]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Tree(HTMLParser):
    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#root", [], None)
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"</{tag}> closes nothing"
        self.current = node.parent

    def handle_data(self, data):
        if data.strip():
            self.current.children.append(data)


def parse(html):
    return Tree(html).root


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As it appears on your staff card")
    notes = forms.CharField(label="Notes", widget=forms.Textarea)
    colour = forms.ChoiceField(
        label="Favourite colour", choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect
    )
    days = forms.MultipleChoiceField(
        label="Days you work",
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
    )
    region = forms.ChoiceField(label="Region", choices=[("", "Choose"), ("ne", "North East"), ("ln", "London")])
    agree = forms.BooleanField(label="I agree to the terms")
    nickname = forms.CharField(label="Nickname", required=False)
    started = forms.DateField(label="Start date", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        raise forms.ValidationError("Something about the whole form is wrong")


ERRORED_FIELDS = ["name", "notes", "colour", "days", "region", "agree", "started"]

VALID = {
    "name": "Ann Smith",
    "notes": "Some notes",
    "colour": "red",
    "days": ["mon"],
    "region": "ne",
    "agree": "on",
    "started": "2008-04-01",
}


class ValidForm(ExampleForm):
    def clean(self):
        return self.cleaned_data


def render_filter(form):
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def render_tag(form, helper):
    return Template("{% load crispy_forms_tags %}{% crispy form helper %}").render(
        Context({"form": form, "helper": helper, "csrf_token": "token"})
    )


@pytest.fixture
def errored():
    form = ExampleForm(data={"nickname": ""})
    assert not form.is_valid()
    return parse(render_filter(form))


def test_the_error_summary_comes_first_and_links_every_error_to_its_field(errored):
    summaries = errored.find_all("div", cls="nhsuk-error-summary")
    assert len(summaries) == 1
    summary = summaries[0]
    first = next(errored.iter())
    assert first is summary, "the error summary is the first thing in the form"
    assert "There is a problem" in summary.find_all(cls="nhsuk-error-summary__heading")[0].text
    assert summary.find_all(role="alert")
    assert summary.attrs.get("tabindex") == "-1"
    hrefs = [a.attrs["href"] for a in summary.find_all("a")]
    expected = {
        "name": "#id_name",
        "notes": "#id_notes",
        "colour": "#id_colour_0",
        "days": "#id_days_0",
        "region": "#id_region",
        "agree": "#id_agree",
        "started": "#id_started",
    }
    assert hrefs == [expected[name] for name in ERRORED_FIELDS]
    for href in hrefs:
        assert errored.find_all(id=href[1:]), f"{href} points at nothing"
    assert "Something about the whole form is wrong" in summary.text
    assert not any("whole form" in a.text for a in summary.find_all("a"))


def test_each_errored_field_has_its_error_message_referenced_by_aria_describedby(errored):
    for name in ERRORED_FIELDS:
        group = errored.find_all(id=f"div_id_{name}")[0]
        assert "nhsuk-form-group--error" in group.classes
        messages = group.find_all("span", cls="nhsuk-error-message")
        assert len(messages) == 1, name
        message = messages[0]
        assert message.attrs["id"] == f"id_{name}-error"
        assert message.find_all("span", cls="nhsuk-u-visually-hidden")[0].text == "Error:"
        assert "This field is required." in message.text
        holders = [el for el in group.iter() if "aria-describedby" in el.attrs]
        assert holders, f"nothing in {name} is described by its error"
        assert all(f"id_{name}-error" in el.attrs["aria-describedby"].split() for el in holders), name


def test_the_hint_comes_from_help_text_and_describes_the_input(errored):
    hint = errored.find_all(id="id_name-hint")[0]
    assert "nhsuk-hint" in hint.classes
    assert hint.text == "As it appears on your staff card"
    (name,) = errored.find_all("input", id="id_name")
    assert name.attrs["aria-describedby"].split() == ["id_name-hint", "id_name-error"]


def test_widgets_get_nhsuk_classes_with_their_error_variant(errored):
    (name,) = errored.find_all("input", id="id_name")
    assert {"nhsuk-input", "nhsuk-input--error"} <= set(name.classes)
    (notes,) = errored.find_all("textarea", id="id_notes")
    assert {"nhsuk-textarea", "nhsuk-textarea--error"} <= set(notes.classes)
    (region,) = errored.find_all("select", id="id_region")
    assert {"nhsuk-select", "nhsuk-select--error"} <= set(region.classes)
    (started,) = errored.find_all("input", id="id_started")
    assert started.attrs["type"] == "date"
    assert "nhsuk-input" in started.classes
    for radio in errored.find_all("input", type="radio"):
        assert "nhsuk-radios__input" in radio.classes
    for box in errored.find_all("input", type="checkbox"):
        assert "nhsuk-checkboxes__input" in box.classes


@pytest.mark.parametrize(
    ("name", "kind", "label", "options"),
    [
        ("colour", "radios", "Favourite colour", ["Red", "Blue"]),
        ("days", "checkboxes", "Days you work", ["Monday", "Tuesday"]),
    ],
)
def test_option_groups_sit_in_a_fieldset_whose_legend_is_the_label(errored, name, kind, label, options):
    inputs = [el for el in errored.iter() if el.tag == "input" and el.attrs.get("name") == name]
    assert len(inputs) == len(options)
    fieldsets = {id(next(a for a in el.ancestors() if a.tag == "fieldset")) for el in inputs}
    assert len(fieldsets) == 1
    fieldset = next(a for a in inputs[0].ancestors() if a.tag == "fieldset")
    assert "nhsuk-fieldset" in fieldset.classes
    legend = fieldset.find_all("legend")[0]
    assert "nhsuk-fieldset__legend" in legend.classes
    assert legend.text == label
    assert f"id_{name}-error" in fieldset.attrs["aria-describedby"].split()
    assert fieldset.find_all("div", cls=f"nhsuk-{kind}")
    assert len(fieldset.find_all("div", cls=f"nhsuk-{kind}__item")) == len(options)
    labels = [el.text for el in fieldset.find_all("label", cls=f"nhsuk-{kind}__label")]
    assert labels == options


def test_every_input_has_a_label_for_its_id(errored):
    controls = [
        el for el in errored.iter()
        if el.tag in {"input", "select", "textarea"} and el.attrs.get("type") != "hidden"
    ]
    assert len(controls) == 10
    labelled = {el.attrs["for"] for el in errored.find_all("label")}
    for control in controls:
        assert control.attrs["id"] in labelled, control.attrs["id"]
    for label in errored.find_all("label"):
        assert "nhsuk-label" in label.classes


def test_optional_fields_say_so_and_required_ones_carry_no_asterisk(errored):
    (nickname,) = errored.find_all("label", for_="id_nickname")
    assert nickname.text == "Nickname (optional)"
    (name,) = errored.find_all("label", for_="id_name")
    assert name.text == "Full name"
    (agree,) = errored.find_all("label", for_="id_agree")
    assert agree.text == "I agree to the terms"
    html = render_filter(ExampleForm(data={}))
    assert "*" not in html
    assert "asteriskField" not in html


def test_an_optional_single_checkbox_is_not_marked_optional():
    class Form(forms.Form):
        remember = forms.BooleanField(label="Remember me", required=False)

    tree = parse(render_filter(Form()))
    (label,) = tree.find_all("label", for_="id_remember")
    assert label.text == "Remember me"
    assert "nhsuk-checkboxes__label" in label.classes


def test_a_valid_form_has_no_error_summary_or_messages():
    form = ValidForm(data=VALID)
    assert form.is_valid(), form.errors
    html = render_filter(form)
    assert "nhsuk-error-summary" not in html
    assert "nhsuk-error-message" not in html
    assert "--error" not in html
    tree = parse(html)
    (red,) = tree.find_all("input", id="id_colour_0")
    assert "checked" in red.attrs
    (monday,) = tree.find_all("input", id="id_days_0")
    assert "checked" in monday.attrs
    (agree,) = tree.find_all("input", id="id_agree")
    assert "checked" in agree.attrs


def test_an_unbound_form_renders_no_errors():
    html = render_filter(ExampleForm())
    assert "nhsuk-error" not in html


def test_a_field_with_several_errors_has_one_error_message_element():
    class Form(forms.Form):
        code = forms.CharField(label="Code")

        def clean_code(self):
            raise forms.ValidationError(["Too short", "Must start with a letter"])

    tree = parse(render_filter(Form(data={"code": "1"})))
    (message,) = tree.find_all(id="id_code-error")
    assert "Too short" in message.text
    assert "Must start with a letter" in message.text
    summary_links = tree.find_all("div", cls="nhsuk-error-summary")[0].find_all("a")
    assert [a.text for a in summary_links] == ["Too short", "Must start with a letter"]


def test_widget_attributes_set_by_the_form_are_kept():
    class Form(forms.Form):
        answer = forms.ChoiceField(
            label="Answer",
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect(attrs={"data-save": "answer"}),
        )
        town = forms.CharField(label="Town", widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20"}))

    tree = parse(render_filter(Form()))
    radios = tree.find_all("input", type="radio")
    assert [r.attrs.get("data-save") for r in radios] == ["answer", "answer"]
    (town,) = tree.find_all("input", id="id_town")
    assert {"nhsuk-input", "nhsuk-input--width-20"} <= set(town.classes)


def test_hidden_field_errors_are_listed_without_a_link():
    class Form(forms.Form):
        version = forms.IntegerField(widget=forms.HiddenInput)

    form = Form(data={"version": "x"})
    tree = parse(render_filter(form))
    summary = tree.find_all("div", cls="nhsuk-error-summary")[0]
    assert not summary.find_all("a")
    assert "whole number" in summary.text
    assert tree.find_all("input", type="hidden", name="version")


def test_the_crispy_tag_renders_a_layout_with_a_fieldset_and_nhsuk_buttons():
    helper = FormHelper()
    helper.form_action = "/somewhere/"
    helper.layout = Layout(
        Fieldset("Legend text", "name", Field("nickname", css_class="nhsuk-input--width-10")),
        Div(HTML("<p>Check your answers.</p>"), css_class="app-extra"),
        Submit("save", "Save"),
        Button("cancel", "Cancel", css_class="app-cancel"),
    )
    form = ExampleForm()
    tree = parse(render_tag(form, helper))

    (form_el,) = tree.find_all("form")
    assert form_el.attrs["method"] == "post"
    assert form_el.attrs["action"] == "/somewhere/"
    assert "novalidate" in form_el.attrs

    (fieldset,) = tree.find_all("fieldset", cls="nhsuk-fieldset")
    legend = fieldset.find_all("legend")[0]
    assert "nhsuk-fieldset__legend" in legend.classes
    assert legend.text == "Legend text"
    assert fieldset.find_all("input", id="id_name")
    (nickname,) = fieldset.find_all("input", id="id_nickname")
    assert {"nhsuk-input", "nhsuk-input--width-10"} <= set(nickname.classes)

    (extra,) = tree.find_all("div", cls="app-extra")
    assert extra.find_all("p")[0].text == "Check your answers."

    (save,) = tree.find_all("button", name="save")
    assert save.classes == ["nhsuk-button"]
    assert save.attrs["type"] == "submit"
    assert save.text == "Save"
    (cancel,) = tree.find_all("button", name="cancel")
    assert cancel.classes == ["nhsuk-button", "nhsuk-button--secondary", "app-cancel"]
    assert cancel.attrs["type"] == "button"
    assert "btn" not in render_tag(form, helper)


def test_the_crispy_tag_puts_the_error_summary_before_the_layout():
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(Fieldset("Legend text", "name"))
    form = ExampleForm(data={})
    form.is_valid()
    html = render_tag(form, helper)
    tree = parse(html)
    assert len(tree.find_all("div", cls="nhsuk-error-summary")) == 1
    assert html.index("nhsuk-error-summary") < html.index("<fieldset")
    assert not tree.find_all("form")


def test_helper_inputs_are_nhsuk_buttons():
    helper = FormHelper()
    helper.add_input(Submit("go", "Continue"))
    tree = parse(render_tag(ExampleForm(), helper))
    (button,) = tree.find_all("button", name="go")
    assert "nhsuk-button" in button.classes
    assert button.text == "Continue"


def test_as_crispy_field_renders_one_form_group():
    form = ExampleForm(data={})
    form.is_valid()
    html = Template("{% load crispy_forms_tags %}{{ form.name|as_crispy_field }}").render(Context({"form": form}))
    tree = parse(html)
    (group,) = tree.find_all("div", cls="nhsuk-form-group")
    assert "nhsuk-form-group--error" in group.classes
    assert "nhsuk-error-summary" not in html


@pytest.mark.django_db
def test_the_login_page_is_an_nhsuk_page(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    tree = parse(response.content.decode())
    (html,) = tree.find_all("html")
    assert html.attrs["lang"] == "en-GB"
    (skip,) = tree.find_all("a", cls="nhsuk-skip-link")
    assert skip.attrs["href"] == "#maincontent"
    assert tree.find_all("main", id="maincontent")
    (header,) = tree.find_all("header", cls="nhsuk-header")
    assert "Commissioning competency self-assessment" in header.text
    assert header.find_all("a", cls="nhsuk-header__account-link", href="/accounts/login/")
    assert not header.find_all("nav", cls="nhsuk-header__navigation")
    assert tree.find_all("footer", cls="nhsuk-footer")
    (username,) = tree.find_all("input", name="username")
    assert tree.find_all("label", for_=username.attrs["id"])
    (password,) = tree.find_all("input", name="password")
    assert tree.find_all("label", for_=password.attrs["id"])
    assert tree.find_all("h1")[0].text == "Log in"
    assert "nhsuk-error-summary" not in response.content.decode()
    for script in tree.find_all("script"):
        assert script.attrs.get("src"), "no inline scripts"
    assert "googleapis" not in response.content.decode()


@pytest.mark.django_db
def test_a_failed_login_shows_the_error_summary(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200
    tree = parse(response.content.decode())
    (summary,) = tree.find_all("div", cls="nhsuk-error-summary")
    assert "There is a problem" in summary.text
    assert "correct username and password" in summary.text
    assert response.content.decode().index("nhsuk-error-summary") < response.content.decode().index("<h1")
    assert tree.find_all("title")[0].text.startswith("Error: Log in")


class DueForm(forms.Form):
    due = DateField(label="Due date", help_text="For example, 31 3 2009")


@pytest.mark.parametrize(("typed", "message"), [
    (("31", "", ""), "Due date must include a month and year"),
    (("31", "2", "2009"), "Due date must be a real date"),
])
def test_the_date_input_is_a_fieldset_of_three_labelled_boxes_with_its_error(typed, message):
    form = DueForm(data=dict(zip(("due_day", "due_month", "due_year"), typed)))
    assert not form.is_valid()
    tree = parse(render_filter(form))

    fieldset = tree.find_all("fieldset", role="group")[0]
    assert fieldset.find_all("legend")[0].text == "Due date"
    assert fieldset.attrs["aria-describedby"] == "id_due-hint id_due-error"
    assert message in fieldset.find_all(id="id_due-error")[0].text
    boxes = fieldset.find_all("input")
    assert [b.attrs["name"] for b in boxes] == ["due_day", "due_month", "due_year"]
    assert [b.attrs.get("value", "") for b in boxes] == list(typed)
    for box, part in zip(boxes, ("Day", "Month", "Year")):
        assert fieldset.find_all("label", for_=box.attrs["id"])[0].text == part
        assert {"nhsuk-input", "nhsuk-date-input__input", "nhsuk-input--error"} <= set(box.classes)
        assert box.attrs["inputmode"] == "numeric"
    # The error summary links to the day box.
    assert tree.find_all("a", href="#id_due_day")


def test_a_valid_date_input_gives_a_date_and_shows_no_error():
    form = DueForm(data={"due_day": "03", "due_month": "4", "due_year": "2009"})

    assert form.is_valid() and form.cleaned_data["due"] == datetime.date(2009, 4, 3)
    assert "nhsuk-input--error" not in render_filter(form)
