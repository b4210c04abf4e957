"""Understanding plain-language messages: text -> the wizard's answers, or a follow-up command.

Pure: no printing, no prompting, no files written. The words live in prompts/chat.yaml:
example phrasings (matched clause by clause with TF-IDF nearest-example search, scikit-learn,
imported lazily and fitted once per Understander), synonym rules, and the follow-up commands.
User text is only ever matched against; it is never compiled, executed or used as a template.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple
from functools import lru_cache
from itertools import chain
from pathlib import Path

from advisor.errors import BadInput
from advisor.paths import packaged_dir
from advisor.questions import QuestionSet

LIMIT = 2000  # characters kept of one message
NEGATION_WINDOW = 3  # words before a synonym in which a negation cancels it
CORRECTION_REACH = 100  # characters after "sorry, correction" in which what is named is the corrected answer
AGENT_WORDS = frozenset({"by", "from"})  # "not allowed by our clients", "nothing taken from customers"
# ... and "with" after a verb ("nothing shared with customers"), not after a noun ("not a voice assistant with an LLM")
_AGENT_WITH = re.compile(r"\b\w+ed with\b")
# words after a thing denied that deny its moving, not the thing: "no images leave the device", "does not allow
# that the texts go to our server" are about images and texts all the same
MOVED_AFTER = re.compile(r"\s*(\w+\s+){0,2}(go|goes|going|leave|leaves|leaving|travel|travels|reach|reaches|sent|stored|saved|"
                         r"uploaded|kept|retained|transmitted|be (sent|uploaded|stored|saved|transmitted))\b")
# ... and words after it that make the denial about the team's experience: "nothing with LLMs yet", "no LLM
# experience", "never trained a CNN before" say nothing against an LLM or a CNN now
EXPERIENCE_AFTER = re.compile(r"\s*(\w+\s+){0,2}(yet|before|so far|experience|expertise|background|knowledge)\b")
_MOVING = re.compile(r"\b(send|sends|sending|sent|upload|uploads|uploading|uploaded|share|shares|sharing|shared|"
                     r"transmit\w*|stream|streams|streaming|store|stores|storing|save|saves|saving|leak\w*)\b")
SKIPPED_IN_NEGATION = frozenset({"or", "and", "nor", "a", "an", "the"})  # "not AWS or GCP", "NOT looking for a chatbot"
COMMANDS = ("quit", "start_over", "help", "undo", "skip", "questions", "answers", "report",
            "compare", "why_vs", "why_not", "why", "details", "recommend")
REPLIES = ("greeting", "help", "understood", "nothing_understood", "nothing_changed", "ask", "ask_hint",
           "defaults_taken", "assumed", "ready_intro", "not_ready", "truncated", "undone", "nothing_to_undo",
           "started_over", "bye", "follow_up_hint", "unknown_name", "report_missing", "report_needs_path",
           "report_written", "report_exists", "report_exists_ask", "report_kept", "assumed_answer",
           "conflict_resolved", "split_resolved", "provisional", "hinted", "assumption_dropped", "doubted")
# words that carry no meaning for matching (kept out of the TF-IDF vectors)
STOP = frozenset("""a an the and or of to in on at for with by from as is are was were be been being it its it's
this that these those we we're we'll we've our ours us i i'm i'll i've my me you your they their them will would
should could can may might must shall do does did has have had going gonna want wants need needs so just also
there here then than which who what when where how all some any very really quite about into over later now
work works working worked""".split())
# clause ends: not the dot in "i.mx" or "node.js"; not a comma before what was made ("a wallpaper image,
# generated in the browser") or what is not wanted ("a chatbot platform, which we do not want"); a colon
# only before a phase ("everything runs on GCP: training on A100s, inference on GKE")
_CLAUSE = re.compile(r"(?:[;!?\n]|,(?!\s*(that'?s (it|all)\b|generated|rendered|synthesi[sz]ed|which (we|they|i) (do not|don't|dont|did not|"
                     r"didn't) (want|need|like))\b)|\.(?!\w)|:(?=\s*(training|trained|train|inference|serving|deployment|prototyping|"
                     r"fine-?tuning)\b))+|\s(?:but|while|whereas|although|though|however)\s")
_WORD = re.compile(r"[\w']+")
# "on the controller itself, a Cortex-M0+": a place said in other words just after names the same place
_APPOSITION = re.compile(r"(\s+itself)?\s*[,:(\-–—]\s*(a|an|the|it'?s|it is|which is|i\.e\.)?\s*")
_NOBODY = re.compile(r"\b(nobody|no one|noone|none of us)\b(\s+[\w']+){0,5}\s*$")  # denies a little further on
_RELATIVE = re.compile(r"\s(which|who|that)\s(?=(sits?|is|are|stands?|hangs?|lives?|runs?|reads?|watches|listens)\b)")
# "our PI read about transformers": the lab's principal investigator, not a Raspberry Pi (said in capitals,
# as someone's, doing what people do)
_PRINCIPAL_INVESTIGATOR = re.compile(
    r"\b([Mm]y|[Oo]ur|[Tt]he|[Hh]is|[Hh]er|[Tt]heir) PIs?\b(?=('s|’s)|\s+(wants?|says?|said|thinks?|thought|asked|asks|"
    r"reads?|prefers?|insists?|likes?|is|was|has|had|suggested|suggests|told|decided|would|will|keeps|agreed|"
    r"and (me|i))\b)")


# ---------------------------------------------------------------- cleaning


def clean(text: str, limit: int = LIMIT) -> tuple[str, bool]:
    """Printable text on one line, at most `limit` characters; (text, truncated)."""
    out = []
    for ch in text:
        if ch in "\t\r\n\u2028\u2029":
            out.append(" ")
        elif ch == "\ufffd" or unicodedata.category(ch)[0] == "C":
            continue  # control, format, surrogate, unassigned: binary junk
        else:
            out.append(ch)
    joined = " ".join("".join(out).split())
    if len(joined) > limit:
        return joined[:limit].rstrip(), True
    return joined, False


def normalise(text: str) -> str:
    """Lower case, plain apostrophes, programming-language names made into words."""
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    t = re.sub(r"(?<!\w)c\+\+(?:\d\d)?(?!\w)", " cplusplus ", t)  # also C++17, C++20
    t = re.sub(r"(?<!\w)c#(?!\w)", " csharp ", t)
    t = re.sub(r"\bc plus plus\b", " cplusplus ", t)
    t = re.sub(r"(?<![\w.])\.net(?!\w)", " dotnet ", t)
    t = re.sub(r"(?<=[a-z])\+(?=[a-z])", " + ", t)  # "android+ios" is two words
    t = re.sub(r"(?<!\w)w/o(?=\s)", "without", t)  # chat shorthand: "w/o GPUs", "comfortable w/ pytorch"
    t = re.sub(r"(?<!\w)w/(?=\s)", "with", t)
    return t


def _content(text: str) -> str:
    return " ".join(w for w in _WORD.findall(normalise(text)) if w not in STOP)


def clauses(text: str) -> list[tuple[int, str]]:
    """(offset, clause) pieces of a message, split at punctuation and contrastive words (not inside
    brackets: "(not AWS, GCP or Azure)" is one piece)."""
    brackets = [m.span() for m in re.finditer(r"\([^()]*\)", text)]
    out, start = [], 0
    for m in _CLAUSE.finditer(text):
        if any(a < m.start() < b for a, b in brackets):
            continue
        if m.start() > start:
            out.append((start, text[start:m.start()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return [(o, c) for o, c in out if c.strip()]


# ---------------------------------------------------------------- the phrasebook


# what may stand between the items of one list ("not AWS, GCP or Azure", "no chatbot or anything generative")
# "not a voice assistant with an LLM behind it": what the denied thing comes with is denied too
_DENIED_WITH = re.compile(r"\s*(\w+\s+){0,2}(with|like)\s+((a|an|the|any)\s+)?")
_LIST_GLUE = re.compile(r"[\s,/]*((or|and|nor|a|an|the|any|anything|something|other|kind of|sort of)[\s,/]+)*")


class Correction(NamedTuple):
    """Where a correction ends ("sorry, correction:") and how far what it says reaches: to the end of
    the sentence it speaks in, at most CORRECTION_REACH characters on."""
    at: int
    reach: int

    @classmethod
    def find(cls, pattern: re.Pattern | None, norm: str) -> Correction | None:
        m = pattern.search(norm) if pattern else None
        if m is None:
            return None
        words = re.search(r"\w", norm[m.end():])  # "wait, no. The app is in Kotlin": the next sentence
        start = m.end() + (words.start() if words else 0)
        end = re.search(r"[.!?](\s|$)", norm[start:])
        return cls(m.end(), min(start + end.start() if end else len(norm), m.end() + CORRECTION_REACH))

    def narrowed(self, norm: str, spans) -> Correction:
        """Reaching only to the end of the first clause after it that names an answer: "wait no, the glue
        is TypeScript, Rust is only used for the tokenizer" corrects the language, not the task; what a
        relative clause adds is no correction ("on FPGA... no, sorry, on STM32H7 which sits near the
        detector" corrects the place, not the task)."""
        after = [(a, b) for a, b in spans if self.at < a <= self.reach]
        if not after:
            return self
        first = min(a for a, _ in after)
        ends = [m.start() for m in (_CLAUSE.search(norm, first), _RELATIVE.search(norm, first)) if m]
        return self._replace(reach=min([self.reach, *ends]))


def _named_after(correction: Correction | None, hits) -> bool:
    """Whether a correction is followed, within its sentence, by one of these hits."""
    return correction is not None and any(correction.at < h.pos <= correction.reach for h in hits)


def _stem(span: str) -> str:
    """One word however inflected, for counting different words ("GPU" and "GPUs" are one)."""
    return span.strip().rstrip("s")


def _phrase_regex(phrase: str) -> str:
    if phrase.startswith("re:"):
        return phrase[3:]
    words = [re.escape(w) for w in normalise(phrase).split()]
    body = r"[\s\-]+".join(words)
    plural = "(?:s|es)?" if re.search(r"[a-z]$", phrase) else "s?" if re.search(r"[0-9]$", phrase) else ""
    return rf"(?<![\w.+#]){body}{plural}(?![\w+#])"


@dataclass(frozen=True)
class Rule:
    question: str
    option: str
    phrase: str
    regex: re.Pattern


@dataclass(frozen=True)
class Phrasebook:
    path: str
    threshold: float
    needed: tuple[str, ...]
    negation: tuple[re.Pattern, ...]
    examples: tuple[tuple[str, str, str], ...]  # (text, question, option)
    rules: tuple[Rule, ...]
    implies: dict[tuple[str, str], dict[str, str]]
    prefer: dict[str, tuple[str, ...]]
    combine: dict[str, dict[str, tuple[tuple[str, ...], ...]]]  # question -> combined -> sets of parts
    names: dict[str, tuple[str, ...]]  # subject id -> other names
    commands: tuple[tuple[str, tuple[re.Pattern, ...]], ...]
    replies: dict[str, str]
    ignore: frozenset[str] = frozenset()  # topic words that say nothing alone ("deep learning")
    spelling: tuple[str, ...] = ()  # further words a misspelling may be corrected to
    training: re.Pattern | None = None  # a clause about training, not deployment ...
    deploying: re.Pattern | None = None  # ... unless it also speaks of running the model
    deployment_questions: tuple[str, ...] = ()  # what a training clause cannot answer
    assume: dict = field(default_factory=dict)  # question -> {option?, reason}: what the chat assumes unasked
    places: tuple[tuple[str, str, str], ...] = ()  # (question, option, how the chat names that place)
    hints: tuple[Rule, ...] = ()  # words that suggest an answer without stating it: assumed, said aloud
    masks: tuple[re.Pattern, ...] = ()  # words that are not what they seem ("docker image"), blanked first
    # question -> words just before an answer that say the model runs there ("runs on a Pi", "the
    # serving code is Python"): such an answer outranks the others named for that question
    placing: dict[str, re.Pattern] = field(default_factory=dict)
    hedges: tuple[re.Pattern, ...] = ()  # words that make an answer tentative ("maybe Android next year")
    negation_after: re.Pattern | None = None  # words after an answer that negate it ("iOS not needed")
    correction: re.Pattern | None = None  # "sorry, correction", "wait, no": what follows replaces what came before
    obsolete: re.Pattern | None = None  # "originally", "we pitched": what follows in the clause is of the past
    placed_states: tuple[str, ...] = ()  # questions where a hint said as where it runs is a statement
    obsolete_after: re.Pattern | None = None  # "two years ago": what went before in the clause is of the past
    # question -> words just before an answer that make it a person's skill, not the project's
    # ("I know a bit of Python"): assumed aloud, never stated
    skills: dict[str, re.Pattern] = field(default_factory=dict)
    both_places: re.Pattern | None = None  # "the same model in both places": no one place is the answer
    pointers: frozenset[str] = frozenset()  # "on the board": a place said as where it runs that points back
    first_named: frozenset[str] = frozenset()  # questions where, between options said as often, the first wins


def _fail(path: Path, where: str, message: str) -> BadInput:
    return BadInput(f"{path.name}: {where}: {message}")


def parse(data, path: Path, questions: QuestionSet) -> Phrasebook:
    if not isinstance(data, dict):
        raise _fail(path, "top level", "expected a mapping")

    def option_of(where: str, qid, oid) -> tuple[str, str]:
        if str(qid) not in questions.ids:
            raise _fail(path, where, f"unknown question '{qid}'; valid: {', '.join(questions.ids)}")
        q = questions.get(str(qid))
        if str(oid) not in q.option_ids:
            raise _fail(path, where, f"'{oid}' is not an option of '{qid}'; valid: {', '.join(q.option_ids)}")
        return str(qid), str(oid)

    def regex(where: str, pattern: str) -> re.Pattern:
        try:
            return re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise _fail(path, where, f"bad regular expression ({exc})") from None

    def mapping(key: str) -> dict:
        value = data.get(key) or {}
        if not isinstance(value, dict):
            raise _fail(path, key, "expected a mapping")
        return value

    examples: list[tuple[str, str, str]] = []
    for qid, options in mapping("examples").items():
        for oid, texts in (options or {}).items():
            option_of(f"examples.{qid}.{oid}", qid, oid)
            for t in texts or []:
                examples.append((str(t), str(qid), str(oid)))
    def word_rules(key: str) -> tuple[Rule, ...]:
        out = []
        for qid, options in mapping(key).items():
            for oid, phrases in (options or {}).items():
                where = f"{key}.{qid}.{oid}"
                option_of(where, qid, oid)
                for ph in phrases or []:
                    out.append(Rule(str(qid), str(oid), str(ph), regex(where, _phrase_regex(str(ph)))))
        return tuple(out)

    rules, hints = word_rules("synonyms"), word_rules("hints")
    implies = {}
    for key, sets in mapping("implies").items():
        qid, _, oid = str(key).partition("=")
        implies[option_of(f"implies.{key}", qid, oid)] = dict(
            option_of(f"implies.{key}", q, o) for q, o in (sets or {}).items())
    prefer = {}
    for qid, order in mapping("prefer").items():
        prefer[str(qid)] = tuple(option_of(f"prefer.{qid}", qid, o)[1] for o in order or [])
    combine = {}
    for qid, combos in mapping("combine").items():
        where = f"combine.{qid}"
        combine[str(qid)] = {}
        for o, parts in (combos or {}).items():
            sets = parts if parts and all(isinstance(x, list) for x in parts) else [parts or []]
            combine[str(qid)][option_of(where, qid, o)[1]] = tuple(
                tuple(option_of(where, qid, x)[1] for x in one) for one in sets)
    needed = tuple(str(q) for q in data.get("needed") or [])
    for q in needed:
        if q not in questions.ids:
            raise _fail(path, "needed", f"unknown question '{q}'; valid: {', '.join(questions.ids)}")
    cmds = mapping("commands")
    for name in cmds:
        if name not in COMMANDS:
            raise _fail(path, f"commands.{name}", f"unknown command; valid: {', '.join(COMMANDS)}")
    commands = tuple((name, tuple(regex(f"commands.{name}", p) for p in cmds.get(name) or []))
                     for name in COMMANDS)
    replies = {str(k): str(v) for k, v in mapping("replies").items()}
    missing = [r for r in REPLIES if r not in replies]
    if missing:
        raise _fail(path, "replies", f"missing {', '.join(missing)}")
    try:
        threshold = float(data.get("threshold", 0.3))
    except (TypeError, ValueError):
        raise _fail(path, "threshold", "expected a number between 0 and 1") from None
    def word_patterns(key: str) -> tuple[re.Pattern, ...]:  # whole words or phrases, as written
        return tuple(regex(key, rf"(?<![\w']){re.escape(normalise(str(w)))}(?![\w'])") for w in data.get(key) or [])

    negation = word_patterns("negation")
    names = {str(k): tuple(normalise(str(a)) for a in (v or [])) for k, v in mapping("names").items()}
    ignore = frozenset(w for x in data.get("ignore") or [] for w in _WORD.findall(normalise(str(x))))
    spelling = tuple(normalise(str(w)) for w in data.get("spelling") or [])
    stages = mapping("stages")
    training = regex("stages.training", stages["training"]) if stages.get("training") else None
    deploying = regex("stages.deploying", stages["deploying"]) if stages.get("deploying") else None
    deployment_questions = tuple(str(q) for q in stages.get("deployment_questions") or [])
    assume = {}
    for qid, spec in mapping("assume").items():
        if str(qid) not in questions.ids or not isinstance(spec, dict):
            raise _fail(path, f"assume.{qid}", "expected a question id with {option, reason}")
        if spec.get("option") is not None:
            option_of(f"assume.{qid}", qid, spec["option"])
        assume[str(qid)] = {"option": spec.get("option"), "reason": str(spec.get("reason") or "")}
    places = []
    for key, words in mapping("places").items():
        qid, _, oid = str(key).partition("=")
        places.append((*option_of(f"places.{key}", qid, oid), str(words)))
    masks = tuple(regex("masks", _phrase_regex(str(m))) for m in data.get("masks") or [])
    placing = {str(q): regex(f"stages.placing.{q}", str(p)) for q, p in (stages.get("placing") or {}).items()}
    placed_states = tuple(str(q) for q in stages.get("placed_hint_states") or [])
    hedges = word_patterns("hedges")
    for q in (*deployment_questions, *placing, *placed_states):
        if q not in questions.ids:
            raise _fail(path, "stages", f"unknown question '{q}'")
    negation_after = regex("negation_after", data["negation_after"]) if data.get("negation_after") else None
    correction = regex("correction", data["correction"]) if data.get("correction") else None
    obsolete = regex("obsolete", data["obsolete"]) if data.get("obsolete") else None
    obsolete_after = regex("obsolete_after", data["obsolete_after"]) if data.get("obsolete_after") else None
    skills = {str(q): regex(f"skills.{q}", str(p)) for q, p in mapping("skills").items()}
    both_places = regex("stages.both_places", stages["both_places"]) if stages.get("both_places") else None
    pointers = frozenset(normalise(str(w)) for w in stages.get("pointers") or [])
    first_named = frozenset(str(q) for q in data.get("first_named") or [])
    for q in first_named:
        if q not in questions.ids:
            raise _fail(path, "first_named", f"unknown question '{q}'")
    for q in skills:
        if q not in questions.ids:
            raise _fail(path, "skills", f"unknown question '{q}'")
    return Phrasebook(str(path), threshold, needed, negation, tuple(examples), rules, implies, prefer,
                      combine, names, commands, replies, ignore, spelling, training, deploying,
                      deployment_questions, assume, tuple(places), hints, masks, placing, hedges,
                      negation_after, correction, obsolete, placed_states, obsolete_after, skills,
                      both_places, pointers, first_named)


@lru_cache(maxsize=4)
def load_phrasebook(path: str | None = None, questions_path: str | None = None) -> Phrasebook:
    import yaml

    from advisor.questions import load as load_questions

    p = Path(path) if path else packaged_dir("prompts") / "chat.yaml"
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadInput(f"{p}: missing; the chat phrasebook ships with the package") from None
    except yaml.YAMLError as exc:
        raise BadInput(f"{p.name}: malformed YAML ({str(exc).splitlines()[0]})") from None
    return parse(data, p, load_questions(questions_path))


# ---------------------------------------------------------------- understanding


class Hit(NamedTuple):
    """Where a word of the phrasebook was found in a message, and how it was said."""
    pos: int
    option: str
    span: str
    placed: bool = False  # "runs on a Raspberry Pi": said as where the model runs
    hedged: bool = False  # "maybe Android next year": said as a possibility


@dataclass
class Understanding:
    answers: dict[str, str] = field(default_factory=dict)  # question id -> option id: what the text says
    # question id -> option id: what the text suggests without saying it ("our backend" -> a server,
    # "GPU boxes" -> NVIDIA); the chat assumes these aloud and the person can correct them
    assumed: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, str] = field(default_factory=dict)  # question id -> the words that said it
    how: dict[str, str] = field(default_factory=dict)  # question id -> synonym | reply | implied | hint | tie
    # question id -> the options named that cannot all hold (left unanswered, e.g. Kotlin for the
    # Android app and Swift for the iOS one), or that were set aside for the answer (Python for training)
    named: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # question id -> option id: read by the words but doubted by the second reading, which favours
    # another option; set aside (the chat says so, and asks or takes the default)
    doubted: dict[str, str] = field(default_factory=dict)
    # questions the words answer firmly: said as where the model runs ("the model runs on the phone"), or
    # chosen over other options named and weighed out ("it runs on android, err, I meant iOS"); the second
    # reading, which reads no grammar, does not doubt them
    firm: set[str] = field(default_factory=set)


class _Nearest:
    """TF-IDF (word 1-2-grams + character 3-5-grams) nearest-example search; cosine similarity."""

    def __init__(self, examples: tuple[tuple[str, str, str], ...], ignore: frozenset[str] = frozenset()):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.ignore = ignore  # left out of messages only: an example keeps its whole wording
        texts = [_content(t) for t, _, _ in examples]
        self.word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                    token_pattern=r"(?u)\b[\w']+\b").fit(texts)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(texts)
        self.Xw, self.Xc = self.word.transform(texts), self.char.transform(texts)
        self.labels = [(q, o) for _, q, o in examples]

    def content(self, text: str) -> str:
        return " ".join(w for w in _content(text).split() if w not in self.ignore)

    def similarities(self, texts: list[str]):
        content = [self.content(t) for t in texts]
        sw = (self.word.transform(content) @ self.Xw.T).toarray()
        sc = (self.char.transform(content) @ self.Xc.T).toarray()
        return 0.5 * sw + 0.5 * sc


@lru_cache(maxsize=1)
def _english_words():
    from spellchecker import SpellChecker

    return SpellChecker(language="en", distance=1)


def _english(word: str) -> bool:
    """Whether an English dictionary knows the word (loaded on first use, about 0.2 s)."""
    return word in _english_words()


class Speller:
    """Corrects a misspelt word to a word of the phrasebook's `spelling` list ("rasberry" -> "raspberry",
    "andriod" -> "android"): names and terms worth catching, none of them an everyday word a real word
    could be mistaken for. Only words the phrasebook does not know are corrected (its synonyms, its
    example phrasings and the stop words are known), only words of five letters or more, to a word
    with the same first letter at most one edit away (two for words of seven letters or more; a swap
    of two letters is one edit: rapidfuzz's optimal string alignment distance), and never a word an
    English dictionary knows (pyspellchecker's: "processor" is not a misspelt "professor", nor
    "sellers" "servers")."""

    def __init__(self, book: Phrasebook):
        targets: set[str] = set(book.spelling)
        known = set(targets) | STOP | set(book.ignore)
        for rule in (*book.rules, *book.hints):
            if not rule.phrase.startswith("re:"):
                known.update(_WORD.findall(normalise(rule.phrase)))
        for t, _, _ in book.examples:
            known.update(_WORD.findall(normalise(t)))
        self.targets = sorted(w for w in targets if len(w) >= 5)
        self.by_initial: dict[str, list[str]] = {}
        for w in self.targets:
            self.by_initial.setdefault(w[0], []).append(w)
        self.known = frozenset(known)
        self._cache: dict[str, str | None] = {}

    def _known(self, w: str) -> bool:
        return w in self.known or (w.endswith("s") and w[:-1] in self.known) or (
            w.endswith("es") and w[:-2] in self.known)

    def correct(self, word: str) -> str | None:
        if word in self._cache:
            return self._cache[word]
        fixed = None
        if len(word) >= 5 and word.isalpha() and not self._known(word):
            from rapidfuzz import process
            from rapidfuzz.distance import OSA

            limit = 2 if len(word) >= 7 else 1
            # not an inflection of a target ("generated" is not a misspelt "generate")
            candidates = [w for w in self.by_initial.get(word[0], ()) if abs(len(w) - len(word)) <= limit
                          and not any(word == w + end or w == word + end for end in ("s", "es", "d", "ed", "ing"))]
            found = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=limit)
            if found is not None and not _english(word):
                fixed = found[0]
        self._cache[word] = fixed
        return fixed

    def fix(self, text: str) -> str:
        return re.sub(r"[a-z]+", lambda m: self.correct(m.group()) or m.group(), text)


@lru_cache(maxsize=4)
def _fingerprint(book_path: str) -> bytes:
    code = Path(__file__).read_bytes()
    try:
        return hashlib.sha256(code + Path(book_path).read_bytes()).digest()
    except OSError:
        return hashlib.sha256(code + book_path.encode()).digest()


class Understander:
    """Matches messages against one phrasebook; the TF-IDF model is fitted once, on first use. With
    `doubt`, a free message's readings are checked against the second reading (advisor.second_reading)."""

    def __init__(self, questions: QuestionSet, book: Phrasebook, doubt: bool = True):
        self.questions, self.book, self.doubt = questions, book, doubt
        self._second_loaded, self._second = False, None
        self._nearest: _Nearest | None = None
        self._example_negated = [self._negated_anywhere(normalise(t)) for t, _, _ in book.examples]
        self.speller = Speller(book)

    @property
    def nearest(self) -> _Nearest:
        if self._nearest is None:
            self._nearest = _Nearest(self.book.examples, self.book.ignore)
        return self._nearest

    def _negated_anywhere(self, text: str) -> bool:
        return any(n.search(text) for n in self.book.negation)

    def _negated_before(self, clause: str, start: int, thing: bool = False) -> bool:
        """A negation among the few words before (a list goes on negating: "not AWS, GCP or Azure").
        For a `thing` (not a place), a denied moving denies the moving, not the thing ("without sending audio")."""
        before = clause[:start]
        before = before[before.rfind(")") + 1:]  # "(no business, no uni) with a Raspberry Pi": a bracket ends a denial
        if _NOBODY.search(before):  # "nobody here is a real ML expert"
            return True
        tail = " ".join([w for w in _WORD.findall(before) if w not in SKIPPED_IN_NEGATION][-NEGATION_WINDOW:])
        for n in self.book.negation:
            m = n.search(tail)
            rest = tail[m.end():] if m else ""
            # "the cloud is not allowed by our clients": what is denied is the allowing, not the clients
            if m and not AGENT_WORDS & set(rest.split()) and not _AGENT_WITH.search(rest) and not (
                    thing and _MOVING.search(rest)):
                return True
        return False

    # -- synonyms
    def _rule_hits(self, text: str, rules: tuple[Rule, ...]):
        """Hits per question, per (question, option) the words that negate it outright ("not an LLM",
        "not on the phone"), and the questions where a longer name hid another option's shorter one."""
        hits: dict[str, list[Hit]] = {}
        negated: dict[tuple[str, str], set[str]] = {}
        hidden: set[str] = set()  # questions where a longer name hid another option's shorter one
        after_training = False
        for offset, clause in clauses(text):
            found, denied = [], []
            for rule in rules:
                for m in rule.regex.finditer(clause):
                    if m.end() == m.start():
                        continue
                    own_polarity = self._negated_anywhere(m.group())  # "never did ML", "no ML experience"
                    thing = rule.question not in self.book.deployment_questions  # what is moved, not where to
                    moved = thing and (MOVED_AFTER.match(clause, m.end()) or EXPERIENCE_AFTER.match(clause, m.end()))
                    if not own_polarity and not moved and (
                            self._negated_before(clause, m.start(), thing) or self._negated_after(clause, m.end())):
                        denied.append((m.start(), m.end(), rule))
                    else:
                        found.append((m.start(), m.end(), rule))
            # a list goes on denying: "not looking for a chatbot or anything generative"
            for a, b, rule in sorted(found, key=lambda f: f[0]):
                if any(b2 <= a and (_LIST_GLUE.fullmatch(clause[b2:a]) or _DENIED_WITH.fullmatch(clause[b2:a]))
                       for _, b2, _ in denied):
                    found.remove((a, b, rule))
                    denied.append((a, b, rule))
            # "training happens on our server, not the Pi": a denial that goes on from a training clause
            training = self.training_clause(clause) or (after_training and bool(re.match(r"\s*(not|never)\b", clause)))
            after_training = training
            for a, b, rule in denied:
                if training and rule.question in self.book.deployment_questions:
                    continue  # "training happens on our server, not the Pi" denies no place to run
                negated.setdefault((rule.question, rule.option), set()).add(_stem(clause[a:b]))
            # a longer name hides the shorter ones inside it ("visual wake words" is not about speech,
            # "raspberry pi pico" is a microcontroller, "react native" is not React)
            # (but not a place said as where it runs, inside longer words that go on: "... runs on our
            # backend on AWS" keeps "on our backend"; "run in Edge" is still the browser)
            kept = [(a, b, r) for a, b, r in found
                    if not any(r2.question == r.question and a2 <= a and b <= b2 and (b2 - a2) > (b - a)
                               and not (b != b2 and self._placed(r.question, clause, a)
                                        and not self._placed(r2.question, clause, a2))
                               for a2, b2, r2 in found)]
            hidden.update(r.question for _, _, r in set(found) - set(kept)
                          if r.option not in {r2.option for _, _, r2 in kept if r2.question == r.question})
            found = kept
            for a, b, rule in found:
                if training and rule.question in self.book.deployment_questions:
                    continue  # "we train on TPUs on Google Cloud": training is not deployment
                placed = self._placed(rule.question, clause, a)
                if placed and self._negated_anywhere(" ".join(_WORD.findall(clause[:a])[-7:])):
                    # "nothing goes to a server", "does not run on the phone"
                    negated.setdefault((rule.question, rule.option), set()).add(_stem(clause[a:b]))
                    continue
                hedged = self._hedged(clause, a, b) or self._skill(rule.question, clause, a)
                hit = Hit(offset + a, rule.option, clause[a:b].strip(), placed, hedged)
                hits.setdefault(rule.question, []).append(hit)
        return hits, negated, hidden

    def _placed(self, qid: str, clause: str, start: int) -> bool:
        """Said as where (or in what) the model runs: "runs on", "the serving code is" just before."""
        placing = self.book.placing.get(qid)
        return bool(placing and placing.search(" ".join(clause[:start].split()[-8:]) + " "))

    def _negated_after(self, clause: str, end: int) -> bool:
        after = self.book.negation_after
        return bool(after and after.match(clause[end:]))

    def _hedged(self, clause: str, start: int, end: int) -> bool:
        """A possibility ("maybe Android next year") or a thing of the past ("originally a Pi")."""
        near = " ".join(_WORD.findall(clause[:start])[-5:] + ["|"] + _WORD.findall(clause[end:])[:3])
        b = self.book
        return any(h.search(near) for h in b.hedges) or bool(b.obsolete and b.obsolete.search(clause[:start])) or bool(
            b.obsolete_after and b.obsolete_after.search(clause[end:]))

    def _skill(self, qid: str, clause: str, start: int) -> bool:
        """Said as what a person knows ("I can follow tutorials in Python"), not what the project uses."""
        skill = self.book.skills.get(qid)
        return bool(skill and skill.search(" ".join(clause[:start].split()[-6:]) + " "))

    def training_clause(self, clause: str) -> bool:
        """A clause about training or prototyping that says nothing of running the model."""
        b = self.book
        said = b.training.search(clause) if b.training else None
        if not said:
            return False
        rest = clause[:said.start()] + " " + clause[said.end():]  # "training runs on our DGX" is not running it
        return not (b.deploying and b.deploying.search(rest))

    def _split(self, qid: str, hits: list[Hit]) -> tuple[tuple[str, str], str | None] | None:
        """Options of one question named for different platforms ("Kotlin for Android, Swift for iOS"):
        each is ruled out by the other's platform, so no one of them is the answer; but a third option
        named that fits both ("a C++ core shared by both apps") is."""
        said = list(dict.fromkeys(h.option for h in sorted(hits)))
        if len(said) < 2:
            return None
        platforms = []
        for o in said:
            owners = {(q.id, opt.id) for q in self.questions for opt in q.options
                      if qid in opt.allows and o in opt.allows[qid] and q.id != qid}
            platforms.append(owners)
        # two options that each fit only a platform the other does not fit
        for i, a in enumerate(said):
            for j, b in enumerate(said[i + 1:], i + 1):
                only_a = {p for p in platforms[i] - platforms[j] if p[0] == "mobile_os"}
                only_b = {p for p in platforms[j] - platforms[i] if p[0] == "mobile_os"}
                if only_a and only_b:
                    common = [c for k, c in enumerate(said) if k not in (i, j) and only_a | only_b <= platforms[k]]
                    return (a, b), (common[0] if common else None)
        return None

    def _choose(self, qid: str, hits: list[Hit]) -> tuple[str, str, bool]:
        """The option named by the most different words ("BERT on the free-text of transactions" is
        about text), its words, and whether it was a tie: another option named by as many different
        words, so that the phrasebook's `prefer` order chose (a guess, not a reading)."""
        said = {h.option for h in hits}
        for combined, sets in self.book.combine.get(qid, {}).items():
            for parts in sets:
                if set(parts) <= said:
                    spans = [h.span for h in sorted(hits) if h.option in parts]
                    return combined, " + ".join(dict.fromkeys(spans)), False
        words: dict[str, set[str]] = {}
        for h in hits:
            words.setdefault(h.option, set()).add(_stem(h.span))
        order = self.book.prefer.get(qid, ())
        if qid in self.book.first_named:  # "I'm a student ... sorts SMS into spam, bank, private": who speaks first
            best = min(hits, key=lambda h: (-len(words[h.option]), h.pos))
        else:
            best = min(hits, key=lambda h: (-len(words[h.option]),
                                            order.index(h.option) if h.option in order else len(order), -h.pos))
        tied = any(o != best.option and len(w) >= len(words[best.option]) for o, w in words.items())
        return best.option, best.span, tied

    def _weigh(self, qid: str, hits: list[Hit], negated: dict[tuple[str, str], set[str]],
               correction: Correction | None = None) -> list[Hit]:
        """The hits that count: not an option the message negates outright ("not an LLM, just ..."),
        unless more different words say it than deny it ("on an nRF5340 running Zephyr" outweighs
        "I've done ML but never on MCUs"),
        not a possibility beside a certainty ("iPhone only for now, maybe Android next year"), and
        where the model is said to run beats what is merely named ("the dev box has an RTX 3080, but
        the model runs on a Raspberry Pi")."""
        said: dict[str, set[str]] = {}
        ends: dict[str, int] = {}
        for h in sorted(hits):  # overlapping names are one ("raspberry pi" and "pi zero" in "Raspberry Pi Zero")
            if h.pos >= ends.get(h.option, -1):
                said.setdefault(h.option, set()).add(_stem(h.span))
            ends[h.option] = max(ends.get(h.option, -1), h.pos + len(h.span))

        def holds(option: str) -> bool:
            denied = negated.get((qid, option), set())
            # "on the ESP32-S3 inside ... not Arduino": one place denied by name is not another named
            words = said.get(option, set())
            bare = {re.sub(r"^(the|a|an|our|my) ", "", w) for w in denied}
            other_name = qid in self.book.placing and not any(d in w or w in d for d in bare for w in words)
            return len(words) > len(denied) or (other_name and len(words) == len(denied))

        hits = [h for h in hits if holds(h.option)]
        # "We're on AWS - sorry, correction, Azure": what the correction says replaces what came before,
        # for the question it speaks to (named soon after it), not for every question of the message
        if _named_after(correction, hits):
            hits = [h for h in hits if h.pos > correction.at]
        hits = [h for h in hits if not h.hedged] or hits
        if qid in self.book.placing:
            hits = [h for h in hits if h.placed] or hits
        return hits

    # -- examples
    def _nearest_option(self, text: str, qid: str, threshold: float) -> str | None:
        """The option of the example of `qid` nearest to a reply, when near enough and said the same
        way ("not on phones" must not match "on phones", nor the reverse)."""
        sims = self.nearest.similarities([text])[0]
        negated = self._negated_anywhere(normalise(text))
        for j in sims.argsort(kind="stable")[::-1]:
            if sims[j] < threshold:
                return None
            q, oid = self.nearest.labels[j]
            if q == qid and self._example_negated[j] == negated:
                return oid
        return None

    def _reply_to(self, qid: str, text: str, aliases: bool = False) -> str | None:
        """A short reply to the question just asked: an option id, label or number (or, with `aliases`,
        another name of an option: "on-prem", asked which cloud)."""
        q = self.questions.get(qid)
        t = normalise(text).strip(" .!?'\"")
        t = re.sub(r"^(the |it'?s |it is |on |in |for |with |we use |use |mostly |only )+", "", t).strip()
        for i, o in enumerate(q.options, 1):
            if t in (o.id, o.id.replace("_", " "), normalise(o.label), str(i)):
                return o.id
        return q.lookup(t) if aliases and t else None

    def understand(self, text: str, pending: str | None = None) -> Understanding:
        """The answers a message implies. `pending` is the question just asked, if any."""
        u = Understanding()
        if not text.strip():
            return u
        norm = self.prepare(text)
        hits, hinted = self._words(norm, u)
        self._read_words(u, hits, hinted, norm)
        if pending:
            self._read_reply(u, text, norm, pending)
        self._imply(u, u.answers)
        # what the words only suggest, for the questions the message does not answer
        for qid, qhits in hinted.items():
            if qid not in u.answers and qid not in u.named and qid not in u.assumed:
                oid, span, _ = self._choose(qid, qhits)
                u.assumed[qid], u.evidence[qid], u.how[qid] = oid, span, "hint"
        if pending in u.assumed:  # a guess for the question just asked is no guess beside a reply
            guess = u.assumed.pop(pending)
            if pending not in u.answers:  # "on our backend", asked where the model runs, is the answer
                u.answers[pending], u.how[pending] = guess, "reply"
                self._imply(u, u.answers)
        self._imply(u, u.assumed)
        if self.doubt and not pending:
            self._second_reading(u, text, norm)
        self._tidy(u, pending)
        return u

    def second(self):
        """The second reading (advisor.second_reading), loaded or fitted on first use."""
        from advisor import second_reading

        if not self._second_loaded:
            self._second = second_reading.load(tuple(self.questions.ids), self.prepare, self._fingerprint())
            self._second_loaded = True
        return self._second

    def warm_up(self) -> None:
        """Load the second reading in the background (while a person types the first message)."""
        import threading

        if self.doubt:
            threading.Thread(target=self.second, name="second-reading", daemon=True).start()

    def _fingerprint(self) -> bytes:
        """What `prepare` depends on: this code and the phrasebook."""
        return _fingerprint(self.book.path)

    def _second_reading(self, u: Understanding, text: str, norm: str) -> None:
        """Readings the classifier finds unlikely: assumed aloud, or set aside when it favours another
        option ("which disease it is (rust, cercospora)" is no Rust code); and answers the words leave
        open that it is sure of, assumed aloud."""
        reading = self.second()
        if reading is None:
            return
        probabilities = reading.probabilities(norm)
        for said in (u.answers, u.assumed):
            for q, o in list(said.items()):
                verdict = reading.verdict(probabilities[q], o) if q in probabilities and q not in u.firm else None
                if verdict == "set aside":
                    del said[q]
                    u.doubted[q] = o
                elif verdict == "assume" and said is u.answers:
                    u.assumed[q] = said.pop(q)
        # what the words leave open and the classifier is sure of: assumed aloud
        for q, p in probabilities.items():
            if q in u.answers or q in u.assumed or q in u.named or q in u.doubted or q in u.firm:
                continue
            option = reading.guess(q, p, text)
            if option is not None:
                u.assumed[q], u.evidence[q], u.how[q] = option, "the message as a whole", "second reading"

    def prepare(self, text: str) -> str:
        """Normalised, misspellings corrected, masked words blanked ("generated pixel-art sprites" ->
        "generated sprites")."""
        text = _PRINCIPAL_INVESTIGATOR.sub(r"\1 principal investigator", text)  # before case is lost
        norm = re.sub(r" {2,}", " ", self.speller.fix(normalise(text)))
        norm = re.sub(r"\bno(?=[:,!](\s|$))", "nope", norm)  # "sorry, no: iPhone only" says no to what came before
        for mask in self.book.masks:
            norm = mask.sub(" ", norm)
        return re.sub(r" {2,}", " ", norm)

    def _words(self, norm: str, u: Understanding):
        """The synonym and hint hits that count, per question (and in `u.firm`, the questions where words
        named an option that was then weighed out, or hidden inside a longer name)."""
        hits, negated, hidden = self._rule_hits(norm, self.book.rules)
        hinted, negated_hints, _ = self._rule_hits(norm, self.book.hints)
        u.firm.update(hidden)  # "raspberry pi pico", "visual wake words": read as a whole, on purpose
        for key, spans in negated_hints.items():
            negated.setdefault(key, set()).update(spans)
        for qid, qhits in list(hinted.items()):  # "runs on our backend" says where it runs
            # ... unless it points back at a place named outright ("an industrial PC ... run on that PC")
            placed = [h for h in qhits if h.placed and qid in self.book.placed_states
                      and not any(h.span in s.span for s in hits.get(qid, ()))
                      and not (h.span in self.book.pointers and any(s.pos < h.pos for s in hits.get(qid, ())))
                      and not any(_APPOSITION.fullmatch(norm, h.pos + len(h.span), s.pos) for s in hits.get(qid, ()))]
            if placed:
                hits.setdefault(qid, []).extend(placed)
                hinted[qid] = [h for h in qhits if h not in placed]
        correction = Correction.find(self.book.correction, norm)
        if correction:
            correction = correction.narrowed(norm, [(h.pos, h.pos + len(h.span)) for h in chain(*hits.values(),
                                                                                           *hinted.values())])
        for qid, qhits in hinted.items():  # "a website ... no wait, keep it simple, a program on the PC"
            if qid in hits and _named_after(correction, qhits):
                hits[qid] = [h for h in hits[qid] if h.pos > correction.at]
                if not hits[qid]:
                    del hits[qid]
        named = {}
        for q, h in chain(hits.items(), hinted.items()):
            named.setdefault(q, set()).update(x.option for x in h)
        for q, o in negated:
            named.setdefault(q, set()).add(o)
        hits = {q: kept for q, h in hits.items() if (kept := self._weigh(q, h, negated, correction))}
        hinted = {q: kept for q, h in hinted.items() if (kept := self._weigh(q, h, negated, correction))}
        for q, options in named.items():
            if options - {x.option for x in chain(hits.get(q, ()), hinted.get(q, ()))}:
                u.firm.add(q)
        return hits, hinted

    def _read_words(self, u: Understanding, hits: dict[str, list[Hit]], hinted: dict[str, list[Hit]],
                    norm: str) -> None:
        both = bool(self.book.both_places and self.book.both_places.search(norm))
        for qid, qhits in hits.items():
            split = self._split(qid, qhits)
            if split:
                pair, common = split
                if common is None:
                    u.named[qid] = pair
                    continue
                qhits = [h for h in qhits if h.option == common]
            oid, span, tied = self._choose(qid, qhits)
            # "the same model runs on our backend and in the browser": two places, neither the answer
            tied = tied or (both and qid in self.book.deployment_questions and oid in {h.option for h in qhits}
                            and len({h.option for h in qhits + hinted.get(qid, [])}) > 1)
            if tied:  # "a web dashboard in TypeScript and an Android app in Kotlin"
                u.assumed[qid], u.evidence[qid], u.how[qid] = oid, span, "tie"
            elif all(h.hedged for h in ([h for h in qhits if h.option == oid] or qhits)):  # "did some JS once"
                # what is said now, if only suggested, outranks what was ("at my last job ... on a Jetson.
                # ... IT decided it will be hosted on Azure")
                now = [h for h in hinted.get(qid, []) if not h.hedged]
                if now:
                    oid, span, _ = self._choose(qid, now)
                u.assumed[qid], u.evidence[qid], u.how[qid] = oid, span, "hint"
            else:
                u.answers[qid], u.evidence[qid], u.how[qid] = oid, span, "synonym"
                if any(h.placed for h in qhits if h.option == oid):
                    u.firm.add(qid)
            others = tuple(dict.fromkeys(h.option for h in sorted(qhits) if h.option != oid))
            if others:
                u.named[qid] = (oid, *others)

    def _read_reply(self, u: Understanding, text: str, norm: str, pending: str) -> None:
        """A reply to the question just asked: an option named as the reply's first words is the answer
        ("both, tho most of our users are on iphone"); else, when the words did not answer it, an option
        named in a clause, or the nearest example of it."""
        corrected = self.book.correction.search(norm) if self.book.correction else None
        first = clauses(norm[corrected.end():] if corrected else text)[:1]  # "android. no wait, both - ..."
        words = re.split(r"\s+[—–-]+\s+", first[0][1])[0] if first else ""
        oid = self._reply_to(pending, words) if words else None
        if oid is not None:
            u.answers[pending], u.evidence[pending], u.how[pending] = oid, words.strip(), "reply"
            return
        if pending in u.answers:
            return
        oid, evidence = None, text.strip()
        for _, piece in [(0, text)] + clauses(text):
            oid = self._reply_to(pending, piece, aliases=True)
            if oid is not None:
                evidence = piece.strip()
                break
        if oid is None:
            oid = self._nearest_option(norm, pending, self.book.threshold * 0.6)
        if oid is not None:
            u.answers[pending], u.evidence[pending], u.how[pending] = oid, evidence, "reply"

    def _tidy(self, u: Understanding, pending: str | None) -> None:
        if pending:  # a reply to a question asked only when the target is mobile does not tell the target anew
            for q, values in self.questions.get(pending).ask_if.items():
                for said in (u.answers, u.assumed):
                    if said.get(q) in values:
                        said.pop(q)
        target = u.answers.get("target", u.assumed.get("target"))
        for said in (u.answers, u.assumed):
            if "mobile_os" in said and target not in (None, "mobile"):
                # "reviews from the app store" served from a Python service: the platform is not the target
                said.pop("mobile_os")
        order = {q: i for i, q in enumerate(self.questions.ids)}
        u.answers = dict(sorted(u.answers.items(), key=lambda kv: order[kv[0]]))
        u.assumed = dict(sorted(u.assumed.items(), key=lambda kv: order[kv[0]]))

    def _imply(self, u: Understanding, said: dict[str, str]) -> None:
        """Answers that bring others with them (an iOS app runs on a phone), into the same dict."""
        for (qid, oid), implied in self.book.implies.items():
            if said.get(qid) == oid:
                for q2, o2 in implied.items():
                    if q2 not in u.answers and q2 not in u.assumed:
                        said[q2], u.evidence[q2], u.how[q2] = o2, u.evidence[qid], "implied"

    # -- commands
    def command(self, text: str) -> tuple[str, dict[str, str]] | None:
        """The first follow-up command the message is, with its captured groups (a, b)."""
        t = normalise(text).strip()
        for name, patterns in self.book.commands:
            for p in patterns:
                m = p.search(t)
                if m:
                    groups = {k: v.strip(" .?!,;:'\"") for k, v in m.groupdict().items() if v}
                    return name, groups
        return None


def find_subject(text: str, subjects: dict, book: Phrasebook):
    """The framework or runtime a name refers to (id, name or another name), or None."""
    t = normalise(text).strip(" .?!,;:'\"()")
    t = re.sub(r"^(the|a|an|using|use|with)\s+", "", t).strip()
    if not t:
        return None
    by_id = {sid.lower(): s for sid, s in subjects.items()}
    if t in by_id:
        return by_id[t]
    for s in sorted(subjects.values(), key=lambda s: s.id):
        if normalise(s.name) == t:
            return s
    for sid, aliases in book.names.items():
        if t in aliases and sid in subjects:
            return subjects[sid]
    # a known name inside a longer phrase: the longest that occurs as whole words
    found = []
    for s in subjects.values():
        for name in {s.id.lower(), normalise(s.name), *book.names.get(s.id, ())}:
            if name and re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", t):
                found.append((-len(name), s.id))
    return subjects[min(found)[1]] if found else None


# ---------------------------------------------------------------- measuring


def measure(path: str | Path, questions: QuestionSet | None = None, book: Phrasebook | None = None,
            doubt: bool = True) -> dict:
    """Share of the expected (question, option) pairs of a phrasing set that are understood.

    An answer counts as filled whether the text states it or only suggests it (the chat then assumes
    it aloud). `wrong`: expected answers filled with another option, either way. `extra`: answers
    stated that the item does not expect (each is a wrong fill too). `contradictions` is their sum,
    and `per_100` that sum per 100 expected answers. `assumed_extra`: answers assumed aloud that the
    item does not expect, counted apart (`per_100_all` counts them as contradictions as well)."""
    import yaml

    from advisor.questions import load as load_questions

    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{p}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        raise BadInput(f"{p.name}: malformed YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("phrasings"), list):
        raise BadInput(f"{p.name}: expected a mapping with a 'phrasings' list")
    questions = questions or load_questions()
    u = Understander(questions, book or load_phrasebook(), doubt=doubt)
    total = right = wrong = extra = assumed_right = assumed_extra = 0
    misses: list[dict] = []
    extras: list[dict] = []
    batches: dict[str, dict] = {}
    for item in data["phrasings"]:
        expect = {str(k): str(v) for k, v in (item.get("expect") or {}).items()}
        r = u.understand(str(item["text"]), pending=item.get("pending"))
        got = {**r.assumed, **r.answers}
        batch = batches.setdefault(str(item.get("batch", 1)), {"answers": 0, "understood": 0})
        total += len(expect)
        batch["answers"] += len(expect)
        for q, o in expect.items():
            if got.get(q) == o:
                right += 1
                assumed_right += q in r.assumed
                batch["understood"] += 1
            else:
                wrong += q in got
                misses.append({"text": item["text"], "question": q, "expected": o, "got": got.get(q)})
        for q in sorted(set(got) - set(expect)):  # an answer the text does not state: a contradiction too
            assumed = q in r.assumed
            extra += not assumed
            assumed_extra += assumed
            extras.append({"text": item["text"], "question": q, "got": got[q], "assumed": assumed})
    for b in batches.values():
        b["share"] = b["understood"] / b["answers"] if b["answers"] else 0.0

    def per_100(n: int) -> float:
        return 100 * n / total if total else 0.0

    return {"phrasings": len(data["phrasings"]), "answers": total, "understood": right,
            "share": right / total if total else 0.0, "wrong": wrong, "extra": extra,
            "contradictions": wrong + extra, "per_100": per_100(wrong + extra),
            "assumed_right": assumed_right, "assumed_extra": assumed_extra,
            "per_100_all": per_100(wrong + extra + assumed_extra),
            "misses": misses, "extras": extras, "batches": batches}
