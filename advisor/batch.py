"""advisor batch: one recommendation per row of a team survey (CSV), written as CSV or JSON.

A face: it reads the file, validates each row with `answers.check`, fills defaults with
`answers.resolve`, and asks the engine once per distinct answer combination (a survey of a
thousand people has a few dozen), then maps the results back onto the rows. No scoring here.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the first person row 2.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from advisor.errors import BadInput
from advisor.files import SURVEY_LIMIT, open_regular, reading
from advisor.safe_text import bounded_lines, one_line, show

# Columns kept as they are (in the input's order, first in the output): who answered.
PASSTHROUGH = ("id", "name", "email", "team")
RESULT_COLUMNS = (
    "prototype", "prototype_score", "deployment", "deployment_score", "bridge", "exporter", "importer",
    "pair_score", "firmness", "warnings", "note",
)
MAX_LISTED = 100  # invalid rows listed on stderr; the rest are counted
PROGRESS_COMBOS = 20  # show progress on a terminal when ranking at least this many combinations...
PROGRESS_ROWS = 10_000  # ...or when the file has at least this many rows
READING_BYTES = 1_000_000  # say "reading" on a terminal for files at least this big
CHUNK = 50_000  # rows rendered at a time


# ---------------------------------------------------------------- reading


@dataclass
class Survey:
    path: Path
    frame: object  # pandas DataFrame of str cells, stripped; fully empty rows removed
    rows: object  # numpy int array: the spreadsheet row number of each frame row
    passthrough: list[str]
    question_columns: list[str]
    empty_rows: int = 0


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A cell a spreadsheet would run as a formula (starting with = + - @ tab or CR) gets a leading
    single quote, the usual defence; nothing is stripped, so nothing is made live."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _open_survey(p: Path):
    """The survey as an open binary file: a regular file within SURVEY_LIMIT, not compressed."""
    return open_regular(p, SURVEY_LIMIT, "a CSV file", "save the survey as CSV (UTF-8)")


def _header(p: Path) -> list[str]:
    import io

    try:
        with _open_survey(p) as raw, reading(p, "a CSV file", "save the survey as CSV (UTF-8)"):
            fh = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            header = next(csv.reader(fh), None)
    except csv.Error as exc:
        raise BadInput(f"{one_line(p, 160)}: malformed CSV header ({one_line(exc, 200)})") from None
    if not header or not any(h.strip() for h in header):
        raise BadInput(f"{p}: empty; expected a header row of question ids, e.g. sector,target,language")
    return [h.strip() for h in header]


def read_survey(path: str | Path, question_ids: tuple[str, ...]) -> Survey:
    """Read and check the file's shape. Cells are strings ("" when empty); values are checked later."""
    import re
    import warnings

    import numpy as np
    import pandas as pd

    src = p = Path(path).expanduser()
    names = _header(src)
    p = Path(one_line(p, 160))  # the path as messages show it (one inert line); the file is read above
    seen: set[str] = set()
    for n in names:
        if n and n in seen:
            raise BadInput(f"{p}: column {show(n)} appears twice in the header")
        seen.add(n)
    unknown = [n for n in names if n and n not in question_ids and n not in PASSTHROUGH]
    if unknown:
        import difflib

        def named(n: str) -> str:  # a misspelt column: "did you mean" (difflib), as for --set
            close = difflib.get_close_matches(n.strip().lower(), [*question_ids, *PASSTHROUGH], n=1, cutoff=0.7)
            return show(n, 40) + (f" (did you mean '{close[0]}'?)" if close else "")

        listed = ", ".join(named(n) for n in unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
        raise BadInput(f"{p}: unknown column{'s' if len(unknown) > 1 else ''} {listed}; columns are question ids "
                       f"({', '.join(question_ids)}) and optionally {', '.join(PASSTHROUGH)} (kept as they are)")
    labels = [n or f"\0{i}" for i, n in enumerate(names, 1)]
    # answers repeat: categories keep a million rows small; passthrough cells are kept as text
    # (headerless columns as plain text: a category per column costs milliseconds each)
    dtypes = {label: (str if label in PASSTHROUGH or label.startswith("\0") else "category") for label in labels}
    try:
        with warnings.catch_warnings():
            # a first data row longer than the header would silently become an index: refuse it
            warnings.simplefilter("error", pd.errors.ParserWarning)
            with _open_survey(src) as fh:  # a handle: pandas guesses no compression from the name
                frame = pd.read_csv(
                    fh, header=0, compression=None, names=labels, index_col=False, dtype=dtypes,
                    keep_default_na=False, na_filter=False, skip_blank_lines=False, encoding="utf-8-sig",
                )
    except pd.errors.ParserWarning:
        raise BadInput(f"{p}: row 2 has more cells than the header's {len(names)}") from None
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise BadInput(f"{p}: line {m[2]} has {m[3]} cells but the header has {m[1]}") from None
        raise BadInput(f"{p}: malformed CSV ({one_line(str(exc).strip().splitlines()[-1], 200)})") from None
    except UnicodeDecodeError:
        raise BadInput(f"{p}: not UTF-8 text; save the survey as CSV (UTF-8)") from None
    except pd.errors.EmptyDataError:
        raise BadInput(f"{p}: empty; expected a header row of question ids, e.g. sector,target,language") from None
    except OSError as exc:
        raise BadInput(f"{p}: cannot read ({exc.strerror or exc})") from None
    except MemoryError:
        raise BadInput(f"{p}: too big to read") from None

    n = len(frame)
    headless = [label for label in labels if label.startswith("\0")]
    if headless:  # spreadsheet leftovers: checked and dropped all at once (linear in the cells)
        block = frame[headless].to_numpy(dtype=object)
        filled = [(int(c), int(r)) for r, c in np.argwhere(block != "") if str(block[r, c]).strip()]
        if filled:
            c, r = min(filled)
            raise BadInput(f"{p}: column {int(headless[c][1:])} has no name in the header but row {r + 2} fills it; "
                           "name it or delete it")
        frame = frame.drop(columns=headless)
    blank = np.ones(n, dtype=bool)  # rows whose every cell is empty (spreadsheet leftovers)
    for label in labels:
        if label.startswith("\0"):
            continue
        if label in PASSTHROUGH:
            frame[label] = frame[label].str.strip()
            col_blank = (frame[label] == "").to_numpy(dtype=bool)
        else:
            col = frame[label]
            blank_cat = np.array([str(c).strip() == "" for c in col.cat.categories], dtype=bool)
            col_blank = blank_cat[col.cat.codes.to_numpy()] if len(blank_cat) else np.ones(n, dtype=bool)
        blank &= col_blank
    rows = np.arange(2, n + 2)
    empty_rows = int(blank.sum()) if len(frame.columns) else 0
    if empty_rows:
        frame = frame[~blank].reset_index(drop=True)
        rows = rows[~blank]
    return Survey(
        p, frame, rows,
        passthrough=[n for n in names if n in PASSTHROUGH],
        question_columns=[n for n in names if n in question_ids],
        empty_rows=empty_rows,
    )


# ---------------------------------------------------------------- evaluating


@dataclass
class Outcome:
    combos: list[dict]  # per distinct answer combination: answers + result fields (typed)
    row_combo: object  # numpy int array per frame row: its combination, -1 when invalid
    errors: list[tuple[int, str]]  # (row number, message) of every invalid row, in row order
    given_raw: int = 0  # distinct raw answer rows seen
    pairs: Counter = field(default_factory=Counter)
    counts: list[int] = field(default_factory=list)  # rows per combination
    ranked: bool = True  # False when invalid rows stopped it before ranking


def result_fields(rec) -> dict:
    """The batch columns of one Recommendation."""
    from advisor.present import batch_note

    if not rec.ok:
        return {
            "prototype": None, "prototype_score": None, "deployment": None, "deployment_score": None,
            "bridge": None, "exporter": None, "importer": None, "pair_score": None, "firmness": None,
            "warnings": len(rec.notices), "note": batch_note(rec),
        }
    b = rec.bridge
    return {
        "prototype": rec.prototype.id, "prototype_score": rec.prototype.score,
        "deployment": rec.deployment.id, "deployment_score": rec.deployment.score,
        "bridge": b.format, "exporter": b.exporter, "importer": b.importer,
        "pair_score": round(rec.pair_score, 2), "firmness": rec.firmness.word,
        "warnings": len(rec.notices), "note": None,
    }


def _distinct(frame, qcols: list[str]):
    """(per row: the index of its distinct raw answer row, the distinct raw answer rows as tuples)."""
    import numpy as np

    n = len(frame)
    if not qcols or not n:
        return np.zeros(n, dtype=np.intp), [()] * (1 if n else 0)
    cats = [list(map(str, frame[q].cat.categories)) for q in qcols]
    codes = [frame[q].cat.codes.to_numpy().astype(np.int64) for q in qcols]
    if math.prod(len(c) for c in cats) < 2**62:  # one integer per row: mixed radix over the columns
        key = np.zeros(n, dtype=np.int64)
        for c, size in zip(codes, (len(c) for c in cats)):
            key = key * size + c
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:  # more distinct cells than an integer can combine: compare whole rows
        _, first, inverse = np.unique(np.stack(codes, axis=1), axis=0, return_index=True, return_inverse=True)
    uniques = [tuple(cat[c[i]] for cat, c in zip(cats, codes)) for i in first.tolist()]
    return inverse.reshape(-1).astype(np.intp), uniques


def evaluate(survey: Survey, ctx, progress=None, stop_on_invalid: bool = False) -> Outcome:
    """Validate every row, rank each distinct resolved answer combination once, map back.

    With stop_on_invalid, an invalid row stops it before any ranking (nothing will be written)."""
    import numpy as np

    from advisor import answers as answers_mod

    questions = ctx.questions
    frame, qcols = survey.frame, survey.question_columns
    codes, uniques = _distinct(frame, qcols)
    raw_error: dict[int, str] = {}
    raw_combo = np.full(len(uniques), -1, dtype=np.intp)
    keys: dict[tuple, int] = {}
    resolved: list = []
    notes: list[str] = []  # cells read as another id (Academia, typescript): said once each on stderr
    for j, values in enumerate(uniques):
        raw = {q: v.strip() for q, v in zip(qcols, values) if v.strip()}
        try:
            given = answers_mod.check(questions, raw, origin="row", notes=notes)
        except BadInput as exc:
            raw_error[j] = str(exc).removeprefix("row: ")
            continue
        ans = answers_mod.resolve(questions, given)
        key = (tuple(ans.values.items()), ans.ignored)  # ignored answers change the warnings
        if key not in keys:
            keys[key] = len(resolved)
            resolved.append(ans)
        raw_combo[j] = keys[key]

    for line in dict.fromkeys(n.replace("row: ", f"{survey.path}: ", 1) for n in notes):
        ctx.note(line)
    row_combo = raw_combo[codes] if len(frame) else np.zeros(0, dtype=np.intp)
    bad = np.flatnonzero(row_combo < 0)
    errors = [(int(survey.rows[i]), raw_error[int(codes[i])]) for i in bad]
    if errors and stop_on_invalid:
        return Outcome([], row_combo, errors, len(uniques), ranked=False)

    combos: list[dict] = []
    for k, ans in enumerate(resolved):
        if progress:
            progress(k, len(resolved))
        fields = {q: ans.values.get(q) for q in questions.ids}
        fields.update(result_fields(ctx.recommend(ans)))
        combos.append(fields)
    if progress:
        progress(len(resolved), len(resolved))

    counts = np.bincount(row_combo[row_combo >= 0], minlength=len(combos)).tolist()
    pairs: Counter = Counter()
    for c, n in zip(combos, counts):
        if n and c["prototype"]:
            pairs[f"{c['prototype']} + {c['deployment']}"] += n
    return Outcome(combos, row_combo, errors, len(uniques), pairs, counts)


# ---------------------------------------------------------------- writing


def _csv_text(text: str) -> str:
    """One text cell, formula-neutralised, quoted as the csv module's QUOTE_MINIMAL would."""
    text = neutralise(text)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return json.dumps(value)
    return _csv_text(str(value))


def columns(survey: Survey, questions) -> list[str]:
    return [*survey.passthrough, "row", *questions.ids, *RESULT_COLUMNS]


def render(survey: Survey, questions, outcome: Outcome, fmt: str) -> bytearray:
    """The output (UTF-8): a CSV with a header, or a JSON list with one object per line.

    Built chunk by chunk into one buffer: a million rows never exist as a million Python lines."""
    import numpy as np

    keep = np.flatnonzero(outcome.row_combo >= 0)
    tail_cols = [*questions.ids, *RESULT_COLUMNS]
    columns_of = [survey.frame[c].to_numpy() for c in survey.passthrough]
    out = bytearray()
    if fmt == "json":
        frags = [json.dumps({c: combo[c] for c in tail_cols}, ensure_ascii=False)[1:] for combo in outcome.combos]
        heads = [json.dumps(c, ensure_ascii=False) + ": " for c in survey.passthrough]
        cells = [lambda v, h=h: h + json.dumps(v, ensure_ascii=False) + ", " for h in heads]
        out += b"["
        for start in range(0, len(keep), CHUNK):
            sl = keep[start:start + CHUNK]
            rendered = [[cell(v) for v in col[sl].tolist()] for cell, col in zip(cells, columns_of)]
            pre = ["".join(parts) for parts in zip(*rendered)] if rendered else [""] * len(sl)
            frag_of = [frags[k] for k in outcome.row_combo[sl].tolist()]
            lines = [f'{{{p}"row": {r}, {f}' for p, r, f in zip(pre, survey.rows[sl].tolist(), frag_of)]
            out += (("\n" if start == 0 else ",\n") + ",\n".join(lines)).encode("utf-8")
        out += b"\n]\n"
        return out
    frags = [",".join(_csv_cell(combo[c]) for c in tail_cols) for combo in outcome.combos]
    out += (",".join(_csv_cell(c) for c in columns(survey, questions)) + "\n").encode("utf-8")
    for start in range(0, len(keep), CHUNK):
        sl = keep[start:start + CHUNK]
        rendered = [[_csv_text(v) + "," for v in col[sl].tolist()] for col in columns_of]
        pre = ["".join(parts) for parts in zip(*rendered)] if rendered else [""] * len(sl)
        frag_of = [frags[k] for k in outcome.row_combo[sl].tolist()]
        out += "".join([f"{p}{r},{f}\n" for p, r, f in zip(pre, survey.rows[sl].tolist(), frag_of)]).encode("utf-8")
    return out


# ---------------------------------------------------------------- the command


class _Progress:
    """A percentage line on stderr, rewritten in place; only on a terminal."""

    def __init__(self, stream, rows: int):
        self.stream, self.rows, self.shown, self.last = stream, rows, False, -1

    def status(self, text: str) -> None:
        self.stream.write("\r\033[K" + text)
        self.stream.flush()
        self.shown = True

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_COMBOS and self.rows < PROGRESS_ROWS:
            return
        pct = 100 * done // max(total, 1)
        if pct != self.last:
            self.last = pct
            self.status(f"ranking {done}/{total} distinct answer combinations ({pct}%)")

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def _check_output(out: Path, src: Path) -> None:
    """Fail before the work: a folder, a missing folder, the survey itself (the rest: write_output)."""
    from advisor.files import check_output

    check_output(out)
    with contextlib.suppress(OSError):
        if out.exists() and out.samefile(src):
            raise BadInput(f"{out}: is the survey itself; write the results to another file")


def run(args: argparse.Namespace, ctx) -> int:
    from advisor.files import write_output

    err = sys.stderr
    tty = err.isatty()
    out = Path(args.output).expanduser()
    fmt = args.format or ("json" if out.suffix.lower() == ".json" else "csv")
    src = Path(args.file).expanduser()
    if args.output != "-":
        _check_output(out, src)
    questions = ctx.questions
    ctx.catalog  # a bad --as-of or knowledge folder fails before the survey is read

    progress = _Progress(err, 0) if tty else None
    try:
        if progress and src.is_file() and src.stat().st_size >= READING_BYTES:
            progress.status(f"reading {src}")
        survey = read_survey(args.file, questions.ids)
        if progress:
            progress.rows = len(survey.frame)
        outcome = evaluate(survey, ctx, progress, stop_on_invalid=not args.skip_invalid)
        if progress and len(survey.frame) >= PROGRESS_ROWS:
            progress.status(f"writing {out}")
        data = None
        valid = int((outcome.row_combo >= 0).sum())
        if (not outcome.errors or args.skip_invalid) and (valid or not len(survey.frame)):
            data = render(survey, questions, outcome, fmt)
    finally:
        if progress:
            progress.clear()

    for line in bounded_lines((f"row {row}: {message}" for row, message in outcome.errors), MAX_LISTED,
                              what="more invalid rows"):
        print(line, file=err)
    n_rows, n_bad = len(survey.frame), len(outcome.errors)
    if n_bad and not args.skip_invalid:
        raise BadInput(f"{survey.path}: {n_bad} of {n_rows} rows invalid (listed above; the header is row 1); "
                       "nothing written. Fix them, or pass --skip-invalid to write the valid rows")
    if not valid and n_rows:
        raise BadInput(f"{survey.path}: no valid rows; nothing written")

    write_output(args.output, data)  # the output policy: atomic file, FIFO/device written, `-` stdout
    _summary(err, survey, outcome, out, fmt, valid)
    return 0


def _summary(err, survey: Survey, outcome: Outcome, out: Path, fmt: str, valid: int) -> None:
    n_rows = len(survey.frame)
    parts = [f"{n_rows} row{'s' if n_rows != 1 else ''}"]
    if survey.empty_rows:
        parts.append(f"{survey.empty_rows} empty ignored")
    parts.append(f"{len(outcome.combos)} distinct answer combination{'s' if len(outcome.combos) != 1 else ''}")
    if outcome.errors:
        parts.append(f"{len(outcome.errors)} invalid skipped")
    print(f"advisor batch: {', '.join(parts)}; wrote {valid} to {out} ({fmt})", file=err)
    if outcome.pairs:
        top = ", ".join(f"{pair} ({count}, {100 * count / valid:.0f}%)" for pair, count in
                        sorted(outcome.pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
        print(f"most common pairs: {top}", file=err)
    unmet = sum(n for c, n in zip(outcome.combos, outcome.counts) if c["prototype"] is None)
    if unmet:
        print(f"{unmet} row{'s have' if unmet != 1 else ' has'} no workable pair (see the note column)", file=err)
