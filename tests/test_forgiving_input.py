"""Forgiving, never silent input: ids in any case, aliases from the labels (prompts/questions.yaml),
"did you mean" for commands, questions and options, `-V`, help that says where the ids are listed.
Every refusal still lists the valid options and exits 2."""

from __future__ import annotations

import json

import pytest

from advisor.answers import check
from advisor.errors import BadInput
from advisor.questions import load

QS = load()


@pytest.mark.parametrize("key, value, canonical", [
    ("sector", "Academia", ("sector", "academia")),
    ("cloud", "AWS", ("cloud", "aws")),
    ("language", "typescript", ("language", "javascript")),
    ("language", "TypeScript", ("language", "javascript")),
    ("language", "js", ("language", "javascript")),
    ("language", ".NET", ("language", "csharp")),
    ("language", "dotnet", ("language", "csharp")),
    ("language", "C#", ("language", "csharp")),
    ("language", "c++", ("language", "cpp")),
    ("language", "golang", ("language", "go")),
    ("language", "Objective-C", ("language", "swift")),
    ("language", "JavaScript or TypeScript", ("language", "javascript")),  # the label itself
    ("Mobile-OS", "iOS", ("mobile_os", "ios")),
    ("TARGET", "Mobile", ("target", "mobile")),
    ("hardware", "nvidia-gpu", ("hardware", "nvidia_gpu")),
])
def test_ids_in_any_case_and_aliases_are_read_as_the_canonical_id_with_a_note(key, value, canonical):
    notes: list[str] = []
    assert check(QS, {key: value}, "--set", notes) == dict([canonical])
    assert notes == [f"--set: read '{key}={value}' as {canonical[0]}={canonical[1]}"]


def test_an_exact_id_adds_no_note():
    notes: list[str] = []
    assert check(QS, {"language": "javascript"}, "--set", notes) == {"language": "javascript"}
    assert notes == []


def test_every_alias_names_one_option_and_never_shadows_an_id():
    for q in QS:
        for o in q.options:
            assert q.lookup(o.id) == o.id and q.lookup(o.id.upper()) == o.id
            for a in o.aliases:
                assert q.lookup(a) == o.id, (q.id, a)


def test_an_alias_naming_two_options_is_refused(tmp_path):
    import copy

    import yaml

    from advisor.questions import parse
    from advisor.paths import packaged_dir

    data = yaml.safe_load((packaged_dir("prompts") / "questions.yaml").read_text())
    data = copy.deepcopy(data)
    lang = next(q for q in data["questions"] if q["id"] == "language")
    next(o for o in lang["options"] if o["id"] == "rust")["aliases"] = ["golang"]
    with pytest.raises(BadInput) as err:
        parse(data, packaged_dir("prompts") / "questions.yaml")
    assert "'golang' already names option" in str(err.value)


@pytest.mark.parametrize("raw, words", [
    ({"language": "typscript"}, "--set: 'typscript' is not an option of question 'language' (did you mean "
                                "'javascript'?); valid: python, cpp, c, java, kotlin, javascript, csharp, swift, go, rust"),
    ({"tagret": "mobile"}, "--set: unknown question 'tagret' (did you mean 'target'?); valid questions: sector, target, "),
    ({"target": "moon"}, "--set: 'moon' is not an option of question 'target'; valid: server, mobile, embedded, "),
])
def test_did_you_mean_for_questions_and_options_and_the_valid_ones_are_still_listed(raw, words):
    with pytest.raises(BadInput) as err:
        check(QS, raw, "--set")
    assert str(err.value).startswith(words)


# ---------------------------------------------------------------- through the command line


def test_set_with_capitals_and_an_alias_is_echoed_as_the_canonical_id(cli):
    r = cli("recommend", "--set", "sector=Academia", "--set", "cloud=AWS", "--set", "target=browser",
            "--set", "language=typescript", "--format", "json")
    assert r.code == 0
    answers = json.loads(r.out)["answers"]
    assert (answers["sector"], answers["cloud"], answers["language"]) == ("academia", "aws", "javascript")
    assert r.err.splitlines() == [
        "advisor: --set: read 'sector=Academia' as sector=academia",
        "advisor: --set: read 'cloud=AWS' as cloud=aws",
        "advisor: --set: read 'language=typescript' as language=javascript",
    ]


def test_answers_file_reads_aliases_too(cli, tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("Target: Browser\nlanguage: TypeScript\n")
    r = cli("recommend", "--answers", f, "--format", "json")
    assert r.code == 0
    assert json.loads(r.out)["answers"]["language"] == "javascript"
    assert "read 'language=TypeScript' as language=javascript" in r.err


def test_batch_cells_read_aliases_and_say_so_once(cli, tmp_path):
    survey = tmp_path / "s.csv"
    survey.write_text("name,target,language\nann,Browser,typescript\nbo,browser,TypeScript\ncy,browser,typescript\n")
    r = cli("batch", survey, "-o", tmp_path / "out.json")
    assert r.code == 0, r.err
    rows = json.loads((tmp_path / "out.json").read_text())
    assert [x["language"] for x in rows] == ["javascript"] * 3 and [x["target"] for x in rows] == ["browser"] * 3
    notes = [line for line in r.err.splitlines() if " as language=javascript" in line]
    assert len(notes) == 2  # 'typescript' and 'TypeScript', each once
    assert "read 'target=Browser' as target=browser" in r.err


def test_a_misspelt_command_gets_a_suggestion_in_one_line(cli):
    r = cli("recomend")
    assert r.code == 2 and r.err.count("\n") == 1
    assert r.err.startswith("advisor: argument COMMAND: invalid choice: 'recomend'")
    assert r.err.rstrip().endswith("did you mean 'recommend'?")


def test_set_with_a_space_instead_of_equals_says_what_was_meant(cli):
    r = cli("recommend", "--set", "target", "mobile")
    assert r.code == 2
    assert r.err == "advisor: unrecognized arguments: mobile (did you mean --set target=mobile?)\n"


def test_dash_capital_v_prints_the_version(capsys):
    import advisor
    from advisor.cli import main

    with pytest.raises(SystemExit) as ex:
        main(["-V"])
    assert ex.value.code == 0 and capsys.readouterr().out.strip() == f"advisor {advisor.__version__}"


@pytest.mark.parametrize("command", ["recommend", "wizard", "report", "verify", "batch"])
def test_help_of_the_answer_taking_commands_points_to_advisor_questions(capsys, command):
    from advisor.cli import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert "`advisor questions` lists" in " ".join(capsys.readouterr().out.split())


def test_questions_table_lists_the_aliases(cli):
    r = cli("questions")
    assert r.code == 0
    line = next(x for x in r.out.splitlines() if x.strip().startswith("javascript"))
    assert "typescript" in line


def test_a_misspelt_survey_column_gets_a_suggestion_and_the_valid_ones(cli, tmp_path):
    survey = tmp_path / "s.csv"
    survey.write_text("name,langauge\nann,python\n")
    r = cli("batch", survey, "-o", tmp_path / "out.csv")
    assert r.code == 2 and r.err.count("\n") == 1
    assert "unknown column 'langauge' (did you mean 'language'?); columns are question ids (sector, target," in r.err
