"""Answers: a validated mapping of question id to option id, with defaults filled in."""

from __future__ import annotations

from dataclasses import dataclass

from advisor.errors import BadInput
from advisor.safe_text import show
from advisor.questions import QuestionSet


@dataclass(frozen=True)
class Answers:
    values: dict[str, str]  # question id -> option id, for every question that applies
    given: frozenset[str]  # the ids the person answered (the rest are defaults)
    ignored: tuple[str, ...] = ()  # answers to questions that do not apply

    def __getitem__(self, qid: str) -> str:
        return self.values[qid]

    def get(self, qid: str, default=None):
        return self.values.get(qid, default)

    def to_json(self) -> dict[str, str]:
        return dict(self.values)


def parse_sets(sets: list[str]) -> dict[str, str]:
    """--set KEY=VALUE pairs, in order; the last one for a key wins."""
    out: dict[str, str] = {}
    for item in sets or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise BadInput(f"--set {show(item)}: expected KEY=VALUE, e.g. --set target=mobile")
        out[key.strip()] = value.strip()
    return out


def check(questions: QuestionSet, raw: dict, origin: str = "answers", notes: list[str] | None = None) -> dict[str, str]:
    """Validate raw answers (ids and option ids); return them as canonical ids. Unknowns are errors.

    Ids are read in any case, and an option's aliases and label name it (typescript -> javascript);
    each answer read that way adds a line to `notes` (the faces print them), so no input is read silently."""
    out: dict[str, str] = {}
    for key, value in raw.items():
        qid = questions.lookup(str(key))
        if qid is None:
            guess = questions.suggest(str(key))
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise BadInput(f"{origin}: unknown question {show(key)}{hint}; valid questions: {', '.join(questions.ids)}")
        q = questions.get(qid)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            kind = "nothing" if value is None else type(value).__name__
            raise BadInput(f"{origin}: question '{q.id}' takes one of {', '.join(q.option_ids)}; got {kind}")
        text = str(value).strip()
        oid = q.lookup(text)
        if oid is None:
            guess = q.suggest(text) if text else None
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise BadInput(f"{origin}: {show(text)} is not an option of question '{q.id}'{hint}; "
                           f"valid: {', '.join(q.option_ids)}")
        if notes is not None and (oid != text or qid != str(key)):
            notes.append(f"{origin}: read {show(str(key) + '=' + text)} as {qid}={oid}")
        out[q.id] = oid
    return out


def resolve(questions: QuestionSet, given: dict[str, str]) -> Answers:
    """Fill defaults for unanswered questions that apply; drop answers to questions that do not."""
    values: dict[str, str] = {}
    ignored: list[str] = []
    for q in questions:
        if not q.applies(values):
            if q.id in given:
                ignored.append(q.id)
            continue
        values[q.id] = given.get(q.id, q.default_for(values))
    return Answers(values, frozenset(k for k in given if k in values), tuple(ignored))


def given_from_sources(questions: QuestionSet, answers_file: str | None, sets: list[str],
                       notes: list[str] | None = None) -> dict[str, str]:
    """The validated answers of --answers FILE and --set KEY=VALUE (--set wins), before defaults."""
    from advisor.files import read_mapping

    given: dict[str, str] = {}
    if answers_file:
        from advisor.safe_text import one_line

        given.update(check(questions, read_mapping(answers_file), origin=one_line(answers_file, 160), notes=notes))
    given.update(check(questions, parse_sets(sets), origin="--set", notes=notes))
    return given


def from_sources(questions: QuestionSet, answers_file: str | None, sets: list[str],
                 notes: list[str] | None = None) -> Answers:
    """Answers from --answers FILE and --set KEY=VALUE (--set wins), defaults for the rest."""
    return resolve(questions, given_from_sources(questions, answers_file, sets, notes))
