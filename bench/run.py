#!/usr/bin/env python3
"""Benchmarks of dl-advisor: whole processes, several runs each, medians, ratios side by side.

    python bench/run.py                 # all of them (a few minutes on 2 cores)
    python bench/run.py --quick         # fewer runs, smaller files: a smoke run
    python bench/run.py --json          # the figures as JSON on stdout

Each pair (advisor command, baseline) is run alternately in the same session (A, B, A, B, ...)
after one warm-up run each, so both see the same machine load and the same disk cache. The
`advisor` measured is the console script beside this Python (`pip install .` first); without
it, `python -m advisor` from this checkout. These are benchmarks, not tests: nothing asserts
a time, the table says which target is met.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MINI_KB = REPO / "tests" / "data" / "kb-mini"

# name, what is compared, target ratio (advisor / baseline)
TARGETS = {
    "help": 3.0,
    "recommend": 1.3,
    "wizard": 2.0,
    "batch": 8.0,
    "empty_columns": 4.0,
}
EMPTY_COLUMNS = 5_000  # headerless empty columns (spreadsheet leftovers) of the empty-columns survey


# ---------------------------------------------------------------- the programs


def advisor_command() -> tuple[list[str], str, str]:
    """(argv prefix, the Python that runs it, a description)."""
    exe = shutil.which("advisor", path=str(Path(sys.executable).parent))
    if exe:
        python = sys.executable
        with open(exe, "rb") as fh:
            first = fh.readline().decode("utf-8", "replace").strip()
        if first.startswith("#!") and Path(first[2:].split()[0]).exists():
            python = first[2:].split()[0]
        return [exe], python, exe
    return [sys.executable, "-m", "advisor"], sys.executable, f"{sys.executable} -m advisor (from {REPO})"


def knowledge_env(advisor: list[str], cwd: Path) -> tuple[dict, str]:
    """ADVISOR_KNOWLEDGE when set; else the real knowledge when `advisor kb check` passes; else the test fixture."""
    if os.environ.get("ADVISOR_KNOWLEDGE"):
        env = dict(os.environ)
        check = subprocess.run(advisor + ["kb", "check"], cwd=cwd, env=env, capture_output=True, text=True)
        if check.returncode != 0:
            raise SystemExit(f"ADVISOR_KNOWLEDGE={env['ADVISOR_KNOWLEDGE']}: {check.stderr.strip()}")
        return env, "ADVISOR_KNOWLEDGE=" + check.stdout.strip()
    env = {k: v for k, v in os.environ.items() if k != "ADVISOR_KNOWLEDGE"}
    check = subprocess.run(advisor + ["kb", "check"], cwd=cwd, env=env, capture_output=True, text=True)
    if check.returncode == 0:
        return env, "real (" + check.stdout.strip().split(": ", 1)[-1] + ")"
    return {**env, "ADVISOR_KNOWLEDGE": str(MINI_KB)}, f"the test fixture tests/data/kb-mini (real knowledge: {check.stderr.strip()})"


# ---------------------------------------------------------------- measuring


def run_once(argv: list[str], cwd: Path, env: dict) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one whole process."""
    start = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the max over all children)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode("utf-8", "replace")
    p.stderr.close()
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}: {err.strip()[-500:]}")
    return elapsed, usage.ru_maxrss


def first_prompt_once(argv: list[str], cwd: Path, env: dict, text: str | None) -> float:
    """Seconds until `text` appears on a terminal (a pty), or until the process ends when text is None."""
    import pexpect

    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], cwd=str(cwd), env={**env, "TERM": "xterm-256color"},
                          dimensions=(40, 120), encoding="utf-8", timeout=120)
    try:
        if text is None:
            child.expect(pexpect.EOF)
        else:
            child.expect_exact(text)
        elapsed = time.perf_counter() - start
    finally:
        if child.isalive():
            child.sendcontrol("c")
            try:
                child.expect(pexpect.EOF, timeout=10)
            except pexpect.TIMEOUT:
                pass
        child.close(force=True)
    if text is None and child.exitstatus not in (0, None):
        raise RuntimeError(f"{' '.join(argv)} exited {child.exitstatus}")
    return elapsed


def side_by_side(a, b, runs: int) -> tuple[list, list]:
    """One warm-up each, then A, B, A, B, ... so both see the same load."""
    a(), b()
    ra, rb = [], []
    for _ in range(runs):
        ra.append(a())
        rb.append(b())
    return ra, rb


# ---------------------------------------------------------------- the survey files


def write_survey(path: Path, rows: int, combos: int, seed: int) -> int:
    """A survey as a team would fill it: `combos` answer profiles drawn at random, one per row,
    with about half of the cells that hold the default left empty, and a name column.
    Returns the number of distinct (resolved) answer combinations in the file."""
    sys.path.insert(0, str(REPO))
    try:
        from advisor.questions import load
    finally:
        sys.path.pop(0)
    qs = load()
    rng = random.Random(seed)
    pool, seen = [], set()
    while len(pool) < combos:
        answers: dict[str, str] = {}
        for q in qs:
            if q.applies(answers):
                answers[q.id] = rng.choice(q.option_ids)
        key = tuple(sorted(answers.items()))
        if key not in seen:
            seen.add(key)
            pool.append(answers)
    used = set()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["name", *qs.ids])
        for i in range(rows):
            k = rng.randrange(len(pool))
            used.add(k)
            a = pool[k]
            w.writerow([f"person-{i:07d}"] + [
                "" if a.get(q.id) == q.default and rng.random() < 0.5 else a.get(q.id, "") for q in qs
            ])
    return len(used)


PANDAS_RW = ("import sys, pandas as pd; "
             "pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False).to_csv(sys.argv[2], index=False)")


# ---------------------------------------------------------------- the benchmarks


def median(xs):
    return statistics.median(xs)


def row(name, what, ra, rb, target, **extra):
    ma, mb = median(ra), median(rb)
    return {"name": name, "what": what, "advisor_s": round(ma, 3), "baseline_s": round(mb, 3),
            "ratio": round(ma / mb, 2), "target": target, "met": ma / mb <= target, "runs": len(ra),
            "advisor_runs_s": [round(x, 3) for x in ra], "baseline_runs_s": [round(x, 3) for x in rb], **extra}


def first_question_text() -> str:
    sys.path.insert(0, str(REPO))
    try:
        from advisor.questions import load
    finally:
        sys.path.pop(0)
    return next(iter(load())).text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs per command for the quick commands (default 5)")
    ap.add_argument("--batch-runs", type=int, default=3, help="runs for the 100,000-row batch (default 3)")
    ap.add_argument("--rows", type=int, default=100_000, help="rows of the timed survey (default 100000)")
    ap.add_argument("--memory-rows", type=int, default=1_000_000, help="rows of the memory survey (default 1000000; 0 skips)")
    ap.add_argument("--combos", type=int, default=200, help="distinct answer profiles in the surveys (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generated surveys (default 1)")
    ap.add_argument("--only", nargs="+", choices=[*TARGETS, "memory"], help="run only these")
    ap.add_argument("--quick", action="store_true", help="3 runs, 10,000 rows, memory on 100,000 rows")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    opts = ap.parse_args()
    if opts.quick:
        opts.runs, opts.batch_runs, opts.rows, opts.memory_rows = 3, 3, 10_000, 100_000
    only = set(opts.only or [*TARGETS, "memory"])

    advisor, python, described = advisor_command()
    work = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    cwd = work  # run from outside the checkout, as a user would
    if advisor[1:2] == ["-m"]:
        cwd = REPO
    env, knowledge = knowledge_env(advisor, cwd)
    log = (lambda *a: None) if opts.json else (lambda *a: print(*a, file=sys.stderr, flush=True))
    results: list[dict] = []
    try:
        if "help" in only:
            log("advisor --help ...")
            ra, rb = side_by_side(lambda: run_once(advisor + ["--help"], cwd, env)[0],
                                  lambda: run_once([python, "-c", "import json, argparse"], cwd, env)[0], opts.runs)
            results.append(row("help", "`advisor --help` vs `python -c \"import json, argparse\"`", ra, rb, TARGETS["help"]))

        if "recommend" in only:
            log("advisor recommend --format json ...")
            ra, rb = side_by_side(
                lambda: run_once(advisor + ["recommend", "--format", "json"], cwd, env)[0],
                lambda: run_once([python, "-c", "import pandas, sklearn.neighbors, jinja2, yaml"], cwd, env)[0],
                opts.runs)
            results.append(row("recommend", "`advisor recommend --format json` vs `python -c \"import pandas, "
                               "sklearn.neighbors, jinja2, yaml\"`", ra, rb, TARGETS["recommend"]))

        if "wizard" in only:
            log("advisor wizard, time to the first question ...")
            what = "`advisor wizard` to its first question (pty) vs `python -c \"import questionary\"`"
            text = first_question_text()
            try:
                import pexpect  # noqa: F401

                ra, rb = side_by_side(lambda: first_prompt_once(advisor + ["wizard"], cwd, env, text),
                                      lambda: first_prompt_once([python, "-c", "import questionary"], cwd, env, None),
                                      opts.runs)
                results.append(row("wizard", what, ra, rb, TARGETS["wizard"], first_question=text))
            except Exception as exc:  # the wizard may not exist yet, or pexpect is missing
                results.append({"name": "wizard", "what": what, "advisor_s": None, "baseline_s": None, "ratio": None,
                                "target": TARGETS["wizard"], "met": None, "runs": 0,
                                "note": f"n/a: {str(exc).strip().splitlines()[0][:200]}"})

        if "batch" in only:
            survey = work / "survey.csv"
            distinct = write_survey(survey, opts.rows, opts.combos, opts.seed)
            log(f"advisor batch on {opts.rows} rows ({distinct} distinct answer profiles) ...")
            ra, rb = side_by_side(
                lambda: run_once(advisor + ["batch", str(survey), "-o", str(work / "out.csv")], cwd, env)[0],
                lambda: run_once([python, "-c", PANDAS_RW, str(survey), str(work / "pandas.csv")], cwd, env)[0],
                opts.batch_runs)
            results.append(row("batch", f"`advisor batch` on {opts.rows:,} rows vs a pandas read+write of the same CSV",
                               ra, rb, TARGETS["batch"], rows=opts.rows, profiles=distinct,
                               input_mb=round(survey.stat().st_size / 1e6, 1)))
            survey.unlink()

        if "empty_columns" in only:
            survey = work / "survey-empty-columns.csv"
            with open(survey, "w", encoding="utf-8") as fh:  # 20 people, 5,000 headerless empty columns
                fh.write("name,sector,target" + "," * EMPTY_COLUMNS + "\n")
                fh.writelines(f"p{i},industry,server" + "," * EMPTY_COLUMNS + "\n" for i in range(20))
            log(f"advisor batch on a survey with {EMPTY_COLUMNS:,} empty columns ...")
            ra, rb = side_by_side(
                lambda: run_once(advisor + ["batch", str(survey), "-o", str(work / "out-empty.csv")], cwd, env)[0],
                lambda: run_once([python, "-c", PANDAS_RW, str(survey), str(work / "pandas-empty.csv")], cwd, env)[0],
                opts.batch_runs)
            results.append(row("empty_columns", f"`advisor batch` on 20 rows with {EMPTY_COLUMNS:,} headerless empty "
                               "columns vs a pandas read+write of the same CSV", ra, rb, TARGETS["empty_columns"],
                               input_kb=round(survey.stat().st_size / 1e3, 1)))
            survey.unlink()

        if "memory" in only and opts.memory_rows:
            survey = work / "survey-big.csv"
            distinct = write_survey(survey, opts.memory_rows, opts.combos, opts.seed + 1)
            log(f"advisor batch on {opts.memory_rows} rows: peak memory ...")
            t_a, rss_a = run_once(advisor + ["batch", str(survey), "-o", str(work / "out-big.csv")], cwd, env)
            t_b, rss_b = run_once([python, "-c", PANDAS_RW, str(survey), str(work / "pandas-big.csv")], cwd, env)
            results.append({
                "name": "memory", "what": f"`advisor batch` on {opts.memory_rows:,} rows: peak RSS vs the pandas read+write",
                "rows": opts.memory_rows, "profiles": distinct, "input_mb": round(survey.stat().st_size / 1e6, 1),
                "advisor_peak_mb": round(rss_a / 1024), "baseline_peak_mb": round(rss_b / 1024),
                "advisor_s": round(t_a, 2), "baseline_s": round(t_b, 2), "ratio": round(t_a / t_b, 2), "runs": 1,
            })
    finally:
        shutil.rmtree(work, ignore_errors=True)

    machine = machine_info(python)
    report = {"machine": machine, "advisor": described, "knowledge": knowledge, "results": results}
    if opts.json:
        print(json.dumps(report, indent=2))
    else:
        print(render(report))
    return 0


def machine_info(python: str) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                             text=True).stdout.strip()
    try:
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return {"cpu": cpu, "cores": os.cpu_count(), "python": version, "os": f"{platform.system()} {platform.release()}",
            "load_average_at_end": load}


def render(report: dict) -> str:
    m = report["machine"]
    lines = [f"machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, {m['os']} (load average {m['load_average_at_end']})",
             f"advisor: {report['advisor']}", f"knowledge: {report['knowledge']}", "",
             "| benchmark | advisor (median) | baseline (median) | ratio | target | met |",
             "|---|---|---|---|---|---|"]
    for r in report["results"]:
        if r["name"] == "memory":
            continue
        if r["ratio"] is None:
            lines.append(f"| {r['what']} | n/a | n/a | n/a | <= {r['target']:g}x | {r['note']} |")
            continue
        lines.append(f"| {r['what']} | {r['advisor_s']:.3f} s | {r['baseline_s']:.3f} s | {r['ratio']:.2f}x | "
                     f"<= {r['target']:g}x | {'yes' if r['met'] else 'NO'} |")
    for r in report["results"]:
        if r["name"] == "batch":
            lines.append(f"\nbatch survey: {r['rows']:,} rows, {r['profiles']} distinct answer profiles, "
                         f"{r['input_mb']} MB; {r['runs']} runs each")
        if r["name"] == "memory":
            lines.append(f"\nmemory: `advisor batch` on {r['rows']:,} rows ({r['input_mb']} MB, {r['profiles']} profiles): "
                         f"peak RSS {r['advisor_peak_mb']} MB in {r['advisor_s']} s; the pandas read+write of the same "
                         f"file: {r['baseline_peak_mb']} MB in {r['baseline_s']} s")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
