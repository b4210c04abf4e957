"""What the engine decides, as typed facts without prose. `advisor.present` turns it into words.

Every type here is a frozen dataclass holding ids, numbers and the facts behind them; no
sentence is written here. Its JSON, with the explanations in words, is `present.recommendation_json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advisor.errors import ExitCode
from advisor.weights import Conflict


@dataclass(frozen=True)
class Contribution:
    """One criterion of one candidate: its value (0-1, 1 ideal), weight, and share of the distance."""

    criterion: str
    value: float
    weight: float
    gap: float
    known: bool  # False when estimated (no fact recorded)
    checked: str | None  # the date of the newest source behind the fact


@dataclass(frozen=True)
class PairRef:
    prototype: str
    deployment: str
    score: float
    prototype_name: str = ""
    deployment_name: str = ""


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    rank: int
    score: float
    status: str
    kind: str
    contributions: tuple[Contribution, ...]
    best_pair: PairRef | None = None  # its best pair when there is a pick (None: no bridge joins it)

    def contribution(self, criterion: str) -> Contribution:
        return next(c for c in self.contributions if c.criterion == criterion)


@dataclass(frozen=True)
class StatusChange:
    status: str
    since: str
    note: str
    source: str


@dataclass(frozen=True)
class Pick:
    id: str
    name: str
    score: float
    status: str
    kind: str
    status_since: str
    status_note: str
    sponsor: str
    first_release: str
    history: tuple[StatusChange, ...]
    imports_onnx: bool
    onnx_export: tuple[str, str] | None  # (support, tool) when it can export ONNX


@dataclass(frozen=True)
class RouteRef:
    format: str
    exporter: str
    importer: str
    maturity: str


@dataclass(frozen=True)
class Bridge:
    format: str  # onnx | native
    kind: str  # onnx | native | same
    exporter: str
    importer: str
    maturity: str
    alternative: RouteRef | None
    sources: tuple[str, ...]
    language: str  # the language the runtime is called from
    hardware: str | None  # the hardware named, if any
    os: tuple[str, ...] = ()  # the mobile platforms named (both: the steps cover each)
    language_route: str = "own"  # own | interop | community | http: how the language reaches the runtime


@dataclass(frozen=True)
class Alternative:
    prototype: str
    deployment: str
    format: str
    exporter: str
    score: float
    prototype_name: str
    deployment_name: str


@dataclass(frozen=True)
class ShowdownRoute:
    """Does the Showdown's advice (prototype, export to ONNX, deploy with a runtime that imports it) apply?"""

    applies: bool
    best_onnx: PairRef | None = None  # when it does not apply: the best ONNX pair, if any


@dataclass(frozen=True)
class ShowdownRow:
    """The Showdown's own category scores of a prototyping candidate at the as-of date."""

    id: str
    name: str
    rank: int
    overall: float
    categories: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Flip:
    side: str
    criterion: str
    before: float
    after: float
    change: float
    new_pick: tuple[str, str]
    new_pick_names: tuple[str, str]


@dataclass(frozen=True)
class AnswerFlip:
    """The first other answer (to a question that only moves weights) that would change the pick."""

    question: str
    question_text: str
    answer: str
    answer_label: str
    instead: str
    instead_label: str
    new_pick: tuple[str, str]
    new_pick_names: tuple[str, str]


@dataclass(frozen=True)
class Firmness:
    samples: int
    seed: int
    sigma: float
    stays_first: float
    prototype_stays_first: float
    deployment_stays_first: float
    word: str
    flip: Flip | None
    answer_flip: AnswerFlip | None = None


@dataclass(frozen=True)
class Relax:
    need: str
    value: object  # str, or a tuple for a list-valued need
    nearest: str
    nearest_name: str
    score: float
    instead: str | None = None  # for a conflict: the other answer that would work


@dataclass(frozen=True)
class FailedNeed:
    need: str
    wanted: object
    offered: tuple[str, ...]


@dataclass(frozen=True)
class Unmet:
    needs: tuple[tuple[str, object], ...]
    relax: tuple[Relax, ...]
    unreachable: tuple[str, ...] = ()  # names of runtimes that fit but no live framework reaches
    conflict: Conflict | None = None  # two answers that cannot work together


# ---------------------------------------------------------------- warnings (facts; the presenter words them)


@dataclass(frozen=True)
class IgnoredAnswer:
    question: str
    conditions: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class DeadWouldRank:
    side: str  # prototype | deployment
    name: str
    rank: int
    since: str
    note: str


@dataclass(frozen=True)
class InMaintenance:
    name: str
    role: str  # prototyping framework | deployment runtime
    since: str
    note: str


@dataclass(frozen=True)
class ThinFacts:
    as_of: str
    old: tuple[tuple[str, tuple[str, ...]], ...]  # (year of the newest source, names)
    estimated: tuple[tuple[str, tuple[str, ...]], ...]  # (name, criteria without facts)


@dataclass(frozen=True)
class ShakyBridge:
    exporter: str
    importer: str
    maturity: str


Notice = IgnoredAnswer | DeadWouldRank | InMaintenance | ThinFacts | ShakyBridge


@dataclass(frozen=True)
class Source:
    id: str
    ref: str
    title: str
    date: str
    for_pick: bool  # behind the pair or the bridge (else cited for a runner-up)


@dataclass(frozen=True)
class Weights:
    prototype: dict
    deployment: dict
    pair: dict
    moved_by: dict = field(default_factory=dict)  # (side, criterion) -> ((question, option, delta), ...)


@dataclass(frozen=True)
class Recommendation:
    as_of: str
    knowledge_date: str
    answers: dict  # question id -> option id, for every question that applies
    given: tuple[str, ...]
    weights: Weights
    needs: dict
    language_via: tuple[str, ...]
    prototype: Pick | None
    deployment: Pick | None
    bridge: Bridge | None
    pair_score: float | None
    alternatives: tuple[Alternative, ...]
    prototype_ranking: tuple[Candidate, ...]
    deployment_ranking: tuple[Candidate, ...]
    showdown_route: ShowdownRoute
    showdown: tuple[ShowdownRow, ...]
    showdown_missing: tuple[str, ...]  # leading candidates the Showdown's criteria cannot score
    notices: tuple[Notice, ...]
    firmness: Firmness | None
    unmet: Unmet | None
    sources: tuple[Source, ...]
    labels: dict  # criterion id -> its name for people
    failed_needs: dict  # subject id -> (FailedNeed, ...) for deployment candidates that fail a hard need
    verification: object | None = None  # a verify.Result when the report ran verify

    @property
    def ok(self) -> bool:
        return self.prototype is not None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.ok else ExitCode.NO_WORKABLE_PAIR

    def candidate(self, side: str, sid: str) -> Candidate | None:
        ranking = self.prototype_ranking if side == "prototype" else self.deployment_ranking
        return next((c for c in ranking if c.id == sid), None)
