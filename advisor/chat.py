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

from advisor import answers as answers_mod
from advisor.errors import AdvisorError
from advisor.understand import LIMIT, Phrasebook, Understander, clean, find_subject, load_phrasebook

READ_CHUNK = 1 << 16


@dataclass
class Reply:
    text: str
    understood: dict = field(default_factory=dict)
    end: bool = False


class Session:
    """One conversation: the answers given so far, the question pending, the transcript."""

    def __init__(self, questions, catalog, book: Phrasebook):
        self.qs, self.catalog, self.book = questions, catalog, book
        self.u = Understander(questions, book)
        self.given: dict[str, str] = {}
        self.history: list[dict[str, str]] = []
        self.pending: str | None = None
        self.transcript: list[dict] = []
        self.shown: dict | None = None  # the last recommendation shown, for differences
        self._cache: tuple[tuple, dict] | None = None
        self.can_confirm = False  # a person at a terminal can answer "replace it?"; piped input cannot
        self.confirming: str | None = None  # a report path waiting for "yes" to replace an existing file

    # ------------------------------------------------------------ state (shared with the wizard)

    def applicable(self) -> dict[str, str]:
        """The given answers to questions that apply (mobile_os only when the target is mobile)."""
        resolved = answers_mod.resolve(self.qs, self.given)
        return {q: self.given[q] for q in self.qs.ids if q in resolved.given}

    def missing(self) -> list[str]:
        values = answers_mod.resolve(self.qs, self.given).values
        have = self.applicable()
        return [q for q in self.book.needed if q in values and q not in have]

    def assumed(self) -> dict[str, str]:
        resolved = answers_mod.resolve(self.qs, self.applicable())
        return {q: v for q, v in resolved.values.items() if q not in resolved.given}

    def recommendation(self) -> dict | None:
        """The engine's recommendation for the current answers, once the needed ones are given."""
        if self.missing():
            return None
        from advisor.engine import recommend

        values = self.applicable()
        key = tuple(sorted(values.items()))
        if self._cache is None or self._cache[0] != key:
            rec = recommend(answers_mod.resolve(self.qs, values), self.qs, self.catalog).to_json()
            self._cache = (key, rec)
        return self._cache[1]

    def state(self) -> dict:
        rec = self.recommendation()
        out = {"answers": self.applicable(), "assumed": self.assumed() if rec else {}, "missing": self.missing(),
               "ready": rec is not None, "prototype": None, "deployment": None, "bridge": None}
        if rec is not None:
            out["as_of"] = rec["as_of"]
            for side in ("prototype", "deployment"):
                if rec[side] is not None:
                    out[side] = {"id": rec[side]["id"], "name": rec[side]["name"], "score": rec[side]["score"]}
            if rec["bridge"] is not None:
                b = rec["bridge"]
                out["bridge"] = {"format": b["format"], "kind": b["kind"], "exporter": b["exporter"], "importer": b["importer"]}
            if rec["unmet"] is not None:
                out["unmet"] = rec["unmet"]["message"]
        return out

    # ------------------------------------------------------------ words

    def say(self, key: str, **values) -> str:
        return self.book.replies[key].format(**values)  # our template; values are only inserted

    def _option(self, qid: str, oid: str) -> str:
        return self.qs.get(qid).option(oid).label

    def _ask(self, qid: str) -> str:
        q = self.qs.get(qid)
        options = ", ".join(f"{o.id}: {o.label}" if o.id != o.label else o.id for o in q.options)
        oid = q.default_for(answers_mod.resolve(self.qs, self.given).values)
        return self.say("ask", text=q.text, options=options) + "\n" + self.say("ask_hint", default=f"{oid}: {self._option(qid, oid)}")

    # ------------------------------------------------------------ one message

    def handle(self, raw: str) -> Reply | None:
        text, truncated = clean(raw)
        if not text:
            return None
        reply = self._handle(text)
        if truncated:
            reply.text = self.say("truncated", limit=f"{LIMIT:,}") + "\n" + reply.text
        self.transcript.append({"role": "you", "text": text})
        self.transcript.append({"role": "advisor", "text": reply.text})
        return reply

    def _handle(self, text: str) -> Reply:
        if self.confirming is not None:  # the answer to "replace it?"
            where, self.confirming = self.confirming, None
            if _YES.match(text):
                return Reply(self._report(where, force=True))
            if _NO.match(text):
                return Reply(self.say("report_kept", path=where))
        cmd = self.u.command(text)
        name, groups = cmd if cmd else (None, {})
        if name == "quit":
            return Reply(self.say("bye"), end=True)
        if name == "start_over":
            self.given, self.history, self.pending, self.shown, self._cache = {}, [], None, None, None
            return Reply(self.say("started_over") + "\n" + self._next())
        if name == "help":
            return Reply(self.say("help"))
        if name == "undo":
            return self._undo()
        if name == "skip" and self.pending:
            q = self.qs.get(self.pending)
            oid = q.default_for(answers_mod.resolve(self.qs, self.given).values)
            self._change({q.id: oid})
            return Reply(self.say("defaults_taken", question=q.id, option=f"{oid} ({self._option(q.id, oid)})")
                         + "\n" + self._next(), {q.id: oid})
        if name == "questions":
            return Reply(self._questions())
        if name == "answers":
            return Reply(self._answers())
        if name == "report":
            from advisor.files import typed_path

            where, force = typed_path(text)  # from the message as typed, not the lower-cased one
            return Reply(self._report(where, force))
        if name == "details":
            rec = self.recommendation()
            if rec is None:
                return Reply(self._next())
            from advisor.render import recommendation_text

            return Reply(recommendation_text(rec).rstrip("\n"))
        if name == "compare":
            subjects = self.catalog.subjects
            a, b = find_subject(groups.get("a", ""), subjects, self.book), find_subject(groups.get("b", ""), subjects, self.book)
            if a is not None and b is not None:
                return Reply(self._compare(a, b))
            unknown = groups.get("b", "") if a is not None else groups.get("a", "")
            return Reply(self._unknown(unknown))
        if name == "why_not":
            s = find_subject(groups.get("a", ""), self.catalog.subjects, self.book)
            if s is not None:
                return Reply(self._why_not(s))
            # "what about the browser?" is a change of answer; "why not Foo?" names something unknown
            about = groups.get("a", "")
            u = self.u.understand(about)
            if not any(how == "synonym" for how in u.how.values()):
                return Reply(self._unknown(about))
            return self._understand(about)
        if name == "why":
            return Reply(self._why())
        return self._understand(text, asked_for_pick=name == "recommend")

    # ------------------------------------------------------------ answers

    def _change(self, values: dict[str, str]) -> dict[str, tuple[str | None, str]]:
        before = self.applicable()
        self.history.append(dict(self.given))
        self.given.update(values)
        after = self.applicable()
        return {q: (before.get(q), after[q]) for q in after if before.get(q) != after[q]}

    def _understand(self, text: str, asked_for_pick: bool = False) -> Reply:
        u = self.u.understand(text, pending=self.pending)
        lines = []
        shown = {q: o for q, o in u.answers.items() if u.how[q] != "implied" or self.given.get(q) != o}
        if u.answers:
            items = ", ".join(f"{q}={o} ({_short(u.evidence[q])})" for q, o in shown.items())
            lines.append(self.say("understood", items=items))
            new = {q: o for q, o in u.answers.items() if self.given.get(q) != o}
            if new:
                self._change(new)
            else:
                lines.append(self.say("nothing_changed"))
        elif not asked_for_pick:
            lines.append(self.say("nothing_understood"))
        lines.append(self._next())
        return Reply("\n".join(x for x in lines if x), dict(u.answers))

    def _next(self) -> str:
        """The next question, or the recommendation (or what changed in it)."""
        missing = self.missing()
        if missing:
            self.pending = missing[0]
            return self._ask(missing[0])
        self.pending = None
        rec = self.recommendation()
        previous, self.shown = self.shown, rec
        if previous is None:
            return self.say("ready_intro") + "\n" + self._summary(rec)
        if previous is rec:
            return self._summary(rec)
        return self._difference(previous, rec)

    def _undo(self) -> Reply:
        if not self.history:
            return Reply(self.say("nothing_to_undo"))
        self.given = self.history.pop()
        items = ", ".join(f"{q}={o}" for q, o in self.applicable().items()) or "no answers"
        return Reply(self.say("undone", items=items) + "\n" + self._next())

    # ------------------------------------------------------------ the recommendation, in words

    def _summary(self, rec: dict) -> str:
        lines = []
        if rec["prototype"] is None:
            lines.append("No workable recommendation: " + rec["unmet"]["message"])
        else:
            p, d, b = rec["prototype"], rec["deployment"], rec["bridge"]
            lines.append(f"Prototype in {p['name']} ({p['score']:.1f}/100), deploy with {d['name']} "
                         f"({d['score']:.1f}/100) {_via(b)}.   as of {rec['as_of']}")
            rb = rec.get("robustness") or {}
            if rb:
                lines.append(f"How firm: {rb['firmness']} (stays first in {rb['stays_first']:.0%} of {rb['samples']} "
                             "runs with jittered weights).")
        assumed = self.assumed()
        if assumed:
            lines.append(self.say("assumed", items=", ".join(f"{q}={o}" for q, o in assumed.items())))
        for w in rec["warnings"]:
            lines.append("! " + w)
        lines.append(self.say("follow_up_hint"))
        return "\n".join(lines)

    def _difference(self, old: dict, new: dict) -> str:
        lines = []
        changed = [f"{q} {old['answers'].get(q, '-')} -> {v}" for q, v in new["answers"].items() if old["answers"].get(q) != v]
        if changed:
            lines.append("Changed: " + ", ".join(changed) + ".")
        for side, role in (("prototype", "Prototype"), ("deployment", "Deployment")):
            a, b = old[side], new[side]
            if a is None and b is None:
                continue
            name_a, name_b = (a or {}).get("name", "none"), (b or {}).get("name", "none")
            if name_a == name_b and b is not None:
                lines.append(f"{role}: {name_b} (unchanged; score {a['score']:.1f} -> {b['score']:.1f}).")
            else:
                score = f" ({b['score']:.1f}/100)" if b else ""
                lines.append(f"{role}: {name_a} -> {name_b}{score}.")
        if new["prototype"] is None:
            lines.append("No workable recommendation: " + new["unmet"]["message"])
        elif old["bridge"] is None or _via(old["bridge"]) != _via(new["bridge"]):
            lines.append(f"Bridge: {_via(new['bridge'])}.")
        for w in new["warnings"]:
            if w not in old["warnings"]:
                lines.append("! " + w)
        lines.append("Say \"undo\" to go back.")
        return "\n".join(lines)

    def _not_yet(self) -> str:
        return self.say("not_ready", items=", ".join(self.missing())) + "\n" + self._next()

    def _why(self) -> str:
        rec = self.recommendation()
        if rec is None:
            if self.pending:
                q = self.qs.get(self.pending)
                return f"I ask \"{q.text}\" because: {q.help}\n" + self._ask(q.id)
            return self._not_yet()
        if rec["prototype"] is None:
            return "No workable recommendation: " + rec["unmet"]["message"]
        p, d, b = rec["prototype"], rec["deployment"], rec["bridge"]
        lines = [f"{p['name']} for prototyping (score {p['score']:.1f}/100):"]
        lines += [f"  - {r}" for r in p["reasons"]]
        lines.append(f"{d['name']} for deployment (score {d['score']:.1f}/100):")
        lines += [f"  - {r}" for r in d["reasons"]]
        needs = ", ".join(f"{k}={'+'.join(v) if isinstance(v, list) else v}" for k, v in rec["needs"].items() if v)
        if needs:
            lines.append(f"It meets your hard needs: {needs}.")
        lines.append(f"Bridge: {b['exporter']} -> {b['importer']} ({b['maturity']}).")
        lines.append(rec["showdown_route"]["explanation"])
        return "\n".join(lines)

    def _unknown(self, name: str) -> str:
        known = ", ".join(sorted(self.catalog.subjects))
        return self.say("unknown_name", name=_short(name, 40), as_of=self.catalog.as_of, known=known)

    def _why_not(self, s) -> str:
        rec = self.recommendation()
        if rec is None:
            return self._not_yet()
        from advisor.engine import meets
        from advisor.weights import Needs

        lines = []
        for side, role in (("prototype", "prototyping framework"), ("deployment", "deployment runtime")):
            ranking = rec[f"{side}_ranking"]
            entry = next((r for r in ranking if r["id"] == s.id), None)
            pick = rec[side]
            if entry is None:
                continue
            if pick is not None and pick["id"] == s.id:
                lines.append(f"{s.name} is the recommended {role} (#{entry['rank']} of {len(ranking)}, "
                             f"score {entry['score']:.1f}).")
                continue
            lines.append(f"As a {role}, {s.name} ranks #{entry['rank']} of {len(ranking)} with {entry['score']:.1f}"
                         + (f", against {pick['name']} {pick['score']:.1f}." if pick else "."))
            pick_rank = next((r["rank"] for r in ranking if pick is not None and r["id"] == pick["id"]), None)
            if entry["why_not"] and pick_rank is not None and entry["rank"] < pick_rank:  # it lost on the pair
                lines.append("  " + entry["why_not"][0][0].upper() + entry["why_not"][0][1:] + ".")
            elif entry["why_not"]:
                lines.append("  Where it loses most: " + "; ".join(entry["why_not"]) + ".")
        in_proto = any(r["id"] == s.id for r in rec["prototype_ranking"])
        in_deploy = any(r["id"] == s.id for r in rec["deployment_ranking"])
        if s.status == "discontinued":
            lines.append(f"{s.name} is discontinued since {s.status_since} ({s.status_note}): it is not recommended.")
        elif s.kind == "framework" and not in_proto:
            lines.append(f"{s.name} is not among the live prototyping frameworks as of {rec['as_of']}.")
        if s.deployable and not in_deploy and s.status != "discontinued":
            n = rec["needs"]
            needs = Needs(target=n.get("target"), os=tuple(n.get("os") or ()), language=n.get("language"),
                          hardware=n.get("hardware"))
            failed = meets(s, needs)
            if failed:
                have = {"target": "targets", "os": "os", "language": "languages", "hardware": "hardware"}
                parts = []
                for key in failed:
                    wanted = n[key]
                    wanted = "+".join(wanted) if isinstance(wanted, list) else wanted
                    offers = " ".join(s.capabilities.get(have[key], ())) or "nothing recorded"
                    parts.append(f"{key}={wanted} (it offers: {offers})")
                lines.append(f"As a deployment runtime, {s.name} fails the hard need(s) " + "; ".join(parts) + ".")
        if s.kind == "framework" and not s.deployable and in_proto:
            lines.append(f"{s.name} does not deploy models itself here; it needs a bridge to a runtime.")
        return "\n".join(lines) or f"{s.name} is not a candidate for these answers as of {rec['as_of']}."

    def _compare(self, a, b) -> str:
        rec = self.recommendation()
        if rec is None:
            return self._not_yet()
        from advisor.engine import criterion_label
        from advisor.output import table

        out = []
        for side in ("prototype", "deployment"):
            ranking = {r["id"]: r for r in rec[f"{side}_ranking"]}
            ra, rb = ranking.get(a.id), ranking.get(b.id)
            if ra is None and rb is None:
                continue
            def head(r, s):
                return f"#{r['rank']} {r['score']:.1f}" if r else ("discontinued" if s.status == "discontinued" else "not a candidate")
            rows = [{"c": "rank, score", "w": "", "a": head(ra, a), "b": head(rb, b)}]
            crits = (ra or rb)["contributions"]
            for crit in crits:
                w = crits[crit]["weight"]
                if w <= 0:
                    continue
                label = criterion_label(self.catalog, crit)
                cell = lambda r: f"{round(100 * r['contributions'][crit]['value'])}" + ("" if r["contributions"][crit]["known"] else "?") if r else "-"
                rows.append({"c": label, "w": f"{w:g}", "a": cell(ra), "b": cell(rb)})
            out.append(f"As {side} ({'framework' if side == 'prototype' else 'runtime'}), values out of 100:")
            out.append(table(rows, [("c", "CRITERION"), ("w", "WEIGHT"), ("a", a.name), ("b", b.name)]).rstrip("\n"))
        if not out:
            return f"Neither {a.name} nor {b.name} is a candidate for these answers as of {rec['as_of']}."
        return "\n".join(out) + "\n(? = estimated: no fact recorded)"

    # ------------------------------------------------------------ listings and the report

    def _questions(self) -> str:
        have = self.applicable()
        values = answers_mod.resolve(self.qs, have).values
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

    def _report(self, where: str | None, force: bool = False) -> str:
        rec = self.recommendation()
        if rec is None:
            return self._not_yet()
        try:
            from advisor import report
        except ImportError:
            report = None
        if report is None or not hasattr(report, "write_report"):
            return self.say("report_missing")
        if not where:
            return self.say("report_needs_path")
        if where.lower() in ("html", "markdown", "md", "json"):
            where = f"report.{'md' if where.lower() == 'markdown' else where.lower()}"
        from advisor.files import Exists
        from advisor.safe_text import one_line

        try:
            written = report.write_report(rec, where, None, None, {"chat": list(self.transcript)},
                                          **({"overwrite": force} if _takes_overwrite(report.write_report) else {}))
        except Exists:
            if self.can_confirm:
                self.confirming = where
                return self.say("report_exists_ask", path=one_line(where, 160))
            return self.say("report_exists", path=one_line(where, 160))
        except AdvisorError as exc:
            return f"Could not write the report: {one_line(exc, 400)}"
        return self.say("report_written", path=one_line(written, 160))


_YES = re.compile(r"^\s*(y|yes|yes please|ok|okay|sure|replace( it)?|overwrite( it)?|--force)[.! ]*$", re.IGNORECASE)
_NO = re.compile(r"^\s*(n|no|nope|keep( it)?|don't|do not|cancel)[.! ]*$", re.IGNORECASE)


def _takes_overwrite(func) -> bool:
    import inspect

    try:
        return "overwrite" in inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False


def _short(text: str, n: int = 30) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _via(bridge: dict | None) -> str:
    if bridge is None:
        return "(no bridge)"
    if bridge["kind"] == "same":
        return "(no bridge: the same framework)"
    return f"via {'ONNX' if bridge['format'] == 'onnx' else 'a native route'} ({bridge['exporter']} -> {bridge['importer']})"


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


def run(args: argparse.Namespace) -> int:
    from advisor import knowledge as kb
    from advisor.questions import load as load_questions

    knowledge = kb.load()
    catalog = kb.catalog(kb.parse_as_of(getattr(args, "as_of", None), knowledge), knowledge)
    session = Session(load_questions(), catalog, load_phrasebook())
    as_json = getattr(args, "format", "text") == "json"
    interactive = sys.stdin is not None and sys.stdin.isatty()
    session.can_confirm = interactive
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
    from advisor.understand import measure

    parser = argparse.ArgumentParser(prog="python -m advisor.chat", description=main.__doc__)
    parser.add_argument("--measure", metavar="FILE", required=True, help="a YAML file of phrasings and expected answers")
    parser.add_argument("--misses", action="store_true", help="list what was not understood")
    args = parser.parse_args(argv)
    try:
        r = measure(args.measure)
    except AdvisorError as exc:
        print(f"advisor: {exc}", file=sys.stderr)
        return 2
    print(f"chat understanding: {r['share']:.1%} of {r['answers']} answers in {r['phrasings']} phrasings "
          f"({r['wrong']} wrong, {r['extra']} further answers not in the set)")
    for batch, b in sorted(r.get("batches", {}).items()):
        print(f"  batch {batch}: {b['share']:.1%} of {b['answers']} answers")
    if args.misses:
        for m in r["misses"]:
            print(f"  missed {m['question']}={m['expected']} (got {m['got']}) in: {m['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
