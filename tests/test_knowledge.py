"""Loading the knowledge at different dates, and `kb check` refusing broken tables."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from advisor import knowledge as kb
from advisor.catalog import catalog, parse_as_of
from advisor.paths import packaged_dir
from advisor.tables import read_tables
from advisor.errors import BadInput, KnowledgeError
from advisor.validation import validate

from conftest import MINI_KB


@pytest.fixture
def mini():
    kb._load.cache_clear()
    return kb.load(MINI_KB)


def test_state_as_of_is_the_newest_observation_on_or_before_the_date(mini):
    then = catalog(dt.date(2018, 6, 30), mini)
    now = catalog(dt.date(2026, 11, 1), mini)
    assert then.subjects["alpha"].values["activity"] == 90
    assert now.subjects["alpha"].values["activity"] == 95
    assert now.subjects["alpha"].values["sponsor"] == 3  # carried forward from 2018


def test_a_subject_does_not_exist_before_its_first_release(mini):
    assert "gamma" not in catalog(dt.date(2018, 12, 31), mini).subjects
    assert "gamma" in catalog(dt.date(2019, 1, 1), mini).subjects


def test_status_changes_over_time(mini):
    assert catalog(dt.date(2019, 1, 1), mini).subjects["beta"].status == "active"
    later = catalog(dt.date(2020, 3, 1), mini).subjects["beta"]
    assert (later.status, later.status_since) == ("discontinued", dt.date(2020, 3, 1))
    assert later.first_release == dt.date(2015, 6, 1)


def test_as_of_parsing(mini):
    assert parse_as_of("2018-06", mini) == dt.date(2018, 6, 30)
    assert parse_as_of("2018-06-05", mini) == dt.date(2018, 6, 5)
    assert parse_as_of(None, mini) == mini.latest
    for bad in ("2018", "18-06", "2018-13", "2018-02-30", "yesterday", ""):
        with pytest.raises(BadInput, match="--as-of"):
            parse_as_of(bad, mini)
    with pytest.raises(BadInput, match="before any knowledge"):
        parse_as_of("2001-01", mini)


BREAKAGES = [
    # file, line to edit (1 = header), old text, new text, expected column, expected words
    ("observations.csv", 2, "alpha,sponsor,3,", "alpha,sponsor,three,", "value", "not a number"),
    ("observations.csv", 2, "alpha,sponsor,3,", "alpha,sponsor,4,", "value", "outside"),
    ("observations.csv", 2, "alpha,sponsor,3,", "alpha,sponsor,2.5,", "value", "multiple"),
    ("observations.csv", 2, "alpha,sponsor,", "omega,sponsor,", "subject", "unknown subject"),
    ("observations.csv", 2, "alpha,sponsor,", "alpha,charm,", "criterion", "unknown criterion"),
    ("observations.csv", 2, "showdown-charts", "nowhere", "source", "unknown source"),
    ("observations.csv", 2, "2018-06-26", "2018-06-31", "since", "not a real date"),
    ("observations.csv", 2, "2018-06-26", "2015-01-01", "since", "before alpha's first release"),
    ("observations.csv", 2, "2018-06-26", "2018-07-01", "since", "after its newest source"),
    ("observations.csv", 2, ",judgement,", ",guess,", "basis", "not one of"),
    ("status.csv", 2, "alpha,active", "alpha,alive", "status", "not one of"),
    ("capabilities.csv", 2, "server desktop", "server moon", "values", "not a known targets"),
    ("capabilities.csv", 2, ",targets,", ",colour,", "attribute", "not one of"),
    ("subjects.csv", 3, "beta,framework", "alpha,framework", "id", "duplicate subject"),
    ("sources.csv", 2, "seeds/003_3e04d39f8a041a46.txt", "my notes", "ref", "neither a URL nor a seed"),
    ("bridges.csv", 2, "beta,rt-web", "beta,beta", "to", "two different"),
    ("onnx.csv", 2, "alpha,export,builtin", "alpha,export,sometimes", "support", "not one of"),
    ("criteria.csv", 2, "sponsor,support_community", "sponsor,vibes", "category", "not one of"),
]


def _copy(tmp_path):
    folder = tmp_path / "kb"
    shutil.copytree(MINI_KB, folder)
    return folder


def _edit(path, line, old, new):
    lines = path.read_text().splitlines(keepends=True)
    assert old in lines[line - 1], (old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("".join(lines))


@pytest.mark.parametrize("file,line,old,new,column,words", BREAKAGES)
def test_a_broken_cell_is_refused_naming_file_row_and_column(tmp_path, file, line, old, new, column, words):
    folder = _copy(tmp_path)
    _edit(folder / file, line, old, new)
    with pytest.raises(KnowledgeError) as err:
        validate(read_tables(folder), folder)
    assert err.value.file == f"kb/{file}"
    assert err.value.column == column
    assert err.value.row == line
    assert words in str(err.value)


def test_duplicate_key_is_refused(tmp_path):
    folder = _copy(tmp_path)
    with open(folder / "status.csv", "a") as fh:
        fh.write("alpha,maintenance,2016-01,again,today\n")
    with pytest.raises(KnowledgeError, match="duplicate key"):
        validate(read_tables(folder), folder)


def test_missing_file_and_missing_column(tmp_path):
    folder = _copy(tmp_path)
    (folder / "bridges.csv").unlink()
    with pytest.raises(KnowledgeError, match="bridges.csv: missing file"):
        validate(read_tables(folder), folder)
    folder = _copy(tmp_path / "again")
    text = (folder / "onnx.csv").read_text().replace(",tool,", ",tools,", 1)
    (folder / "onnx.csv").write_text(text)
    with pytest.raises(KnowledgeError) as err:
        read_tables(folder)
    assert (err.value.row, err.value.column) == (1, "tool")


def test_split_tables_are_read_as_one(tmp_path):
    folder = _copy(tmp_path)
    (folder / "status-extra.csv").write_text("subject,status,since,note,source\nalpha,maintenance,2025-01,slowing,today\n")
    kb._load.cache_clear()
    cat = catalog(dt.date(2026, 1, 1), kb.load(folder))
    assert cat.subjects["alpha"].status == "maintenance"


def test_kb_check_cli_names_the_file(cli, tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "observations.csv", 3, "alpha,activity,90", "alpha,activity,900")
    kb._load.cache_clear()
    r = cli("kb", "check", env={"ADVISOR_KNOWLEDGE": folder})
    assert r.code == 2
    assert r.err.count("\n") == 1
    assert "observations.csv, row 3, column 'value'" in r.err
    assert "Traceback" not in r.err


def test_kb_check_and_path_on_the_mini_fixture(cli, mini_kb):
    r = cli("kb", "check")
    assert r.code == 0 and "sound" in r.out
    r = cli("kb", "path", "--format", "json")
    assert r.code == 0 and '"path"' in r.out and "kb-mini" in r.out


def test_missing_knowledge_folder(cli, tmp_path):
    r = cli("frameworks", env={"ADVISOR_KNOWLEDGE": tmp_path / "nope"})
    assert r.code == 2 and "no such folder" in r.err


def test_shipped_knowledge_is_sound():
    kb._load.cache_clear()
    k = kb.load()
    assert k.latest <= dt.date(2026, 11, 21)
    assert k.earliest < dt.date(2018, 1, 1)


def test_mid_2022_knows_what_had_changed_since_2018():
    """Between the two well-filled dates the knowledge still holds: capabilities gained at their release
    (ONNX Runtime's Java API in 1.2, its web build in 1.8) and a mid-2022 snapshot of the support criteria
    (MXNet declining before its retirement; Keras and JAX scored at all)."""
    kb._load.cache_clear()
    knowledge = kb.load(packaged_dir("knowledge"))
    early, mid = catalog(dt.date(2019, 12, 31), knowledge), catalog(dt.date(2022, 6, 30), knowledge)
    ort = mid.subjects["onnxruntime"]
    assert {"java", "javascript"} <= set(ort.capabilities["languages"])
    assert "browser" in ort.capabilities["targets"] and ort.values["target_browser"] > 0
    assert "java" not in early.subjects["onnxruntime"].capabilities["languages"]
    assert mid.subjects["mxnet"].values["activity"] < early.subjects["mxnet"].values["activity"]
    assert mid.subjects["mxnet"].value_checked["activity"].year == 2022
    for fw in ("keras", "jax"):
        assert "ecosystem" in mid.subjects[fw].values and "ecosystem" not in early.subjects[fw].values
