"""Beat keeps its schedule (when each job last ran) where RMA_BEAT_SCHEDULE says, by default under RMA_VAR_DIR: a
real `celery beat`, started as compose starts it (no --schedule), in a clean environment."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def clean_env(tmp_path: Path, **env: str) -> dict[str, str]:
    """Nothing of ours but `env`: the local settings, the filesystem broker in the test's own folder."""
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RMA_VAR_DIR": str(tmp_path / "var"), **env}


def test_beat_keeps_its_schedule_where_the_setting_says(tmp_path):
    volume = tmp_path / "beat-volume"
    volume.mkdir()
    log = tmp_path / "beat.log"
    env = {**clean_env(tmp_path, RMA_BEAT_SCHEDULE=str(volume / "celerybeat-schedule")), "PYTHONPATH": str(ROOT)}
    with log.open("wb") as output:
        beat = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [sys.executable, "-m", "celery", "-A", "returns_portal", "beat", "-l", "info"],
            cwd=tmp_path,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while not list(volume.glob("celerybeat-schedule*")):
            assert beat.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"no schedule file within 60 s:\n{log.read_text()}"
            time.sleep(0.2)
    finally:
        beat.terminate()
        beat.wait(timeout=20)

    assert str(volume / "celerybeat-schedule") in log.read_text()  # beat's banner names it
    assert not list(tmp_path.glob("celerybeat-schedule*"))  # not in the folder it was started from
    assert not list((tmp_path / "var").glob("celerybeat-schedule*"))


def test_by_default_the_schedule_lives_under_the_var_folder(tmp_path):
    code = "from celery.app.utils import find_app; print(find_app('returns_portal').conf.beat_schedule_filename)"

    started = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert started.returncode == 0, started.stderr
    assert started.stdout.split()[-1] == str(tmp_path / "var" / "celerybeat-schedule")
