"""Print the project's requirements from pyproject.toml, one per line: the dependencies, plus the extras named.

`make install` feeds them to pip: the portal runs from its folder, so nothing needs installing the project itself
(an editable install only adds a build step and setuptools' warnings about it).
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())["project"]
requirements = list(project["dependencies"])
for extra in sys.argv[1:]:
    requirements += project["optional-dependencies"][extra]
print("\n".join(requirements))
