"""The README's examples run exactly as printed: every `$ freecalc ...` output and every `>>>` example.

In a ```text block, a line `$ CMD` is run and the lines after it (up to the next `$`) are its expected
output; a line `...` stands for any number of lines.
"""

import doctest
import re
import shlex
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
TEXT_BLOCKS = re.findall(r"```text\n(.*?)```", README, re.DOTALL)
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.DOTALL)


def examples():
    for block in TEXT_BLOCKS:
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command is not None:
                    yield command, expected
                command, expected = line[2:], []
            elif command is not None:
                expected.append(line)
        if command is not None:
            yield command, expected


EXAMPLES = list(examples())


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line-by-line equality (as displayed: NFC), where a line `...` matches any run of lines."""
    expected = [unicodedata.normalize("NFC", line) for line in expected]
    actual = [unicodedata.normalize("NFC", line) for line in actual]
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def test_the_readme_has_examples():
    assert len(EXAMPLES) >= 3 and PYTHON_BLOCKS


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_command_output_is_as_printed(command, expected, tmp_path):
    args = shlex.split(command)
    assert args[0] == "freecalc"
    out = subprocess.run([sys.executable, "-m", "freecalc", *args[1:]], capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert matches(expected, out.stdout.rstrip("\n").splitlines()), out.stdout


def test_python_examples_are_as_printed():
    parser = doctest.DocTestParser()
    for number, block in enumerate(PYTHON_BLOCKS):
        test = parser.get_doctest(block, {}, f"README python block {number}", "README.md", 0)
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        runner.run(test)
        assert runner.failures == 0
