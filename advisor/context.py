"""One context per run: the questions, the catalog at the as-of date, and the one way to a
Recommendation. The CLI builds it once and hands it to each face; no face loads knowledge,
derives needs or weights, or calls the engine any other way.

The catalog loads on first use (or in the background with `prefetch`), so a face that only
asks questions starts at once.
"""

from __future__ import annotations

import threading
from functools import cached_property

from advisor.errors import BadInput


class Context:
    def __init__(self, as_of: str | None = None, on_note=None):
        self.as_of_text = as_of
        self.notes: list[str] = []  # what the run read other than as given (an alias, a date past the facts)
        self._on_note = on_note  # the CLI prints each note on stderr as it comes
        self._lock = threading.Lock()
        self._catalog = None
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def prebuilt(cls, catalog, questions=None) -> "Context":
        """A context around a catalog already built (tests, library use)."""
        ctx = cls(catalog.as_of.isoformat())
        ctx._catalog = catalog
        if questions is not None:
            ctx.questions = questions
        return ctx

    @cached_property
    def questions(self):
        from advisor.questions import load

        return load()

    @cached_property
    def knowledge(self):
        from advisor import knowledge as kb

        return kb.load()

    @property
    def catalog(self):
        """The facts as of --as-of (default: the knowledge date); built once."""
        if self._thread is not None:
            self._thread.join()
            if self._failure is not None:
                raise self._failure
        return self._build()

    def _build(self):
        with self._lock:
            if self._catalog is None:
                from advisor.catalog import catalog, parse_as_of

                self._catalog = catalog(parse_as_of(self.as_of_text, self.knowledge), self.knowledge)
            return self._catalog

    def prefetch(self) -> None:
        """Load the catalog and import the engine in the background (the wizard asks meanwhile)."""
        if self._thread is not None or self._catalog is not None:
            return

        def work():
            try:
                import advisor.engine  # noqa: F401  (numpy, scikit-learn)
                import advisor.present  # noqa: F401

                try:
                    import sklearn.neighbors  # noqa: F401  (rank imports it when it first ranks)
                except ImportError:
                    pass
                self._build()
            except Exception as exc:  # noqa: BLE001 - re-raised where the catalog is needed
                self._failure = exc

        self._thread = threading.Thread(target=work, daemon=True)
        self._thread.start()

    def check(self) -> None:
        """Raise now if the background loading failed (a bad --as-of, a broken knowledge folder)."""
        if self._thread is not None and not self._thread.is_alive() and self._failure is not None:
            raise self._failure

    def note(self, line: str) -> None:
        """Record a note for the person (and hand it to the CLI's printer); each distinct note once."""
        if line in self.notes:
            return
        self.notes.append(line)
        if self._on_note is not None:
            self._on_note(line)

    # ------------------------------------------------------------ answers and recommendations

    def answers(self, values: dict[str, str]):
        """Answers from validated values: defaults for the rest, answers that do not apply dropped."""
        from advisor.answers import resolve

        return resolve(self.questions, values)

    def given_from(self, answers_file: str | None, sets: list[str]) -> dict[str, str]:
        """The validated answers of --answers FILE and --set KEY=VALUE (--set wins), before defaults."""
        from advisor.answers import given_from_sources

        notes: list[str] = []
        try:
            return given_from_sources(self.questions, answers_file, sets, notes)
        finally:
            for line in notes:
                self.note(line)

    def answers_from(self, answers_file: str | None, sets: list[str]):
        """Answers from --answers FILE and --set KEY=VALUE (--set wins)."""
        return self.answers(self.given_from(answers_file, sets))

    def check_date(self) -> None:
        """Once per run, before recommending: a date the knowledge cannot recommend at is bad input (exit 2,
        naming the earliest usable date); one after the knowledge date gets a note that the facts end there."""
        if getattr(self, "_date_checked", False):
            return
        cat = self.catalog
        from advisor.engine import first_usable, usable

        if not usable(cat, self.questions):
            first = first_usable(self.knowledge, self.questions)
            given = self.as_of_text or cat.as_of.isoformat()
            raise BadInput(f"--as-of {given}: before the knowledge can recommend anything (no ranked framework has "
                           f"a route to a live runtime yet); the earliest usable date is {first}")
        from advisor.dates import past_knowledge

        if past_knowledge(cat.as_of, cat.knowledge.latest):
            self.note(f"--as-of {self.as_of_text}: after the knowledge date; the facts end on "
                      f"{cat.knowledge.latest}, so this is what was known then")
        self._date_checked = True

    def recommend(self, answers):
        """The engine's Recommendation for Answers (or a plain mapping of given values)."""
        from advisor.answers import Answers
        from advisor.engine import recommend

        if not isinstance(answers, Answers):
            answers = self.answers(dict(answers))
        self.check_date()
        return recommend(answers, self.questions, self.catalog)

    def recommend_args(self, args):
        """The Recommendation for a command's --answers/--set."""
        return self.recommend(self.answers_from(getattr(args, "answers", None), getattr(args, "sets", []) or []))
