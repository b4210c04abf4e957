"""`advisor chat`: describe your needs in plain language; get the wizard's recommendation.

A face: it understands messages (advisor.understand), keeps the same state as the wizard (a
mapping of question id to option id, resolved with advisor.answers.resolve) and asks the one
engine (advisor.engine.recommend) for every recommendation. It never computes a score.

With a terminal it prompts; with piped stdin it reads one message per line and echoes no
prompts. `--format json` prints one JSON object per reply and a final one when the
conversation ends, so the last line is always the state: answers, and once they suffice the
prototype and the deployment.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field

from advisor import present, report
from advisor.conversation import Conversation
from advisor.errors import AdvisorError
from advisor.understand import LIMIT, Phrasebook, Understander, clean, find_subject, load_phrasebook

READ_CHUNK = 1 << 16


@dataclass
class Reply:
    text: str
    understood: dict = field(default_factory=dict)
    end: bool = False


class Session:
    """One conversation: understanding messages, the command table, replies through the presenter."""

    def __init__(self, ctx, book: Phrasebook):
        self.ctx, self.book = ctx, book
        self.qs = ctx.questions
        self.u = Understander(self.qs, book)
        self.talk = Conversation(ctx, tuple(book.needed))
        self.can_confirm = False  # a person at a terminal can answer "replace it?"; piped input cannot
        self.confirming: str | None = None  # a report path waiting for "yes" to replace an existing file
        self._message = ""  # the message being handled, as typed
        self._overridden: set[tuple[str, str]] = set()  # answers the chat replaced once (not again)
        self.commands = {
            "quit": self._quit, "start_over": self._start_over, "help": lambda g: Reply(self.say("help")),
            "undo": self._undo, "skip": self._skip, "questions": lambda g: Reply(self._questions()),
            "answers": lambda g: Reply(self._answers()), "report": self._report_command,
            "details": self._details, "compare": self._compare, "why_not": self._why_not, "why_vs": self._why_vs,
            "why": lambda g: Reply(self._why()),
        }

    @property
    def catalog(self):
        return self.ctx.catalog

    # the conversation's state, for the faces and the tests
    def applicable(self) -> dict[str, str]:
        return self.talk.applicable()

    def missing(self) -> list[str]:
        return self.talk.missing()

    def assumed(self) -> dict[str, str]:
        return self.talk.assumed()

    def recommendation(self):
        return self.talk.recommendation()

    def state(self) -> dict:
        return self.talk.state()

    @property
    def transcript(self) -> list[dict]:
        return self.talk.transcript

    # ------------------------------------------------------------ words

    def say(self, key: str, **values) -> str:
        return self.book.replies[key].format(**values)  # our template; values are only inserted

    def _option(self, qid: str, oid: str) -> str:
        return self.qs.get(qid).option(oid).label

    def _ask(self, qid: str) -> str:
        q = self.qs.get(qid)
        options = ", ".join(f"{o.id}: {o.label}" if o.id != o.label else o.id for o in q.options)
        oid = self.talk.default_for(qid)
        return self.say("ask", text=q.text, options=options) + "\n" + self.say("ask_hint", default=f"{oid}: {self._option(qid, oid)}")

    # ------------------------------------------------------------ one message

    def handle(self, raw: str) -> Reply | None:
        text, truncated = clean(raw)
        if not text:
            return None
        reply = self._handle(text)
        if truncated:
            reply.text = self.say("truncated", limit=f"{LIMIT:,}") + "\n" + reply.text
        self.talk.transcript.append({"role": "you", "text": text})
        self.talk.transcript.append({"role": "advisor", "text": reply.text})
        return reply

    def _handle(self, text: str) -> Reply:
        self._message = text
        if self.confirming is not None:  # the answer to "replace it?"
            where, self.confirming = self.confirming, None
            if _YES.match(text):
                return Reply(self._report(where, force=True))
            if _NO.match(text):
                return Reply(self.say("report_kept", path=where))
        cmd = self.u.command(text)
        name, groups = cmd if cmd else (None, {})
        handler = self.commands.get(name)
        if handler is not None:
            reply = handler(groups)
            if reply is not None:
                return reply
        return self._understand(text, asked_for_pick=name == "recommend")

    # ------------------------------------------------------------ commands

    def _quit(self, groups) -> Reply:
        return Reply(self.say("bye"), end=True)

    def _start_over(self, groups) -> Reply:
        self.talk.reset()
        return Reply(self.say("started_over") + "\n" + self._next())

    def _skip(self, groups) -> Reply | None:
        if not self.talk.pending:
            return None
        q = self.qs.get(self.talk.pending)
        oid = self.talk.default_for(q.id)
        self.talk.change({q.id: oid})
        return Reply(self.say("defaults_taken", question=q.id, option=f"{oid} ({self._option(q.id, oid)})")
                     + "\n" + self._next(), {q.id: oid})

    def _details(self, groups) -> Reply:
        rec = self.recommendation()
        if rec is None:
            return Reply(self._next())
        return Reply(present.text(rec).rstrip("\n"))

    def _compare(self, groups) -> Reply:
        subjects = self.catalog.subjects
        a, b = find_subject(groups.get("a", ""), subjects, self.book), find_subject(groups.get("b", ""), subjects, self.book)
        if a is None or b is None:
            return Reply(self._unknown(groups.get("b", "") if a is not None else groups.get("a", "")))
        rec, note = self._rec_or_provisional()
        return Reply(note + present.chat_compare(rec, a, b))

    def _why_not(self, groups) -> Reply:
        about = groups.get("a", "")
        s = find_subject(about, self.catalog.subjects, self.book)
        if s is not None:
            rec, note = self._rec_or_provisional()
            return Reply(note + present.chat_why_not(rec, s))
        # "what about the browser?" is a change of answer; "why not Foo?" names something unknown
        u = self.u.understand(about)
        if not any(how in ("synonym", "hint") for how in u.how.values()):
            return Reply(self._unknown(about))
        return self._understand(about)

    def _why_vs(self, groups) -> Reply | None:
        subjects = self.catalog.subjects
        a, b = find_subject(groups.get("a", ""), subjects, self.book), find_subject(groups.get("b", ""), subjects, self.book)
        if a is None or b is None:
            return None  # not two names: the plain "why"
        rec, note = self._rec_or_provisional()
        return Reply(note + present.chat_why_vs(rec, a, b))

    def _rec_or_provisional(self):
        """The recommendation, or before all answers are in, one on the answers so far and the
        defaults for the rest, with a line saying which were assumed."""
        rec = self.recommendation()
        if rec is not None:
            return rec, ""
        rec = self.talk.recommendation(provisional=True)
        assumed = self.talk.assumed()
        given = ", ".join(f"{q}={o}" for q, o in self.applicable().items()) or "none"
        return rec, self.say("provisional", given=given,
                             assumed=", ".join(f"{q}={o}" for q, o in assumed.items()) or "none") + "\n"

    def _undo(self, groups) -> Reply:
        if not self.talk.undo():
            return Reply(self.say("nothing_to_undo"))
        items = ", ".join(f"{q}={o}" for q, o in self.applicable().items()) or "no answers"
        return Reply(self.say("undone", items=items) + "\n" + self._next())

    # ------------------------------------------------------------ answers

    def _understand(self, text: str, asked_for_pick: bool = False) -> Reply:
        u = self.u.understand(text, pending=self.talk.pending)
        lines, steps = [], len(self.talk.history)
        given = self.talk.given
        said = {q for q in given if q not in self.talk.assumptions}
        hinted = {q: o for q, o in u.assumed.items() if q not in said}  # a hint never overrides the person
        if u.answers:
            shown = {q: o for q, o in u.answers.items() if u.how[q] != "implied" or given.get(q) != o}
            items = ", ".join(f"{q}={o} ({_short(u.evidence[q])})" for q, o in shown.items())
            lines.append(self.say("understood", items=items))
        if hinted:
            items = ", ".join(f"{q}={o} ({_short(u.evidence[q])})" for q, o in hinted.items())
            lines.append(self.say("hinted", items=items))
        new = {q: o for q, o in u.answers.items() if given.get(q) != o}
        new_hints = {q: o for q, o in hinted.items() if given.get(q) != o}
        if new or new_hints:
            self.talk.change(new, new_hints)
        elif (u.answers or hinted) and not u.named:
            lines.append(self.say("nothing_changed"))
        doubted = {q: o for q, o in u.doubted.items() if q not in said}
        if doubted:  # read by the words, doubted by the second reading: the person says
            items = ", ".join(f"{q}={o} ({_short(u.evidence[q])})" for q, o in doubted.items())
            lines.append(self.say("doubted", items=items))
        if not u.answers and not hinted and not asked_for_pick and not u.named and not doubted:
            lines.append(self.say("nothing_understood"))
        if u.answers or hinted or u.named:
            lines += self._settle(u)
        del self.talk.history[steps + 1:]  # one message, one step of undo
        lines.append(self._next())
        return Reply("\n".join(x for x in lines if x), {**hinted, **u.answers})

    # ------------------------------------------------------------ asking less

    def _place(self, values: dict[str, str]) -> str:
        for q, o, words in self.book.places:
            if values.get(q) == o:
                return words
        return "the application"

    def _settle(self, u) -> list[str]:
        """Resolve what an expert would not ask about, and say so in one line each: options named for
        different platforms, a language that cannot run where the model runs (Python is for training),
        and needed answers nobody states (sector: industry unless academic words say otherwise)."""
        lines = []
        have = self.applicable()
        for qid, named in u.named.items():
            if qid in u.answers or qid in have:
                continue
            option = self.talk.default_for(qid)
            option = option if option in named else named[0]
            self.talk.change({}, {qid: option})
            names = " and ".join(self._option(qid, o) for o in named)
            lines.append(self.say("split_resolved", named=names, why="one for each platform",
                                  option=self._option(qid, option)))
        dropped = set()
        for qid, value, by, allowed in self.qs.conflicts(self.applicable()):
            if qid in dropped or qid not in self.talk.assumptions or by.partition("=")[0] in self.talk.assumptions:
                continue  # only an assumption of the chat gives way to what the person said
            dropped.add(qid)
            rest = {q: o for q, o in self.applicable().items() if q != qid}
            option = self.qs.get(qid).default_for(rest)
            option = option if option in allowed else allowed[0]
            self.talk.change({}, {qid: option})
            lines.append(self.say("assumption_dropped", assumed=f"{qid}={value}", by=by, option=f"{qid}={option}"))
        for qid, value, _, allowed in self.qs.conflicts(self.applicable()):
            if qid != "language" or (qid, value) in self._overridden:
                continue
            rest = {q: o for q, o in self.applicable().items() if q != qid}
            option = self.qs.get(qid).default_for(rest)
            if option not in allowed:
                continue
            self._overridden.add((qid, value))
            self.talk.change({}, {qid: option})
            lines.append(self.say("conflict_resolved", named=self._option(qid, value), place=self._place(rest),
                                  option=self._option(qid, option)))
        for qid, spec in self.book.assume.items():
            if qid not in self.missing():
                continue
            values = self.talk.resolved().values
            option = spec["option"]
            if option is None:  # the option the other answers lead to, when a rule leads to one
                q = self.qs.get(qid)
                option = q.default_for(values)
                if option == q.default:
                    continue
            reason = spec["reason"].format(place=self._place(values))
            self.talk.change({}, {qid: option})
            lines.append(self.say("assumed_answer", question=qid, option=option, reason=reason))
        return lines

    def _next(self) -> str:
        """The next question, or the recommendation (or what changed in it)."""
        missing = self.missing()
        if missing:
            self.talk.pending = missing[0]
            return self._ask(missing[0])
        self.talk.pending = None
        rec = self.recommendation()
        previous, self.talk.shown = self.talk.shown, rec
        if previous is None:
            return self.say("ready_intro") + "\n" + self._summary(rec)
        if previous is rec:
            return self._summary(rec)
        return "\n".join([*present.chat_difference(previous, rec), "Say \"undo\" to go back."])

    # ------------------------------------------------------------ the recommendation, in words

    def _summary(self, rec) -> str:
        lines = present.chat_headline(rec)
        assumed = self.assumed()
        if assumed:
            lines.append(self.say("assumed", items=", ".join(f"{q}={o}" for q, o in assumed.items())))
        lines += ["! " + w for w in present.warnings(rec)]
        lines.append(self.say("follow_up_hint"))
        return "\n".join(lines)

    def _not_yet(self) -> str:
        return self.say("not_ready", items=", ".join(self.missing())) + "\n" + self._next()

    def _why(self) -> str:
        rec = self.recommendation()
        if rec is None:
            if self.talk.pending:
                q = self.qs.get(self.talk.pending)
                return f"I ask \"{q.text}\" because: {q.help}\n" + self._ask(q.id)
            return self._not_yet()
        return present.chat_why(rec)

    def _unknown(self, name: str) -> str:
        known = ", ".join(sorted(self.catalog.subjects))
        return self.say("unknown_name", name=_short(name, 40), as_of=self.catalog.as_of, known=known)

    # ------------------------------------------------------------ listings and the report

    def _questions(self) -> str:
        have = self.applicable()
        values = self.talk.resolved(have).values
        lines = []
        for q in self.qs:
            now = f"[{have[q.id]}]" if q.id in have else (f"[{values[q.id]} by default]" if q.id in values else "[does not apply]")
            lines.append(f"{q.id}: {q.text} {now}")
            lines.append("    " + ", ".join(o.id for o in q.options))
        return "\n".join(lines)

    def _answers(self) -> str:
        have, assumed, missing = self.applicable(), self.assumed(), self.missing()
        lines = ["Your answers: " + (", ".join(f"{q}={o} ({self._option(q, o)})" for q, o in have.items()) or "none yet") + "."]
        if missing:
            lines.append(self.say("not_ready", items=", ".join(missing)))
        elif assumed:
            lines.append(self.say("assumed", items=", ".join(f"{q}={o}" for q, o in assumed.items())))
        return "\n".join(lines)

    def _report_command(self, groups) -> Reply:
        from advisor.files import typed_path

        where, force = typed_path(self._message)  # the path exactly as typed, not the lower-cased one
        return Reply(self._report(where, force))

    def _report(self, where: str | None, force: bool = False) -> str:
        from advisor.files import Exists
        from advisor.safe_text import one_line

        rec = self.recommendation()
        if rec is None:
            return self._not_yet()
        if not where:
            return self.say("report_needs_path")
        if where.lower() in ("html", "markdown", "md", "json"):
            where = f"report.{'md' if where.lower() == 'markdown' else where.lower()}"
        try:
            written = report.write_report(rec, where, None, None, {"chat": list(self.transcript)}, overwrite=force)
        except Exists:
            if self.can_confirm:
                self.confirming = where
                return self.say("report_exists_ask", path=one_line(where, 160))
            return self.say("report_exists", path=one_line(where, 160))
        except AdvisorError as exc:  # a reply, not an exit: the conversation goes on
            return f"Could not write the report: {one_line(exc, 400)}"
        return self.say("report_written", path=one_line(written, 160))


_YES = re.compile(r"^\s*(y|yes|yes please|ok|okay|sure|replace( it)?|overwrite( it)?|--force)[.! ]*$", re.IGNORECASE)
_NO = re.compile(r"^\s*(n|no|nope|keep( it)?|don't|do not|cancel)[.! ]*$", re.IGNORECASE)


def _short(text: str, n: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------- input and output


def _lines(stream):
    """Messages from a byte stream, one per line, decoded leniently; a very long line is cut
    (the rest of it skipped without being held in memory) and marked by one extra character."""
    cap = LIMIT * 4 + 1
    while True:
        chunk = stream.readline(cap)
        if not chunk:
            return
        if len(chunk) >= cap and not chunk.endswith(b"\n"):
            while True:  # skip the rest of this line
                rest = stream.readline(READ_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
        text = chunk.decode("utf-8", errors="replace").rstrip("\r\n")
        yield text


def _text_lines(stream):
    for line in stream:
        yield line.rstrip("\r\n")


def _terminal_lines(prompt: str):
    while True:
        try:
            yield input(prompt)
        except EOFError:
            return


def run(args: argparse.Namespace, ctx) -> int:
    ctx.catalog  # fail early on a bad --as-of or knowledge folder
    session = Session(ctx, load_phrasebook())
    as_json = getattr(args, "format", "text") == "json"
    interactive = sys.stdin is not None and sys.stdin.isatty()
    session.can_confirm = interactive
    if interactive:
        session.u.warm_up()
    out = sys.stdout

    def emit_reply(message: str | None, reply: Reply, event: str = "reply") -> None:
        if as_json:
            record = {"event": event, "message": message, "reply": reply.text, "understood": reply.understood,
                      **session.state()}
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
        else:
            out.write(reply.text + "\n" + ("" if interactive else "\n"))
        out.flush()

    if interactive and not as_json:
        out.write(session.say("greeting") + "\n")
        out.flush()
    if interactive:
        source = _terminal_lines("you> ")
    elif hasattr(sys.stdin, "buffer"):
        source = _lines(sys.stdin.buffer)
    else:
        source = _text_lines(sys.stdin)
    ended = False
    for raw in source:
        reply = session.handle(raw)
        if reply is None:
            continue
        if reply.end:
            ended = True
            if as_json:
                emit_reply(clean(raw)[0], reply, "end")
            else:
                emit_reply(None, reply)
            break
        emit_reply(clean(raw)[0], reply)
    if not ended:
        if as_json:
            emit_reply(None, Reply(session.say("bye")), "end")
        elif interactive:
            out.write(session.say("bye") + "\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    """`python -m advisor.chat --measure FILE`: the share of a phrasing set's answers understood."""
    from advisor.cli import guarded
    from advisor.understand import measure

    parser = argparse.ArgumentParser(prog="python -m advisor.chat", description=main.__doc__)
    parser.add_argument("--measure", metavar="FILE", required=True, help="a YAML file of phrasings and expected answers")
    parser.add_argument("--misses", action="store_true", help="list what was not understood")
    parser.add_argument("--words-only", action="store_true",
                        help="the phrasebook's words alone, without the second reading's doubts")
    args = parser.parse_args(argv)

    def run() -> int:
        from advisor.second_reading import learns_from

        r = measure(args.measure, doubt=not args.words_only)
        if not args.words_only and learns_from(args.measure):
            print("note: the second reading learns from this very set, so these figures are of its training data")
        print(f"chat understanding: {r['share']:.1%} of {r['answers']} answers in {r['phrasings']} phrasings; "
              f"contradictions: {r['contradictions']} ({r['per_100']:.1f} per 100 expected answers) = "
              f"{r['wrong']} wrong + {r['extra']} filled that the item does not expect")
        print(f"  of the right answers, {r['assumed_right']} were assumed aloud (words that only suggest them, or a tie); "
              f"{r['assumed_extra']} more were assumed aloud that the item does not expect "
              f"(counting those as contradictions too: {r['per_100_all']:.1f} per 100)")
        for batch, b in sorted(r.get("batches", {}).items()):
            print(f"  batch {batch}: {b['share']:.1%} of {b['answers']} answers")
        if args.misses:
            for m in r["misses"]:
                print(f"  missed {m['question']}={m['expected']} (got {m['got']}) in: {m['text']}")
            for m in r["extras"]:
                how = "assumed" if m["assumed"] else "stated"
                print(f"  not expected {m['question']}={m['got']} ({how}) in: {m['text']}")
        return 0

    return guarded(run)


if __name__ == "__main__":
    sys.exit(main())
