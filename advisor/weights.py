"""Answers -> criterion weights and hard needs (the ideal profile is the top of every scale)."""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.answers import Answers
from advisor.questions import WEIGHT_SIDES, QuestionSet


@dataclass(frozen=True)
class Needs:
    """Hard needs on the deployment runtime."""

    target: str | None = None
    os: tuple[str, ...] = ()
    language: str | None = None
    hardware: str | None = None
    language_via: tuple[str, ...] = ()  # bindings the language calls natively (Kotlin -> Java)
    task: str | None = None  # met by a runtime with no task focus; a specialist must list it

    def items(self) -> list[tuple[str, object]]:
        out: list[tuple[str, object]] = []
        if self.target:
            out.append(("target", self.target))
        if self.os:
            out.append(("os", self.os))
        if self.language:
            out.append(("language", self.language))
        if self.hardware:
            out.append(("hardware", self.hardware))
        if self.task:
            out.append(("task", self.task))
        return out

    def without(self, key: str) -> "Needs":
        cleared = {key: () if key == "os" else None}
        if key == "language":
            cleared["language_via"] = ()
        return Needs(**{**self.to_json(), **cleared})

    def to_json(self) -> dict:
        return {"target": self.target, "os": tuple(self.os), "language": self.language, "hardware": self.hardware,
                "language_via": tuple(self.language_via), "task": self.task}


@dataclass(frozen=True)
class Profile:
    prototype: dict[str, float]
    deployment: dict[str, float]
    needs: Needs
    pair: dict[str, float]  # shares of prototype and deployment scores, points for the bridge
    conflicts: tuple["Conflict", ...] = ()
    moved_by: dict = field(default_factory=dict)  # (side, criterion) -> ((question, option, delta), ...)


@dataclass(frozen=True)
class Conflict:
    """Two answers that cannot work together: `question`'s answer is not among what `by` allows."""

    question: str
    answer: str
    by: str  # "target=browser"
    allowed: tuple[str, ...]


def derive(answers: Answers, questions: QuestionSet) -> Profile:
    weights = {side: dict(questions.base_weights[side]) for side in WEIGHT_SIDES}
    needs: dict[str, object] = {}
    pair = dict(questions.pair)
    moved: dict[tuple[str, str], list] = {}
    for q in questions:
        if q.id not in answers.values:
            continue
        option = q.option(answers[q.id])
        for side, deltas in option.weights.items():
            for crit, delta in deltas.items():
                weights[side][crit] = max(0.0, weights[side][crit] + float(delta))
                if delta:
                    moved.setdefault((side, crit), []).append((q.id, option.id, float(delta)))
        needs.update(option.needs)
        pair.update(option.pair)

    os_need = needs.get("os") or ()
    return Profile(
        weights["prototype"],
        weights["deployment"],
        Needs(
            target=needs.get("target"),
            os=tuple(os_need if isinstance(os_need, (list, tuple)) else [os_need]),
            language=needs.get("language"),
            language_via=tuple(needs.get("language_via") or ()),
            hardware=needs.get("hardware"),
            task=needs.get("task"),
        ),
        pair,
        tuple(Conflict(*c) for c in questions.conflicts(answers.values)),
        {k: tuple(v) for k, v in moved.items()},
    )
