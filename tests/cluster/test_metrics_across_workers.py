"""/metrics under gunicorn with two workers: whichever worker answers the scrape, it counts every worker's requests
(prometheus_client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.cluster.processes import web_start
from tests.workers.live import wait_for

pytestmark = [pytest.mark.processes, pytest.mark.django_db(transaction=True)]
TOKEN = "scrape-token-for-the-cluster"
HEALTHZ = ("rma_http_request_duration_seconds_count", (("method", "GET"), ("route", "healthz"), ("status", "2xx")))


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = requests.get(f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert response.status_code == 200, response.text
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_a_scrape_sums_the_requests_of_every_gunicorn_worker(postgres_only, tmp_path, django_process_env):
    metrics_dir = tmp_path / "web" / "prometheus"
    metrics_dir.mkdir(parents=True)
    (metrics_dir / "counter_999999.db").write_bytes(b"left by an earlier run")
    env = django_process_env(RMA_METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    web = web_start("web", tmp_path / "web", env, workers=2)
    try:
        assert not (metrics_dir / "counter_999999.db").exists()  # emptied when the server started
        # The start-up probes are counted too. A probe that timed out under load may still be answered later: wait
        # until every probe the access log shows is counted, and none is in flight, before taking the baseline.
        probes: list[float] = []

        def probes_settled() -> bool:
            served = sum(1 for _pid, _method, path, _status in web.requests_served() if path == "/healthz")
            probes.append(scrape(web.url).get(HEALTHZ, 0))
            return served == probes[-1] and probes[-2:] == [probes[-1]] * 2

        wait_for(probes_settled, what="the start-up probes' counts", timeout=15)
        before = probes[-1]

        def hit(_index: int) -> int:
            return requests.get(f"{web.url}/healthz", timeout=10).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:  # concurrent: one worker cannot take them all
            assert set(pool.map(hit, range(60))) == {200}

        # gunicorn writes a request's access line after answering it: the last lines may come a moment later.
        wait_for(
            lambda: len({pid for pid, _method, path, _status in web.requests_served() if path == "/healthz"}) == 2,
            what="both workers' access lines",
            timeout=10,
        )
        scrapes = [scrape(web.url) for _ in range(6)]  # answered by either worker
        assert {round(sample[HEALTHZ] - before) for sample in scrapes} == {60}
        assert all(sample[("rma_outbox_pending", ())] == 0 for sample in scrapes)  # the gauges: read, not summed
    finally:
        web.stop()
