"""The licence that pyproject.toml declares ships with the code, word for word."""

import hashlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# SHA-256 of https://www.gnu.org/licenses/agpl-3.0.txt
AGPL_3_SHA256 = "0d96a4ff68ad6d4b6f1f30f713b18d5184912ba8dd389f86aa7710db079abcb0"


def test_the_declared_licence_is_the_full_agpl_text():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    licence = (ROOT / "LICENSE").read_bytes()

    assert declared == "AGPL-3.0-or-later"
    assert licence.startswith(b"                    GNU AFFERO GENERAL PUBLIC LICENSE\n")
    assert hashlib.sha256(licence).hexdigest() == AGPL_3_SHA256
