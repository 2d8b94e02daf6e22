"""The processes `make bench` starts: gunicorn for the baseline and for the portal, a Celery worker, and the
databases they use. Both gunicorns get the arguments of the image's own command (Dockerfile `CMD`), so that the
baseline and the portal run under the same settings as production does."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
CELERY = str(Path(PYTHON).with_name("celery"))
READY_TIMEOUT = 60.0


def gunicorn_arguments(dockerfile: Path = ROOT / "Dockerfile") -> list[str]:
    """The options of the image's gunicorn command (workers, worker class, keep-alive…) without its address."""
    for line in dockerfile.read_text().splitlines():
        if line.startswith("CMD ") and "gunicorn" in line:
            command = json.loads(line[len("CMD ") :])
            break
    else:
        raise SystemExit(f"{dockerfile} has no gunicorn CMD: the bench takes its gunicorn settings from there")
    # Left out: the program, the app module, the address, and the config file (it only holds the hooks of the
    # Prometheus multiprocess folder, which do nothing without PROMETHEUS_MULTIPROC_DIR, unset here).
    options, skip = [], False
    for argument in command[1:]:
        if skip:
            skip = False
        elif argument in ("--bind", "-b", "--config", "-c"):
            skip = True
        elif argument != "returns_portal.wsgi" and not argument.startswith(("--bind=", "--config=")):
            options.append(argument)
    return options


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(base: str, name: str) -> str:
    """DATABASE_URL's server with another database name."""
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def database_ensure(base: str, name: str) -> str:
    """Create database `name` on DATABASE_URL's server when it is missing; its URL."""
    import psycopg2

    connection = psycopg2.connect(database_url(base, "postgres"))
    connection.autocommit = True  # CREATE DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    return database_url(base, name)


def database_copy(base: str, source: str, name: str) -> str:
    """Database `name` on DATABASE_URL's server, made again as a copy of database `source` (dropped first when it
    is there, with whatever a last run left in it); its URL. The copy is a file copy: seconds for a small data set,
    about a minute for a large one, and the planner's statistics come with it."""
    import psycopg2

    connection = psycopg2.connect(database_url(base, "postgres"))
    connection.autocommit = True  # CREATE and DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [source],
            )
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
    finally:
        connection.close()
    return database_url(base, name)


def sql_run(url: str, sql: str, params: tuple | list = ()) -> list[tuple]:
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []
    finally:
        connection.close()


class Server:
    """One gunicorn (or Celery worker) process of the bench, its output in var/bench/<name>.log."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], cwd: Path, port: int = 0) -> None:
        self.name, self.port = name, port
        log_dir = ROOT / "var" / "bench"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"{name}.log"
        self.log = self.log_path.open("wb")
        # Its own process group: stopping it stops its workers too, and nothing else.
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_http_ready(self, path: str = "/readyz") -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        url = f"http://127.0.0.1:{self.port}{path}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped at start; see {self.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise SystemExit(f"{self.name} was not ready at {url} within {READY_TIMEOUT:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def baseline_start(database: str) -> Server:
    port = free_port()
    sql_run(database, _baseline_table_sql())
    env = {**os.environ, "BENCH_BASELINE_DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "baseline.settings"}
    command = [GUNICORN, "baseline.wsgi", "--bind", f"127.0.0.1:{port}", *gunicorn_arguments()]
    server = Server("baseline", command, env, cwd=BENCH_DIR, port=port)
    server.wait_http_ready()
    return server


def _baseline_table_sql() -> str:
    sys.path.insert(0, str(BENCH_DIR))
    from baseline.schema import TABLE_SQL

    return TABLE_SQL


def app_env(database: str, redis_url: str) -> dict[str, str]:
    """The portal's production settings, served over plain HTTP on 127.0.0.1, on the bench's database and Redis.

    RMA_TRUSTED_PROXY_COUNT=1: the order lookup's per-address limit counts the X-Forwarded-For address, which the
    load generator varies as a crowd of customers would."""
    (ROOT / "var" / "staticfiles").mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "returns_portal.settings.production",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "RMA_TRUSTED_PROXY_COUNT": "1",
        "RMA_MEDIA_ROOT": str(ROOT / "var" / "bench" / "media"),
    }


def app_start(name: str, env: dict[str, str]) -> Server:
    port = free_port()
    command = [GUNICORN, "returns_portal.wsgi", "--bind", f"127.0.0.1:{port}", *gunicorn_arguments()]
    server = Server(name, command, env, cwd=ROOT, port=port)
    server.wait_http_ready()
    return server


def worker_start(name: str, env: dict[str, str], queues: str = "labels", concurrency: int = 2) -> Server:
    """A real Celery worker (prefork, as compose runs it) on the bench's Redis, ready when it answers a ping."""
    command = [CELERY, "-A", "returns_portal", "worker", "-l", "warning", "-Q", queues]
    command += ["--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "-n", f"{name}@%h"]
    server = Server(name, command, env, cwd=ROOT)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{name} stopped at start; see {server.log_path}")
        ping = subprocess.run(
            [CELERY, "-A", "returns_portal", "inspect", "ping", "-d", f"{name}@{socket.gethostname()}", "-t", "2"],
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        if ping.returncode == 0:
            return server
        time.sleep(0.5)
    server.stop()
    raise SystemExit(f"{name} did not answer a ping within {READY_TIMEOUT:.0f} s; see {server.log_path}")
