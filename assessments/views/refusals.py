"""Where a service's refusal becomes a response, for every write view."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .. import access, workflow

Page = Callable[..., HttpResponse]


def refusals(page: Page, *, htmx: Page | None = None) -> Callable[[Page], Page]:
    """Answer a ``WorkflowError`` from the view with the reason: a role that
    may not act gets the 403 page; anything else ``page`` (called with the
    request, the person's grant and ``status=``) with the reason at the top,
    or, for an htmx request, ``htmx`` (with the view's arguments too)."""

    def decorate(view: Page) -> Page:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
            try:
                return view(request, pk, *args, **kwargs)
            except workflow.NotAllowed as error:
                raise PermissionDenied(str(error)) from error
            except workflow.WorkflowError as error:
                grant = access.grant_for(request.user, pk)
                if htmx is not None and request.htmx:
                    return htmx(request, grant, error, *args, **kwargs)
                messages.error(request, str(error))
                return page(request, grant, status=error.status)

        return wrapper

    return decorate
