from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language

from poles.site import absolute_url


def languages(request: HttpRequest) -> dict:
    """This page in each language: the language switcher and the hreflang alternates.

    Paths only: what a page shows of the query string is its canonical selection (pages are
    cached by it), which the switcher adds itself.
    """
    path = request.path
    current = get_language()
    alternates = [
        {
            "code": code,
            "name": name,
            "url": absolute_url(translate_url(path, code)),
            "path": translate_url(path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {"language_alternates": alternates}


def site(request: HttpRequest) -> dict:
    """The site's public address, for canonical links (never the request's Host)."""
    return {"site_url": settings.PTCE_SITE_URL}
