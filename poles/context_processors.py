from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


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
            "url": request.build_absolute_uri(translate_url(path, code)),
            "path": translate_url(path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {"language_alternates": alternates}
