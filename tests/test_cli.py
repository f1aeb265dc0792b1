"""The symparams command."""

import subprocess
import sys

from symparams.cli import main


def test_demo_prints_the_reference_numbers(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "154,798" in out and "51264" in out and "(5·5·32 + 1)·64" in out
    assert "only masks activations during training" in out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2


def test_console_script_entry_point():
    out = subprocess.run([sys.executable, "-m", "symparams.cli", "demo", "--latex"],
                         capture_output=True, text=True, check=True).stdout
    assert r"\begin{tabular}{llr}" in out
