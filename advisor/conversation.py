"""The state of one chat: the answers given so far (the wizard's mapping of question id to option
id), their history for undo, the question pending and the transcript. It asks the context for
recommendations and never scores anything."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Conversation:
    ctx: object  # advisor.context.Context
    needed: tuple[str, ...]  # the questions the chat asks for before recommending
    given: dict[str, str] = field(default_factory=dict)
    history: list[dict[str, str]] = field(default_factory=list)
    pending: str | None = None
    transcript: list[dict] = field(default_factory=list)
    shown: object | None = None  # the last recommendation shown, for differences
    assumptions: dict[str, str] = field(default_factory=dict)  # question -> option the chat assumed unasked
    _cache: tuple | None = None

    @property
    def questions(self):
        return self.ctx.questions

    def resolved(self, values: dict[str, str] | None = None):
        return self.ctx.answers(self.given if values is None else values)

    def applicable(self) -> dict[str, str]:
        """The given answers to questions that apply (mobile_os only when the target is mobile)."""
        resolved = self.resolved()
        return {q: self.given[q] for q in self.questions.ids if q in resolved.given}

    def missing(self) -> list[str]:
        values = self.resolved().values
        have = self.applicable()
        return [q for q in self.needed if q in values and q not in have]

    def assumed(self) -> dict[str, str]:
        resolved = self.resolved(self.applicable())
        return {q: v for q, v in resolved.values.items() if q not in resolved.given}

    def default_for(self, qid: str) -> str:
        return self.questions.get(qid).default_for(self.resolved().values)

    def recommendation(self, provisional: bool = False):
        """The recommendation for the current answers, once the needed ones are given (cached);
        `provisional`: on the answers so far and the defaults for the rest, even before."""
        if self.missing() and not provisional:
            return None
        values = self.applicable()
        key = tuple(sorted(values.items()))
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self.ctx.recommend(values))
        return self._cache[1]

    def change(self, said: dict[str, str], assumed: dict[str, str] | None = None) -> dict[str, tuple[str | None, str]]:
        """Set answers the person `said` and answers the chat `assumed` for them; one step of undo."""
        before = self.applicable()
        self.history.append(dict(self.given))
        for values, is_assumed in ((said, False), (assumed or {}, True)):
            self.given.update(values)
            for q, o in values.items():
                if is_assumed:
                    self.assumptions[q] = o
                else:
                    self.assumptions.pop(q, None)
        after = self.applicable()
        return {q: (before.get(q), after[q]) for q in after if before.get(q) != after[q]}

    def undo(self) -> bool:
        if not self.history:
            return False
        self.given = self.history.pop()
        self.assumptions = {q: o for q, o in self.assumptions.items() if self.given.get(q) == o}
        return True

    def reset(self) -> None:
        self.given, self.history, self.pending, self.shown, self._cache = {}, [], None, None, None
        self.assumptions = {}

    def state(self) -> dict:
        """The machine-readable state: answers, what is assumed or missing, and the pick once ready."""
        rec = self.recommendation()
        out = {"answers": self.applicable(), "assumed": self.assumed() if rec else {},
               "assumed_by_chat": {q: o for q, o in self.assumptions.items() if q in self.applicable()},
               "missing": self.missing(),
               "ready": rec is not None, "prototype": None, "deployment": None, "bridge": None}
        if rec is not None:
            out["as_of"] = rec.as_of
            for side, pick in (("prototype", rec.prototype), ("deployment", rec.deployment)):
                if pick is not None:
                    out[side] = {"id": pick.id, "name": pick.name, "score": pick.score}
            if rec.bridge is not None:
                b = rec.bridge
                out["bridge"] = {"format": b.format, "kind": b.kind, "exporter": b.exporter, "importer": b.importer}
            if rec.unmet is not None:
                from advisor.present import unmet_message

                out["unmet"] = unmet_message(rec)
        return out
