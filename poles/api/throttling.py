import time

from django.conf import settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from poles.security import client_ip, over_limit


class AddressRateThrottle(BaseThrottle):
    """So many requests per client address (behind our trusted proxies) in a fixed window, then
    429 with Retry-After. Counted in the database (poles.security.rate_add), like the forms'
    limits: the same for every worker and server, and no flood of other keys can evict it, as
    it could in a cache. The rate is a setting (PTCE_API_RATE, "120/minute") read each time."""

    def allow_request(self, request, view) -> bool:
        limit, self.window = SimpleRateThrottle.parse_rate(None, settings.PTCE_API_RATE)
        return not over_limit(scope="api", key=client_ip(request), limit=limit, window=self.window)

    def wait(self) -> float:
        # Until the current window ends (windows start on multiples of their length).
        return self.window - int(time.time()) % self.window
