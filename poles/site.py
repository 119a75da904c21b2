"""The site's public address, in what pages, files and e-mails show.

Never the request's Host: a client chooses it (any port, any allowed name), and pages are kept
for everyone, so a page must not depend on it (poles.caching.page_key leaves it out).
"""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (starting with /) at the site's public address, PTCE_SITE_URL."""
    return settings.PTCE_SITE_URL + path
