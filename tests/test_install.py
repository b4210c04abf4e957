"""The installed package works from any folder, with knowledge/ and prompts/ inside the wheel."""

from __future__ import annotations

import json
import os
import sysconfig
from pathlib import Path

import pytest

import advisor
from advisor.paths import packaged_dir

INSTALLED = os.environ.get("ADVISOR_TEST_INSTALLED") == "1"
needs_install = pytest.mark.skipif(not INSTALLED, reason="run by ./scripts/test against the installed package")


@needs_install
def test_tests_import_the_installed_package_not_the_checkout():
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    assert Path(advisor.__file__).resolve().is_relative_to(site)


@needs_install
def test_data_folders_ship_inside_the_package():
    here = Path(advisor.__file__).resolve().parent
    assert packaged_dir("knowledge") == here / "_knowledge"
    assert packaged_dir("prompts") == here / "_prompts"
    assert (here / "_knowledge" / "criteria.csv").is_file()
    assert (here / "_prompts" / "questions.yaml").is_file()


def test_installed_command_runs_from_another_folder(run_advisor):
    r = run_advisor("kb", "path", "--format", "json", env={"ADVISOR_KNOWLEDGE": ""})
    assert r.code == 0, r.err
    path = Path(json.loads(r.out)["path"])
    assert (path / "criteria.csv").is_file()
    if INSTALLED:
        assert path.name == "_knowledge"
    r = run_advisor("kb", "check", env={"ADVISOR_KNOWLEDGE": ""})
    assert r.code == 0, r.err
    r = run_advisor("recommend", "--format", "json", env={"ADVISOR_KNOWLEDGE": ""})
    assert r.code == 0, r.err
    assert json.loads(r.out)["prototype"]["id"]


def test_help_and_version(run_advisor):
    r = run_advisor("--help")
    assert r.code == 0 and "recommend" in r.out and "wizard" in r.out
    r = run_advisor("--version")
    assert r.code == 0 and advisor.__version__ in r.out


def test_unknown_command_is_exit_2(run_advisor):
    r = run_advisor("recomend")
    assert r.code == 2 and "invalid choice" in r.err and "Traceback" not in r.err


def test_same_input_same_bytes_across_processes(run_advisor):
    """Whole processes with different hash seeds print byte-identical recommendations."""
    outs = [run_advisor("recommend", "--format", "json", "--set", "target=mobile", "--set", "sector=industry",
                        env={"ADVISOR_KNOWLEDGE": "", "PYTHONHASHSEED": seed}).out for seed in ("1", "2")]
    assert outs[0] and outs[0] == outs[1]
