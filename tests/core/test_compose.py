"""The production shape in docker-compose.yml: several web and worker replicas behind one address, one scheduler,
migrations run once before any replica, and every process on the same PostgreSQL and Redis (nothing that one
process keeps in its memory is needed by another). `docker-compose config -q` checks the syntax in `make test`;
this checks the shape."""

import re
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


def compose_default(value: str) -> str:
    """What compose gives for "${NAME-default}" or "${NAME:-default}" when the host does not set NAME."""
    match = re.fullmatch(r"\$\{\w+:?-(.*)\}", value)
    return match.group(1) if match else value


def s3_setting_names() -> set[str]:
    """Every RMA_S3_* variable the settings read."""
    return set(
        re.findall(r'env(?:\.\w+)?\("(RMA_S3_\w+)"', (ROOT / "returns_portal/settings/object_storage.py").read_text())
    )


def test_web_and_worker_are_given_every_object_store_setting_the_same_way():
    names = s3_setting_names()
    assert len(names) == 13
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert names <= set(environment), name
        assert all(environment[key].startswith(f"${{{key}") for key in names)  # from the host's environment
    stores = {tuple(SERVICES[name]["environment"][key] for key in sorted(names)) for name in APP_SERVICES}
    assert len(stores) == 1


def test_by_default_every_replica_uses_the_bucket_of_composes_object_store():
    environment = SERVICES["web"]["environment"]
    store = SERVICES["objectstore"]
    assert compose_default(environment["RMA_S3_BUCKET"]) == "rma"
    assert compose_default(environment["RMA_S3_ENDPOINT_URL"]) == "http://objectstore:9000"
    assert "ports" not in store  # files reach viewers through the portal's views only
    assert "objects:/data" in store["volumes"]
    # The store's root user is the portal's key pair, by the same variables and defaults.
    assert compose_default(store["environment"]["MINIO_ROOT_USER"]) == compose_default(
        environment["RMA_S3_ACCESS_KEY_ID"]
    )
    assert compose_default(store["environment"]["MINIO_ROOT_PASSWORD"]) == compose_default(
        environment["RMA_S3_SECRET_ACCESS_KEY"]
    )


def test_the_bucket_is_made_once_before_web_and_worker_start():
    assert SERVICES["bucket"]["command"] == "python manage.py storage_bucket_create --wait 60"
    assert SERVICES["bucket"]["restart"] == "no"
    assert SERVICES["bucket"]["depends_on"] == {"objectstore": {"condition": "service_started"}}
    for name in ("web", "worker"):
        assert SERVICES[name]["depends_on"]["bucket"] == {"condition": "service_completed_successfully"}
