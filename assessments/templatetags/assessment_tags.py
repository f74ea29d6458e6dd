"""Small helpers for the assessment pages."""

from urllib.parse import urlsplit

from django import template

from ..workflow import ANSWER_FIELDS

register = template.Library()


@register.filter
def lowerfirst(text: str) -> str:
    """"Has strategies…" → "has strategies…", but "PCTs…" stays as it is."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


@register.filter
def web_address(reference: str) -> bool:
    """Whether an evidence reference is a web address a link can safely point to."""
    parts = urlsplit(reference.strip())
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in reference.strip()


@register.filter
def person(user) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


@register.simple_tag
def answer_fields(number: int) -> str:
    """The names an autosave of question ``number`` sends (htmx's hx-params)."""
    return ",".join(
        f"q{number}-{name}"
        for name in [*ANSWER_FIELDS, "version"]
    )


@register.filter
def of(mapping, key):
    """``mapping[key]``, or None: ``forms|of:competency.number``."""
    return mapping.get(key)
