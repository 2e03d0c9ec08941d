"""Every ```python block of bindings-python/README.md runs, in order, in one namespace."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def python_blocks():
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_readme_has_examples():
    assert len(python_blocks()) >= 4


def test_readme_examples_run(capsys):
    namespace: dict = {"__name__": "readme"}
    for i, block in enumerate(python_blocks()):
        exec(compile(block, f"README.md[python block {i}]", "exec"), namespace)
    out = capsys.readouterr().out
    assert "POST /admin/v1/users/DU3RP9I2WOC59VZX672N" in out
    assert "404 40401 not_found" in out
    assert "refused: 400" in out
