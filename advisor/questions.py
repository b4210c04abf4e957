"""Load and validate prompts/questions.yaml into typed Questions. Pure: no prompting here."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from advisor.errors import BadInput
from advisor.files import load_yaml
from advisor.paths import packaged_dir
from advisor.validation import VOCAB

NEED_KEYS = {"target": "targets", "os": "os", "language": "languages", "language_via": "languages", "hardware": "hardware",
             "task": "tasks"}
WEIGHT_SIDES = ("prototype", "deployment")
PAIR_KEYS = ("prototype", "deployment", "bridge")


@dataclass(frozen=True)
class Option:
    id: str
    label: str
    weights: dict[str, dict[str, float]] = field(default_factory=dict)
    needs: dict[str, object] = field(default_factory=dict)
    pair: dict[str, float] = field(default_factory=dict)
    allows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()  # other words for it, read case-insensitively (typescript -> javascript)


def fold(text: str) -> str:
    """How ids, aliases and labels are compared: case, blanks and -/_ do not matter."""
    return " ".join(str(text).replace("_", " ").replace("-", " ").split()).casefold()


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    default: str
    options: tuple[Option, ...]
    ask_if: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default_if: tuple[tuple[dict[str, tuple[str, ...]], str], ...] = ()

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    def option(self, oid: str) -> Option:
        return next(o for o in self.options if o.id == oid)

    def names(self) -> dict[str, str]:
        """Every word that names an option (id, aliases, label; folded) -> the option's id."""
        out: dict[str, str] = {}
        for o in self.options:  # ids first, then aliases, then labels: an id is never shadowed
            out.setdefault(fold(o.id), o.id)
        for o in self.options:
            for a in o.aliases:
                out.setdefault(fold(a), o.id)
        for o in self.options:
            out.setdefault(fold(o.label), o.id)
        return out

    def lookup(self, text: str) -> str | None:
        """The option id that `text` names (its id in any case, an alias, its label), or None."""
        return self.names().get(fold(text))

    def suggest(self, text: str) -> str | None:
        """The option id closest to an unknown `text` (difflib), for "did you mean"."""
        import difflib

        names = self.names()
        close = difflib.get_close_matches(fold(text), list(names), n=1, cutoff=0.7)
        return names[close[0]] if close else None

    def applies(self, answers: dict[str, str]) -> bool:
        return all(answers.get(q) in values for q, values in self.ask_if.items())

    def default_for(self, answers: dict[str, str]) -> str:
        """The default given the answers so far (a browser defaults to JavaScript)."""
        for when, default in self.default_if:
            if all(answers.get(q) in values for q, values in when.items()):
                return default
        return self.default


@dataclass(frozen=True)
class QuestionSet:
    questions: tuple[Question, ...]
    base_weights: dict[str, dict[str, float]]
    pair: dict[str, float]

    def __iter__(self):
        return iter(self.questions)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def get(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise BadInput(f"unknown question '{qid}'; valid questions: {', '.join(self.ids)}")

    def lookup(self, key: str) -> str | None:
        """The question id that `key` names in any case (mobile-os, Mobile_OS -> mobile_os), or None."""
        return {fold(q): q for q in self.ids}.get(fold(key))

    def suggest(self, key: str) -> str | None:
        """The question id closest to an unknown `key` (difflib), for "did you mean"."""
        import difflib

        ids = {fold(q): q for q in self.ids}
        close = difflib.get_close_matches(fold(key), list(ids), n=1, cutoff=0.7)
        return ids[close[0]] if close else None

    def conflicts(self, values: dict[str, str]) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """Answers that cannot work together: (question, answer, "q=option" ruling it out, allowed)."""
        out = []
        for q in self.questions:
            if q.id not in values:
                continue
            option = q.option(values[q.id])
            for other, allowed in option.allows.items():
                if other in values and values[other] not in allowed:
                    out.append((other, values[other], f"{q.id}={option.id}", allowed))
        return out

    def to_json(self) -> list[dict]:
        return [
            {
                "id": q.id, "text": q.text, "help": q.help, "default": q.default,
                "default_if": [{"when": {k: list(v) for k, v in w.items()}, "default": d} for w, d in q.default_if],
                "ask_if": {k: list(v) for k, v in q.ask_if.items()},
                "options": [{"id": o.id, "label": o.label, "aliases": list(o.aliases)} for o in q.options],
            }
            for q in self.questions
        ]


def _fail(path: Path, where: str, message: str) -> BadInput:
    return BadInput(f"{path.name}: {where}: {message}")


def parse(data, path: Path) -> QuestionSet:
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise _fail(path, "top level", "expected a mapping with a 'questions' list")
    base = data.get("base_weights") or {}
    if set(base) - set(WEIGHT_SIDES):
        raise _fail(path, "base_weights", f"sides are {', '.join(WEIGHT_SIDES)}")
    criteria = {side: set(base.get(side, {})) for side in WEIGHT_SIDES}
    questions: list[Question] = []
    seen: set[str] = set()
    for i, q in enumerate(data["questions"], 1):
        where = f"question {i}"
        if not isinstance(q, dict) or not q.get("id"):
            raise _fail(path, where, "needs an id")
        qid = str(q["id"])
        where = f"question '{qid}'"
        if qid in seen:
            raise _fail(path, where, "duplicate id")
        seen.add(qid)
        options: list[Option] = []
        for o in q.get("options") or []:
            if not isinstance(o, dict) or not o.get("id"):
                raise _fail(path, where, "every option needs an id")
            weights = o.get("weights") or {}
            for side, deltas in weights.items():
                if side not in WEIGHT_SIDES:
                    raise _fail(path, f"{where}, option '{o['id']}'", f"weights side '{side}' is not one of {', '.join(WEIGHT_SIDES)}")
                for crit, delta in (deltas or {}).items():
                    if crit not in criteria[side]:
                        raise _fail(path, f"{where}, option '{o['id']}'", f"unknown {side} criterion '{crit}'")
                    if not isinstance(delta, (int, float)):
                        raise _fail(path, f"{where}, option '{o['id']}'", f"weight of '{crit}' must be a number")
            needs = o.get("needs") or {}
            for key, value in needs.items():
                if key not in NEED_KEYS:
                    raise _fail(path, f"{where}, option '{o['id']}'", f"need '{key}' is not one of {', '.join(NEED_KEYS)}")
                for v in value if isinstance(value, list) else [value]:
                    if v not in VOCAB[NEED_KEYS[key]]:
                        raise _fail(path, f"{where}, option '{o['id']}'", f"'{v}' is not a known {NEED_KEYS[key]}")
            pair = o.get("pair") or {}
            if set(pair) - set(PAIR_KEYS) or not all(isinstance(v, (int, float)) for v in pair.values()):
                raise _fail(path, f"{where}, option '{o['id']}'", f"pair takes numbers for {', '.join(PAIR_KEYS)}")
            allows = {str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v]))
                      for k, v in (o.get("allows") or {}).items()}
            aliases = o.get("aliases") or []
            if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
                raise _fail(path, f"{where}, option '{o['id']}'", "aliases must be a list of words")
            options.append(Option(str(o["id"]), str(o.get("label", o["id"])),
                                  {s: dict(d or {}) for s, d in weights.items()}, dict(needs),
                                  {k: float(v) for k, v in pair.items()}, allows, tuple(aliases)))
        if not options:
            raise _fail(path, where, "has no options")
        named: dict[str, str] = {}
        for o in options:  # an id or alias names one option only (case, blanks and -/_ aside)
            for word in (o.id, *o.aliases):
                if named.setdefault(fold(word), o.id) != o.id:
                    raise _fail(path, f"{where}, option '{o.id}'",
                                f"'{word}' already names option '{named[fold(word)]}'")
        default = str(q.get("default", options[0].id))
        if default not in [o.id for o in options]:
            raise _fail(path, where, f"default '{default}' is not one of its options")
        ask_if = {str(k): tuple(v if isinstance(v, list) else [v]) for k, v in (q.get("ask_if") or {}).items()}
        for k in ask_if:
            if k not in seen or k == qid:
                raise _fail(path, where, f"ask_if refers to '{k}', which is not an earlier question")
        default_if = []
        for rule in q.get("default_if") or []:
            if not isinstance(rule, dict) or not isinstance(rule.get("when"), dict) or "default" not in rule:
                raise _fail(path, where, "each default_if entry needs `when: {question: [options]}` and `default`")
            when = {str(k): tuple(v if isinstance(v, list) else [v]) for k, v in rule["when"].items()}
            if str(rule["default"]) not in [o.id for o in options]:
                raise _fail(path, where, f"default_if default '{rule['default']}' is not one of its options")
            for k in when:
                if k not in seen or k == qid:
                    raise _fail(path, where, f"default_if refers to '{k}', which is not an earlier question")
            default_if.append((when, str(rule["default"])))
        questions.append(Question(qid, str(q.get("text", qid)), str(q.get("help", "")), default, tuple(options), ask_if,
                                  tuple(default_if)))
    by_id = {q.id: q for q in questions}
    for q in questions:
        for o in q.options:
            for other, allowed in o.allows.items():
                if other not in by_id:
                    raise _fail(path, f"question '{q.id}', option '{o.id}'", f"allows refers to unknown question '{other}'")
                for a in allowed:
                    if a not in by_id[other].option_ids:
                        raise _fail(path, f"question '{q.id}', option '{o.id}'", f"'{a}' is not an option of '{other}'")
    pair = data.get("pair") or {}
    if set(pair) != set(PAIR_KEYS) or not all(isinstance(v, (int, float)) for v in pair.values()):
        raise _fail(path, "pair", f"needs numbers for {', '.join(PAIR_KEYS)}")
    return QuestionSet(tuple(questions), {s: {k: float(v) for k, v in base.get(s, {}).items()} for s in WEIGHT_SIDES},
                       {k: float(v) for k, v in pair.items()})


@lru_cache(maxsize=2)
def load(path: str | None = None) -> QuestionSet:
    import yaml

    p = Path(path) if path else packaged_dir("prompts") / "questions.yaml"
    try:
        data = load_yaml(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{p}: missing; the questions file ships with the package") from None
    except yaml.YAMLError as exc:
        raise BadInput(f"{p.name}: malformed YAML ({str(exc).splitlines()[0]})") from None
    return parse(data, p)
