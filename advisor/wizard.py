"""The terminal wizard: ask the questions of prompts/questions.yaml, review, recommend.

A face: it asks and prints, the engine decides. questionary is called in exactly one place
(`_prompt`, with `unsafe_ask()`, so Ctrl-C reaches `cli.main` as KeyboardInterrupt and becomes
"Aborted." + exit 130). The heavy modules (the engine, scikit-learn, the knowledge) load in a
background thread while the person reads the first question, and the recommendation for the
answers on the review screen is computed while the person reads that screen.
"""

from __future__ import annotations

import argparse
import sys
import threading

from advisor.errors import AdvisorError, BadInput

NO_TERMINAL = ("wizard: no terminal to ask on; give answers with --answers FILE / --set KEY=VALUE, "
               "use --yes for defaults, or run `advisor recommend`")
INPUT_ENDED = ("wizard: the input ended before the wizard finished; give answers with --answers FILE / "
               "--set KEY=VALUE, use --yes for defaults, or run `advisor recommend`")
DONE = "\x00done"  # the review screen's "Looks good" (no question id can start with NUL)
STOP = "\x00stop"  # after "no workable recommendation": keep the answers anyway
NEED_QUESTION = {"target": "target", "os": "mobile_os", "language": "language", "hardware": "hardware", "task": "task"}
ANSWERS_DEFAULT_PATH = "advisor-answers.yaml"


# ---------------------------------------------------------------- the one place questionary is called


def _prompt(kind: str, message: str, on_shown=None, **kwargs):
    """Ask one questionary prompt (select, confirm, text). Ctrl-C propagates; EOF is a clear error.

    `on_shown()` is called once the prompt is on the screen (to start background work then).
    """
    import questionary

    question = getattr(questionary, kind)(message, **kwargs)
    if on_shown is not None:
        question.application.after_render += lambda app: on_shown()
    try:
        answer = question.unsafe_ask()
    except EOFError:
        raise BadInput(INPUT_ENDED) from None
    if answer is None:  # questionary returns None only when the prompt was cancelled
        raise KeyboardInterrupt
    return answer


def _has_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):  # closed or detached stdin
        return False


# ---------------------------------------------------------------- background work


class _Background:
    """Runs `func` in a daemon thread; `result()` waits for it and re-raises its error."""

    def __init__(self, func, *args):
        self._value = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(func, *args), daemon=True, name="advisor-preload")
        self._thread.start()

    def _run(self, func, *args):
        try:
            self._value = func(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread by result()
            self._error = exc

    def done(self) -> bool:
        return not self._thread.is_alive()

    def failed(self) -> AdvisorError | None:
        """The user-fixable error of a finished task (a broken knowledge folder, a bad --as-of)."""
        return self._error if self.done() and isinstance(self._error, AdvisorError) else None

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


class _Engine:
    """The catalog loading in the background, and recommendations computed ahead of need."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._ahead: dict[tuple, _Background] = {}

    def start(self) -> None:
        """Start loading (idempotent): called once the first question is on the screen."""
        self.ctx.prefetch()

    def check(self) -> None:
        """Fail as soon as the background loading found the knowledge or --as-of unusable."""
        self.ctx.check()

    def ahead(self, values: dict[str, str]) -> None:
        self.start()
        key = tuple(values.items())
        if key not in self._ahead:
            self._ahead = {key: _Background(self.ctx.recommend, dict(values))}

    def recommend(self, values: dict[str, str]):
        self.start()
        task = self._ahead.get(tuple(values.items()))
        return task.result() if task is not None else self.ctx.recommend(values)


# ---------------------------------------------------------------- answers


def _given(ctx, args: argparse.Namespace) -> dict[str, str]:
    """The answers from --answers FILE and --set KEY=VALUE (--set wins), validated."""
    return ctx.given_from(getattr(args, "answers", None), getattr(args, "sets", None) or [])


def _missing(ctx, given: dict[str, str]) -> list[str]:
    """The questions that apply to the given answers but have none."""
    answers = ctx.answers(given)
    return [q for q in answers.values if q not in answers.given]


def _complete(qs, values: dict[str, str], remembered: dict[str, str], ask, reask_conflicts: bool = False,
              displaced: dict[str, list[tuple[str, str]]] | None = None) -> dict[str, str]:
    """Every question that applies, in order: keep its answer, else `ask` it; drop those that do not apply.

    `remembered` holds earlier answers (given, or since dropped), offered as the default when asked.
    With `reask_conflicts`, an answer that an earlier one rules out (Python after a browser target)
    is asked again, with the default that fits; `displaced` records, per question, a stack of (the answer
    ruled out, the one given instead), so that when the change is undone (mobile -> browser -> mobile) the
    earlier answer (Kotlin) comes back instead of the one the detour forced (JavaScript).
    """
    displaced = {} if displaced is None else displaced
    out: dict[str, str] = {}
    for q in qs:
        if not q.applies(out):
            continue
        current = values.get(q.id)
        stack = displaced.get(q.id, [])
        while stack and current == stack[-1][1] and not any(
                c[0] == q.id for c in qs.conflicts({**out, q.id: stack[-1][0]})):
            current = stack.pop()[0]  # the detour is undone: the earlier answer fits again
        if current != values.get(q.id):
            out[q.id] = remembered[q.id] = current
            continue
        ruled_out = reask_conflicts and q.id in values and any(
            c[0] == q.id for c in qs.conflicts({**out, q.id: values[q.id]}))
        if q.id in values and not ruled_out:
            out[q.id] = values[q.id]
        else:
            out[q.id] = ask(q, q.default_for(out) if ruled_out else remembered.get(q.id, q.default_for(out)), out)
            remembered[q.id] = out[q.id]
            if ruled_out and out[q.id] != values[q.id]:
                displaced.setdefault(q.id, []).append((values[q.id], out[q.id]))
    return out


# ---------------------------------------------------------------- the prompts


def _choice(title: str, value: str, disabled: str | None = None):
    import questionary

    return questionary.Choice(title=title, value=value, disabled=disabled)


def _ask_question(q, default: str, on_shown=None, qs=None, context: dict[str, str] | None = None) -> str:
    """Ask one question; options that an earlier answer rules out are shown, disabled, with why."""
    ruled = {}
    if qs is not None and context:
        for o in q.options:
            for question, _answer, by, _allowed in qs.conflicts({**context, q.id: o.id}):
                if question == q.id:
                    ruled.setdefault(o.id, f"not with {by}")
    if default in ruled:
        default = q.default_for(context or {})
    choices = [_choice(o.label, o.id, ruled.get(o.id)) for o in q.options]
    return _prompt("select", q.text, on_shown=on_shown, choices=choices,
                   default=default, instruction=f"({q.help})" if q.help else None)


def _review(qs, values: dict[str, str], on_shown=None, relax: str | None = None) -> str:
    """The review screen: returns DONE, STOP or the id of the question to change. After "no workable
    recommendation", `relax` is the question whose answer to change, pre-selected, and STOP keeps the answers."""
    choices = [_choice("Looks good — recommend", DONE)]
    for qid, oid in values.items():  # in the question's own words, as it was asked
        q = qs.get(qid)
        choices.append(_choice(f"{q.text}  {q.option(oid).label}", qid))
    if relax is not None:
        choices.append(_choice("Stop here, without a recommendation", STOP))
    title = ("No workable pair: change an answer (the one to relax is selected)" if relax is not None
             else "Review your answers (choose one to change it)")
    return _prompt("select", title, on_shown=on_shown, choices=choices,
                   default=relax if relax in values else DONE, instruction="(Enter on an answer to change it)")


def _interview(qs, given: dict[str, str], engine: _Engine, relax: str | None = None,
               remembered: dict[str, str] | None = None,
               displaced: dict[str, list[tuple[str, str]]] | None = None) -> dict[str, str] | None:
    """Ask what is missing, then the review screen until the person says it looks good (None: they
    stopped at the review after "no workable recommendation")."""
    remembered = dict(given) if remembered is None else remembered
    displaced = {} if displaced is None else displaced

    def ask(q, default, context):
        engine.check()
        return _ask_question(q, default, on_shown=engine.start, qs=qs, context=context)

    values = _complete(qs, dict(given), remembered, ask)
    while True:
        engine.check()
        choice = _review(qs, values, on_shown=lambda: engine.ahead(values), relax=relax)  # compute while they read
        relax = None
        if choice == STOP:
            return None
        if choice == DONE:
            return values
        q = qs.get(choice)
        values = dict(values)
        earlier = {k: v for k, v in values.items() if qs.ids.index(k) < qs.ids.index(q.id)}
        values[q.id] = remembered[q.id] = _ask_question(q, values[q.id], qs=qs, context=earlier)
        displaced.pop(q.id, None)  # chosen here, on purpose: nothing to restore
        # re-walk: questions that now apply are asked, those that no longer apply are dropped,
        # an answer the change rules out is asked again, and one an earlier change displaced comes back
        values = _complete(qs, values, remembered, ask, reask_conflicts=True, displaced=displaced)


def _need_to_relax(rec) -> str | None:
    """The question whose answer the unmet recommendation says to change."""
    u = rec.unmet
    if u.conflict is not None:
        return u.conflict.question
    return NEED_QUESTION.get(u.relax[0].need) if u.relax else None


# ---------------------------------------------------------------- after the result


def answers_yaml(values: dict[str, str], as_of: str | None) -> str:
    """An answers file that `advisor recommend --answers FILE` and the wizard replay exactly."""
    import yaml

    replay = "advisor recommend --answers FILE" + (f" --as-of {as_of}" if as_of else "")
    head = f"# dl-advisor answers (question id: option id). Replay: {replay}\n"
    return head + yaml.safe_dump(dict(values), sort_keys=False, default_flow_style=False, allow_unicode=True)


def _path_problem(text: str) -> str | bool:
    """questionary validator: True, or the message shown at the prompt."""
    from pathlib import Path

    from advisor.files import output_problem

    if not text.strip():
        return "Give a file path"
    p = Path(text.strip()).expanduser()
    problem = output_problem(p)
    return f"{p}: {problem}" if problem else True


def _ask_path(message: str, default: str) -> str:
    from pathlib import Path

    while True:
        path = _prompt("text", message, default=default, validate=_path_problem).strip()
        if not Path(path).expanduser().exists() or _prompt("confirm", f"{path} exists; overwrite it?", default=False):
            return path
        default = path


REPORT_FORMATS = (("markdown", "Markdown", ".md"), ("html", "HTML", ".html"), ("json", "JSON", ".json"))


def _offer_report(rec) -> None:
    from advisor.report import write_report

    if not rec.ok:
        return
    if not _prompt("confirm", "Write a justification report?", default=False):
        return
    fmt = _prompt("select", "Report format", choices=[_choice(label, fid) for fid, label, _ in REPORT_FORMATS],
                  default="markdown")
    ext = next(e for fid, _, e in REPORT_FORMATS if fid == fmt)
    path = _ask_path("Write the report to", f"advisor-report{ext}")
    fmt, path = _format_agrees(fmt, path)
    written = write_report(rec, path, fmt, None)
    print(f"Report written to {written}")


def _format_agrees(fmt: str, path: str) -> tuple[str, str]:
    """The format and the file's extension agree, or the person says which wins (HTML in report.md is asked)."""
    from pathlib import Path

    from advisor.report import EXTENSIONS

    labels = {fid: label for fid, label, _ in REPORT_FORMATS}
    while True:
        suffix = Path(path).suffix.lower()
        implied = EXTENSIONS.get(suffix)
        if implied is None or implied == fmt:
            if implied is None:  # no known extension: add the format's own
                ext = next(e for fid, _, e in REPORT_FORMATS if fid == fmt)
                choice = _prompt("select", f"{path} has no {labels[fmt]} extension", default="add", choices=[
                    _choice(f"Write {path}{ext}", "add"), _choice(f"Write {path} as it is ({labels[fmt]})", "keep")])
                if choice == "add":
                    path = _ask_path("Write the report to", path + ext)
                    continue
            return fmt, path
        choice = _prompt("select", f"{path} ends in {suffix}, but the format chosen is {labels[fmt]}", default="ext",
                         choices=[_choice(f"Write {labels[implied]}, as {suffix} says", "ext"),
                                  _choice(f"Write {labels[fmt]} to another path", "path")])
        if choice == "ext":
            return implied, path
        ext = next(e for fid, _, e in REPORT_FORMATS if fid == fmt)
        path = _ask_path("Write the report to", str(Path(path).with_suffix(ext)))


def _offer_save(values: dict[str, str], as_of: str | None) -> None:
    from advisor.files import write_output

    if not _prompt("confirm", "Save these answers to a file (to replay with `advisor recommend --answers`)?",
                   default=False):
        return
    path = _ask_path("Save the answers to", ANSWERS_DEFAULT_PATH)
    written = write_output(path, answers_yaml(values, as_of))
    print(f"Answers saved to {written}; replay with: advisor recommend --answers {written}")


# ---------------------------------------------------------------- the command


def run(args: argparse.Namespace, ctx) -> int:
    from advisor.dates import parse_date
    from advisor.output import emit

    qs = ctx.questions
    given = _given(ctx, args)
    as_of = getattr(args, "as_of", None)
    if as_of is not None:
        try:
            parse_date(as_of, month_end=True)
        except ValueError as exc:
            raise BadInput(f"--as-of: {exc}") from None
        ctx.check_date()  # a date the knowledge cannot recommend at fails now, not after the questions
    save_to = getattr(args, "save_answers", None)
    if save_to is not None and _path_problem(save_to) is not True:  # fail now, not after the questions
        raise BadInput(f"--save-answers {save_to}: {_path_problem(save_to)}")
    yes = bool(getattr(args, "yes", False))
    terminal = _has_terminal()
    if not terminal and not yes and _missing(ctx, given):
        raise BadInput(NO_TERMINAL)

    interactive = terminal and not yes
    if interactive:
        import questionary  # noqa: F401  (before the engine: the first question comes first)

        engine = _Engine(ctx)
        remembered, displaced = dict(given), {}
        values = _interview(qs, given, engine, remembered=remembered, displaced=displaced)
        rec = engine.recommend(values)
        while not rec.ok:  # no dead end: show why, then back to the review with the need to relax selected
            from advisor import present

            emit("\n" + present.text(rec) + "\n")
            changed = _interview(qs, values, engine, relax=_need_to_relax(rec), remembered=remembered,
                                 displaced=displaced)
            if changed is None:
                break
            values, rec = changed, engine.recommend(changed)
    else:
        values = ctx.answers(given).values
        rec = ctx.recommend(values)

    from advisor import present

    if rec.ok or not interactive:
        emit(("\n" if interactive else "") + present.text(rec))
    if save_to is not None:
        from advisor.files import write_output

        written = write_output(save_to, answers_yaml(values, as_of))
        print(f"Answers saved to {written}", file=sys.stderr)
    if interactive:
        print()
        _offer_report(rec)
        if save_to is None:
            _offer_save(values, as_of)
    return rec.exit_code
