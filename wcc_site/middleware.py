"""Site-wide request checks that run before any view."""

import ipaddress
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

# NUL and the other C0 control characters but tab, line feed and carriage
# return: PostgreSQL refuses NUL in text, and none of them belongs in an address.
UNUSABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ClientAddressMiddleware:
    """Put the client's own address in ``REMOTE_ADDR`` behind trusted proxies.

    Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each appending the address
    it received the request from to ``X-Forwarded-For`` (nginx's
    ``$proxy_add_x_forwarded_for``), the client is that many entries from the
    right: anything further left was written by the client and proves nothing.
    With no proxy (0, the default) the header is ignored. Login throttling keys
    on this address, so it must not be the proxy's, shared by everyone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        address = client_address(request.META.get("HTTP_X_FORWARDED_FOR", ""), settings.TRUSTED_PROXY_COUNT)
        if address is not None:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


def client_address(forwarded_for: str, trusted_proxies: int) -> str | None:
    """The address the outermost trusted proxy saw, or None to keep the socket's."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    if trusted_proxies < 1 or len(hops) < trusted_proxies:
        return None
    try:
        return str(ipaddress.ip_address(hops[-trusted_proxies]))
    except ValueError:
        return None


class RejectUnusableCharactersMiddleware:
    """Answer 400 to a query string with a control character in it.

    Such a value can only come from a crafted link, and would otherwise reach
    the database (PostgreSQL cannot even compare a string with NUL in it).
    Form fields need no check here: every text field of a Django form already
    refuses NUL with an error at the field.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, values in request.GET.lists():
            if UNUSABLE.search(name) or any(UNUSABLE.search(value) for value in values):
                return HttpResponseBadRequest(render_to_string("400.html", {
                    "problem": "The address has a control character in it, which no page here accepts. "
                               "Remove it, or follow a link from the site instead.",
                }, request))
        return self.get_response(request)


class RequestShapeMiddleware:
    """Refuse what no page here takes, before anything reads it: methods other
    than GET, HEAD and POST (405), and bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    (413), whatever their encoding: Django's own limit leaves out file parts.

    Views narrow the methods further (``require_POST`` and so on).
    """

    METHODS = ("GET", "HEAD", "POST")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in self.METHODS:
            return HttpResponseNotAllowed(self.METHODS)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponseBadRequest("The request's Content-Length is not a number.")
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return HttpResponse(
                f"The request is too large: at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024:,} kB.",
                status=413, content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Signed-in pages show one organisation's work: no shared cache (a proxy)
    may keep them, and the browser keeps no copy on disk after sign-out.
    A response that sets its own Cache-Control (a download, the health check)
    keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
