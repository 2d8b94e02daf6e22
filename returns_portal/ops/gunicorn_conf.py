"""Gunicorn's hooks for Prometheus' multiprocess mode: ``gunicorn -c python:returns_portal.ops.gunicorn_conf ...``.

With ``PROMETHEUS_MULTIPROC_DIR`` set (returns_portal/ops/metrics.py), the folder is emptied when the server starts
(files of an earlier run would be counted again) and a worker's live files are dropped when it exits. Without it
the hooks do nothing. Binding, workers and the rest stay on the command line or in GUNICORN_CMD_ARGS.
"""

import os
from pathlib import Path
from typing import Any

MULTIPROCESS_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def on_starting(server: Any) -> None:
    """In the master, before any worker: an empty folder (created if missing; the folder itself may be a volume)."""
    folder = os.environ.get(MULTIPROCESS_DIR_VARIABLE)
    if not folder:
        return
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for leftover in path.glob("*.db"):
        leftover.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """In the master, when a worker exits: its live gauges stop counting (its counters and histograms stay)."""
    if not os.environ.get(MULTIPROCESS_DIR_VARIABLE):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
