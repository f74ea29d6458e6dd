"""Small helpers for the assessment pages."""

from urllib.parse import urlsplit

from django import template

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


@register.filter
def of(mapping, key):
    """``mapping[key]``, or None: ``forms|of:competency.number``."""
    return mapping.get(key)
