"""The comparison pages' filter, drawn by the crispy pack."""

from django import template

from ..forms import CompareFilter

register = template.Library()


@register.simple_tag
def compare_filter(scope, sort: str = "", descending: bool = False) -> CompareFilter:
    """``{% compare_filter scope sort descending as form %}{% crispy form %}``."""
    return CompareFilter(cycles=list(scope.basis.cycles), chosen=scope.cycle, shas=scope.shas,
                         sha_code=scope.sha_code, sort=sort or "", descending=bool(descending))
