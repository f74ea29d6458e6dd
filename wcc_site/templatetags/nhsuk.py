"""Template helpers for the "nhsuk" crispy-forms template pack."""

from django import forms, template

register = template.Library()

# (widget class, its NHS.UK class, the class it adds when in error), most specific first.
WIDGET_CLASSES = [
    (forms.CheckboxInput, "nhsuk-checkboxes__input", ""),
    (forms.Textarea, "nhsuk-textarea", "nhsuk-textarea--error"),
    (forms.Select, "nhsuk-select", "nhsuk-select--error"),
    (forms.widgets.Input, "nhsuk-input", "nhsuk-input--error"),
]


@register.simple_tag
def nhsuk_widget(field):
    """The field's widget with NHS.UK classes and aria-describedby for its hint and error."""
    widget = field.field.widget
    if getattr(widget, "date_input", False):
        # The boxes keep their own classes; the fieldset is described instead.
        return field.as_widget(attrs={"class": "nhsuk-input--error" if field.errors else ""})
    css = [widget.attrs.get("class", "")]
    for widget_class, base, error in WIDGET_CLASSES:
        if isinstance(widget, widget_class):
            css += [base, error if field.errors else ""]
            break
    attrs = {"class": " ".join(c for c in css if c)}
    described = [
        f"{field.auto_id}-hint" if field.help_text else "",
        f"{field.auto_id}-error" if field.errors else "",
    ]
    if any(described):
        attrs["aria-describedby"] = " ".join(d for d in described if d)
    return field.as_widget(attrs=attrs)


@register.filter
def nhsuk_describedby(field) -> str:
    described = [
        f"{field.auto_id}-hint" if field.help_text else "",
        f"{field.auto_id}-error" if field.errors else "",
    ]
    return " ".join(d for d in described if d)


@register.filter
def is_date_input(field) -> bool:
    return getattr(field.field.widget, "date_input", False)


@register.filter
def nhsuk_anchor(field) -> str:
    """The id an error summary links to: a group's first option or box, or the input."""
    if is_date_input(field):
        return f"{field.auto_id}_day"
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.filter
def form_errors(form) -> list[dict]:
    """A form's errors for the error summary: each field's linked to the field,
    the form's own and hidden fields' without a link."""
    if form is None:
        return []
    errors = [{"anchor": "", "message": error} for error in form.non_field_errors()]
    for field in form.visible_fields():
        errors += [{"anchor": f"#{nhsuk_anchor(field)}", "message": error} for error in field.errors]
    for field in form.hidden_fields():
        errors += [{"anchor": "", "message": f"{field.label}: {error}"} for error in field.errors]
    return errors


@register.filter
def forms_errors(forms) -> list[dict]:
    """Several forms' errors for one error summary, in the forms' order."""
    return [error for form in forms for error in form_errors(form)]
