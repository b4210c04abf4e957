"""advisor batch: one row per person in, one recommendation per row out, each equal to `advisor recommend`."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

import pytest

from advisor import batch
from advisor import knowledge as kb

QUESTION_IDS = ("sector", "target", "mobile_os", "language", "cloud", "hardware", "task", "experience")


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def read_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(params=["mini", "real"])
def any_kb(request, monkeypatch):
    """Both knowledge folders: the fixture, and the real one once it loads."""
    if request.param == "mini":
        request.getfixturevalue("mini_kb")
    else:
        monkeypatch.delenv("ADVISOR_KNOWLEDGE", raising=False)
        try:
            kb.load()
        except Exception as exc:  # the real knowledge is still being written
            pytest.skip(f"real knowledge does not load yet: {exc}")
    return request.param


SURVEY = """\
name,sector,target,mobile_os,language,hardware,task
ann,industry,server,,python,,vision
bob,,,,,,
cid,academia,browser,,javascript,,nlp
dee,industry,mobile,ios,swift,arm,vision
eve,industry,embedded,,cpp,arm,vision
fay,industry,server,ios,cpp,nvidia_gpu,generative
"""


@pytest.mark.parametrize("as_of", [None, "2019-06"])
def test_every_row_equals_advisor_recommend(cli, tmp_path, any_kb, as_of):
    survey = write(tmp_path / "survey.csv", SURVEY)
    extra = ["--as-of", as_of] if as_of else []
    res = cli("batch", survey, "-o", tmp_path / "out.csv", *extra)
    assert res.code == 0, res.err
    rows = read_csv(tmp_path / "out.csv")
    given = read_csv(survey)
    assert [r["name"] for r in rows] == [g["name"] for g in given]
    for row, answers in zip(rows, given):
        sets = [f"{k}={v}" for k, v in answers.items() if k != "name" and v]
        rec_res = cli("recommend", "--format", "json", *[a for s in sets for a in ("--set", s)], *extra)
        rec = json.loads(rec_res.out)
        assert {q: row[q] for q in QUESTION_IDS if row[q]} == rec["answers"]
        assert int(row["warnings"]) == len(rec["warnings"])
        if rec["prototype"] is None:
            assert rec_res.code == 1
            assert row["prototype"] == row["deployment"] == row["pair_score"] == ""
            assert row["note"] == rec["unmet"]["message"]
            continue
        assert row["prototype"] == rec["prototype"]["id"]
        assert float(row["prototype_score"]) == rec["prototype"]["score"]
        assert row["deployment"] == rec["deployment"]["id"]
        assert float(row["deployment_score"]) == rec["deployment"]["score"]
        assert row["bridge"] == rec["bridge"]["format"]
        assert row["exporter"] == rec["bridge"]["exporter"]
        assert row["importer"] == rec["bridge"]["importer"]
        assert float(row["pair_score"]) == rec["pair_score"]
        assert row["firmness"] == rec["robustness"]["firmness"]
        assert row["note"] == ""


def test_columns_rows_and_passthrough(cli, tmp_path, mini_kb):
    # a blank line, a fully empty row and a quoted two-line name: row numbers stay the spreadsheet's
    survey = write(tmp_path / "s.csv", 'id,name,target,language\n1,"Ann\nSmith",server,python\n\n2,"O\'Neil, Bo",,\n,,,\n'
                   '3,"Zoe ""Z"" Ng",desktop,cpp\n')
    res = cli("batch", survey, "-o", tmp_path / "out.csv")
    assert res.code == 0, res.err
    text = (tmp_path / "out.csv").read_text()
    header = text.splitlines()[0].split(",")
    assert header == ["id", "name", "row", *QUESTION_IDS, *batch.RESULT_COLUMNS]
    rows = read_csv(tmp_path / "out.csv")
    assert [(r["id"], r["name"], r["row"]) for r in rows] == [
        ("1", "Ann\nSmith", "2"), ("2", "O'Neil, Bo", "4"), ("3", 'Zoe "Z" Ng', "6")]
    # defaults filled in; a question that does not apply stays empty
    assert rows[1]["sector"] == "academia" and rows[1]["target"] == "server" and rows[1]["mobile_os"] == ""
    assert "3 rows, 2 empty ignored" in res.err


def test_invalid_rows_are_listed_and_nothing_is_written(cli, tmp_path, mini_kb, monkeypatch):
    from advisor import engine

    calls = []
    monkeypatch.setattr(engine, "recommend", lambda *a: calls.append(a))  # nothing is ranked in vain
    survey = write(tmp_path / "s.csv", "name,target,language\nann,server,python\nbob,moon,python\ncid,server,klingon\n")
    out = write(tmp_path / "out.csv", "old results\n")
    res = cli("batch", survey, "-o", out)
    assert res.code == 2
    lines = res.err.splitlines()
    assert lines[0].startswith("row 3: 'moon' is not an option of question 'target'; valid: server, mobile")
    assert lines[1].startswith("row 4: 'klingon' is not an option of question 'language'; valid: python, cpp")
    assert "2 of 3 rows invalid" in lines[2] and "nothing written" in lines[2] and "--skip-invalid" in lines[2]
    assert "Traceback" not in res.err
    assert out.read_text() == "old results\n"
    assert calls == []


def test_skip_invalid_writes_the_valid_rows_and_says_how_many_were_skipped(cli, tmp_path, mini_kb):
    survey = write(tmp_path / "s.csv", "name,target,language\nann,server,python\nbob,moon,python\ncid,server,cpp\n")
    res = cli("batch", survey, "-o", tmp_path / "out.csv", "--skip-invalid")
    assert res.code == 0, res.err
    assert [r["name"] for r in read_csv(tmp_path / "out.csv")] == ["ann", "cid"]
    assert "row 3: 'moon' is not an option" in res.err
    assert "1 invalid skipped" in res.err and "wrote 2" in res.err


def test_too_many_invalid_rows_are_counted_not_listed(cli, tmp_path, mini_kb):
    survey = write(tmp_path / "s.csv", "target\n" + "moon\n" * (batch.MAX_LISTED + 5))
    res = cli("batch", survey, "-o", tmp_path / "out.csv", "--skip-invalid")
    assert res.code == 2
    assert res.err.count("is not an option") == batch.MAX_LISTED
    assert "... and 5 more invalid rows" in res.err
    assert "no valid rows" in res.err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name,target,planet\nann,server,mars\n", "unknown column 'planet'; columns are question ids (sector, target,"),
        ("target,target\nserver,server\n", "column 'target' appears twice"),
        ("", "empty; expected a header row of question ids"),
        ("target,language\nserver,python\nserver,python,extra\n", "line 3 has 3 cells but the header has 2"),
        ("target,language\nserver,python,extra\n", "row 2 has more cells than the header's 2"),
        ("target,,language\nserver,,python\nserver,x,python\n", "column 2 has no name in the header but row 3 fills it"),
    ],
)
def test_malformed_files_are_one_clear_line(cli, tmp_path, mini_kb, text, expected):
    res = cli("batch", write(tmp_path / "s.csv", text), "-o", tmp_path / "out.csv")
    assert res.code == 2
    assert expected in res.err
    assert len(res.err.strip().splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()


def test_missing_file_bad_date_and_output_paths(cli, tmp_path, mini_kb):
    survey = write(tmp_path / "s.csv", "target\nserver\n")
    assert "no such file" in cli("batch", tmp_path / "nope.csv", "-o", tmp_path / "o.csv").err
    assert "--as-of" in cli("batch", survey, "-o", tmp_path / "o.csv", "--as-of", "1999-01").err
    assert "does not exist" in cli("batch", survey, "-o", tmp_path / "no" / "o.csv").err
    res = cli("batch", survey, "-o", survey)
    assert res.code == 2 and "is the survey itself" in res.err
    assert survey.read_text() == "target\nserver\n"


def test_unnamed_empty_columns_and_a_bom_are_tolerated(cli, tmp_path, mini_kb):
    survey = tmp_path / "s.csv"
    survey.write_bytes("\ufefftarget,,language,\nserver,,cpp,\n".encode())
    res = cli("batch", survey, "-o", tmp_path / "out.csv")
    assert res.code == 0, res.err
    assert read_csv(tmp_path / "out.csv")[0]["language"] == "cpp"


def test_header_only_survey_gives_an_empty_result(cli, tmp_path, mini_kb):
    res = cli("batch", write(tmp_path / "s.csv", "name,target\n"), "-o", tmp_path / "out.json")
    assert res.code == 0, res.err
    assert json.loads((tmp_path / "out.json").read_text()) == []
    assert "0 rows" in res.err


def test_json_output_has_the_same_fields_typed(cli, tmp_path, mini_kb):
    survey = write(tmp_path / "s.csv", "name,target,language\nann,server,python\nbob,mobile,python\n")
    assert cli("batch", survey, "-o", tmp_path / "out.csv").code == 0
    res = cli("batch", survey, "-o", tmp_path / "out.json")  # the extension chooses JSON
    assert res.code == 0, res.err
    records = json.loads((tmp_path / "out.json").read_text())
    rows = read_csv(tmp_path / "out.csv")
    assert [list(r) for r in records] == [list(r) for r in rows]
    assert records[0]["row"] == 2 and isinstance(records[0]["pair_score"], float)
    assert records[0]["mobile_os"] is None and records[1]["mobile_os"] == "both"
    for rec, row in zip(records, rows):
        assert {k: ("" if v is None else str(v)) for k, v in rec.items()} == row
    # --format wins over the extension
    assert cli("batch", survey, "-o", tmp_path / "x.txt", "--format", "json").code == 0
    assert json.loads((tmp_path / "x.txt").read_text()) == records


def test_each_distinct_answer_combination_is_ranked_once(cli, tmp_path, mini_kb, monkeypatch):
    from advisor import engine

    calls = []
    real = engine.recommend
    monkeypatch.setattr(engine, "recommend", lambda a, q, c: calls.append(a.values) or real(a, q, c))
    # blank and explicit defaults resolve to the same answers; an ignored answer is its own combination
    rows = ["academia,server,,python", ",,,python", "academia,,,", ",server,,"] * 50
    rows += ["industry,server,,cpp"] * 30 + ["industry,server,ios,cpp"] * 20
    survey = write(tmp_path / "s.csv", "sector,target,mobile_os,language\n" + "\n".join(rows) + "\n")
    res = cli("batch", survey, "-o", tmp_path / "out.csv")
    assert res.code == 0, res.err
    assert len(calls) == 3
    assert "250 rows, 3 distinct answer combinations" in res.err
    out = read_csv(tmp_path / "out.csv")
    assert len(out) == 250
    ignored = [r for r in out if r["row"] == str(2 + 200 + 30)][0]
    plain = [r for r in out if r["row"] == str(2 + 200)][0]
    assert int(ignored["warnings"]) == int(plain["warnings"]) + 1  # "the answer to 'mobile_os' was ignored"


def test_summary_names_the_most_common_pairs(cli, tmp_path, mini_kb):
    survey = write(tmp_path / "s.csv", "target,language\n" + "server,python\n" * 3 + "mobile,kotlin\n")
    res = cli("batch", survey, "-o", tmp_path / "out.csv")
    assert res.code == 0
    assert "4 rows, 2 distinct answer combinations; wrote 4 to" in res.err
    assert "most common pairs: alpha + rt-one (3, 75%)" in res.err
    assert "1 row has no workable pair (see the note column)" in res.err
    assert "\r" not in res.err  # no progress line when stderr is not a terminal


def test_same_input_same_output_byte_for_byte(cli, tmp_path, mini_kb):
    survey = write(tmp_path / "s.csv", SURVEY)
    cli("batch", survey, "-o", tmp_path / "a.csv")
    cli("batch", survey, "-o", tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal(tmp_path, mini_kb, monkeypatch):
    languages = ["python", "cpp", "java", "c", "kotlin", "javascript"]
    rows = [f"{s},{t},{lang}" for s in ("academia", "industry") for t in ("server", "desktop") for lang in languages]
    survey = write(tmp_path / "s.csv", "sector,target,language\n" + "\n".join(rows) + "\n")
    monkeypatch.setattr(batch, "PROGRESS_COMBOS", 10)
    term = _Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    args = argparse.Namespace(file=str(survey), output=str(tmp_path / "o.csv"), as_of=None, format=None,
                              skip_invalid=False)
    from advisor.context import Context

    assert batch.run(args, Context()) == 0
    err = term.getvalue()
    assert "\rranking 0/24 distinct answer combinations (0%)" in err.replace("\033[K", "")
    assert "ranking 24/24 distinct answer combinations (100%)" in err
    summary = err.rsplit("\r\033[K", 1)[1]  # the progress line is cleared before the summary
    assert summary.startswith("advisor batch: 24 rows, 24 distinct answer combinations")


def test_installed_command_from_another_folder(run_advisor, tmp_path, mini_kb):
    (tmp_path / "s.csv").write_text("name,target,language\nann,server,python\n")
    res = run_advisor("batch", "s.csv", "-o", "out.csv", env={"ADVISOR_KNOWLEDGE": str(mini_kb)})
    assert res.code == 0, res.err
    assert read_csv(tmp_path / "out.csv")[0]["prototype"] == "alpha"
