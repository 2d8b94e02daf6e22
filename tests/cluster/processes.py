"""Web (gunicorn) and Celery worker processes of a test's own, each in its own folder, logging to a file there.

They run the test settings over the test database (``django_process_env`` in tests/cluster/conftest.py), from
their own folder as the working directory: nothing may depend on being started from the project's folder.
"""

import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings as django_settings

from returns_portal.celery import QUEUE_NAMES
from tests.objectstore import free_port

# Gunicorn's access log: the worker's pid, the request line and the status ("<4242> GET /healthz HTTP/1.1 200").
ACCESS_LOG_FORMAT = "%(p)s %(r)s %(s)s"
ACCESS_LINE = re.compile(r"^<(?P<pid>\d+)> (?P<method>[A-Z]+) (?P<path>\S+) \S+ (?P<status>\d{3})$", re.MULTILINE)


@dataclass
class Service:
    """One process of the cluster: its name, folder and log."""

    name: str
    folder: Path
    process: subprocess.Popen[bytes]
    url: str = ""
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.folder / "process.log"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def requests_served(self) -> list[tuple[int, str, str, int]]:
        """(worker pid, method, path, status) of every request gunicorn logged."""
        return [
            (int(m["pid"]), m["method"], m["path"], int(m["status"])) for m in ACCESS_LINE.finditer(self.log_text())
        ]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited with {self.process.returncode}:\n{self.log_text()[-4000:]}")

    def stop(self) -> None:
        services_stop([self])


def services_stop(services: list[Service]) -> None:
    """Ask them all to stop at once (gunicorn and Celery finish what they are doing), then wait; kill the slow."""
    for service in services:
        if service.process.poll() is None:
            service.process.terminate()
    for service in services:
        try:
            service.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.process.kill()
            service.process.wait(timeout=10)


def _start(name: str, folder: Path, command: list[str], env: Mapping[str, str]) -> Service:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "process.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            command,
            cwd=folder,
            env={**env, "PYTHONPATH": str(django_settings.BASE_DIR), "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return Service(name=name, folder=folder, process=process)


def _wait(service: Service, ready: Callable[[], bool], *, what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        service.check_alive()
        if ready():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{service.name}: {what} within {timeout:.0f} s\n{service.log_text()[-4000:]}")
        time.sleep(0.1)


def web_start(name: str, folder: Path, env: Mapping[str, str], *, workers: int = 2, wait: bool = True) -> Service:
    """Gunicorn with the production hooks (returns_portal/ops/gunicorn_conf.py); with `wait`, once /healthz answers."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:returns_portal.ops.gunicorn_conf",
        "returns_portal.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--access-logformat",
        ACCESS_LOG_FORMAT,
        "--no-control-socket",  # one per user's home by default: two servers on one machine would share it
    ]
    service = _start(name, folder, command, env)
    service.url = f"http://127.0.0.1:{port}"
    if wait:
        web_wait_ready(service)
    return service


def web_wait_ready(service: Service) -> None:
    def healthy() -> bool:
        try:
            return requests.get(f"{service.url}/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    _wait(service, healthy, what="no answer on /healthz", timeout=60)


def worker_start(
    name: str,
    folder: Path,
    env: Mapping[str, str],
    *,
    wait: bool = True,
    pool: str = "solo",
    options: Sequence[str] = (),
) -> Service:
    """A Celery worker (solo pool unless told) on every queue, named `name`; with `wait`, once it says it is ready.
    `options`: more of the worker's command-line options (``--concurrency 2``)."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "returns_portal",
        "worker",
        "--pool",
        pool,
        *options,
        "--queues",
        ",".join(QUEUE_NAMES),
        "--hostname",
        f"{name}@%h",
        "--without-gossip",
        "--without-mingle",
        "--loglevel",
        "INFO",
    ]
    service = _start(name, folder, command, env)
    if wait:
        worker_wait_ready(service)
    return service


def worker_wait_ready(service: Service) -> None:
    _wait(service, lambda: " ready." in service.log_text(), what="the worker did not say it was ready", timeout=60)


def tasks_succeeded(service: Service) -> list[str]:
    """The names of the tasks a worker ran to the end, from its log (Celery's "Task <name>[<id>] succeeded")."""
    return re.findall(r"Task (\S+)\[[0-9a-f-]+\] succeeded", service.log_text())
