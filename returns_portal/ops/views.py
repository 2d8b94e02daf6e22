"""``/healthz`` (the process is alive), ``/readyz`` (it can serve) and ``/metrics`` (Prometheus, behind a token)."""

import hmac

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from returns_portal.ops.metrics import scrape_registry
from returns_portal.ops.readiness import readiness_report


@transaction.non_atomic_requests
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: touches nothing, so that a slow database never gets a healthy process restarted."""
    return JsonResponse({"status": "ok"})


# Not atomic (the three views): ATOMIC_REQUESTS would open the database before the view runs, and a database
# that is down would turn the answer into a 500.
@transaction.non_atomic_requests
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    ready, checks = readiness_report()
    failed = [name for name, outcome in checks.items() if outcome != "ok"]
    body = {"status": "ok" if ready else "unavailable", "checks": checks, "failed": failed}
    return JsonResponse(body, status=200 if ready else 503)


@transaction.non_atomic_requests
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """404 unless RMA_METRICS_TOKEN is set; then ``Authorization: Bearer <token>`` or 401."""
    token: str = settings.RMA_METRICS_TOKEN
    if not token:
        raise Http404
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        response = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
