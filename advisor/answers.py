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


def check(questions: QuestionSet, raw: dict, origin: str = "answers") -> dict[str, str]:
    """Validate raw answers (ids and option ids); return them as strings. Unknowns are errors."""
    out: dict[str, str] = {}
    for key, value in raw.items():
        if str(key) not in questions.ids:
            raise BadInput(f"{origin}: unknown question {show(key)}; valid questions: {', '.join(questions.ids)}")
        q = questions.get(str(key))
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            kind = "nothing" if value is None else type(value).__name__
            raise BadInput(f"{origin}: question '{q.id}' takes one of {', '.join(q.option_ids)}; got {kind}")
        text = str(value).strip()
        if text not in q.option_ids:
            raise BadInput(f"{origin}: {show(text)} is not an option of question '{q.id}'; valid: {', '.join(q.option_ids)}")
        out[q.id] = text
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


def given_from_sources(questions: QuestionSet, answers_file: str | None, sets: list[str]) -> dict[str, str]:
    """The validated answers of --answers FILE and --set KEY=VALUE (--set wins), before defaults."""
    from advisor.files import read_mapping

    given: dict[str, str] = {}
    if answers_file:
        from advisor.safe_text import one_line

        given.update(check(questions, read_mapping(answers_file), origin=one_line(answers_file, 160)))
    given.update(check(questions, parse_sets(sets), origin="--set"))
    return given


def from_sources(questions: QuestionSet, answers_file: str | None, sets: list[str]) -> Answers:
    """Answers from --answers FILE and --set KEY=VALUE (--set wins), defaults for the rest."""
    return resolve(questions, given_from_sources(questions, answers_file, sets))
