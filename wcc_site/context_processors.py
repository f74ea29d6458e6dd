from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    from assessments.access import membership_of

    return {
        "service_name": settings.SERVICE_NAME,
        # Lazily: pages that do not show the header's account line pay nothing.
        "membership": lambda: membership_of(request.user),
    }
