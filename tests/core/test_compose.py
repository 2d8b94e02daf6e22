"""The production shape in docker-compose.yml: several web and worker replicas behind one address, one scheduler,
migrations run once before any replica, and every process on the same PostgreSQL and Redis (nothing that one
process keeps in its memory is needed by another). `docker-compose config -q` checks the syntax in `make test`;
this checks the shape."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")


def test_web_and_worker_run_several_replicas_and_beat_runs_once():
    assert SERVICES["web"]["deploy"]["replicas"] >= 2
    assert SERVICES["worker"]["deploy"]["replicas"] >= 2
    assert SERVICES["beat"]["deploy"]["replicas"] == 1


def test_one_address_in_front_of_the_web_replicas():
    assert "ports" not in SERVICES["web"]  # replicas cannot share a host port; the balancer has it
    assert SERVICES["lb"]["ports"] == ["8000:80"]
    (mount,) = SERVICES["lb"]["volumes"]
    conf = (ROOT / mount.split(":")[0]).read_text()
    assert "proxy_pass $web;" in conf
    assert "set $web http://web:8000;" in conf
    assert "resolver 127.0.0.11" in conf  # re-resolved, so scaled replicas join and leave


def test_migrations_run_once_before_any_replica_starts():
    assert SERVICES["migrate"]["command"] == "python manage.py migrate --noinput"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in SERVICES[name]["command"]
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert set(SERVICES["migrate"]["depends_on"]) == {"postgres", "redis"}


def test_every_process_shares_the_database_the_broker_and_the_media_store():
    environments = [SERVICES[name]["environment"] for name in APP_SERVICES]
    assert len({(env["DATABASE_URL"], env["REDIS_URL"]) for env in environments}) == 1
    assert all("media:/data/media" in SERVICES[name]["volumes"] for name in APP_SERVICES)


def test_the_one_beat_keeps_its_schedule_on_a_volume_of_its_own():
    beat = SERVICES["beat"]
    assert "--schedule" not in beat["command"]  # the setting says where
    assert beat["environment"]["RMA_BEAT_SCHEDULE"] == "/data/beat/celerybeat-schedule"
    assert "beat:/data/beat" in beat["volumes"]
    assert "beat" in COMPOSE["volumes"]
    assert all("beat:/data/beat" not in SERVICES[name].get("volumes", []) for name in SERVICES if name != "beat")


def test_every_process_is_pointed_at_the_same_object_store_when_one_is_named():
    names = (
        "RMA_S3_BUCKET",
        "RMA_S3_ENDPOINT_URL",
        "RMA_S3_ACCESS_KEY_ID",
        "RMA_S3_SECRET_ACCESS_KEY",
        "RMA_S3_PREFIX",
    )
    stores = {tuple(SERVICES[name]["environment"][key] for key in names) for name in APP_SERVICES}
    assert stores == {tuple(f"${{{key}:-}}" for key in names)}  # from the host's environment; empty: the volume
