from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from poles.security import client_ip


class AddressRateThrottle(SimpleRateThrottle):
    """So many requests per client address (behind our trusted proxies), then 429 with
    Retry-After. The rate is a setting (PTCE_API_RATE) read at each request."""

    scope = "api"

    def get_rate(self) -> str:
        return settings.PTCE_API_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}
