"""A second, statistical reading of a message, to doubt the phrasebook's where the two disagree.

The phrasebook's rules read well what they were written for and misread the rest ("rust" the coffee
disease as the language). A classifier trained on the read phrasing sets (`prompts/phrasings`: each a
message a person wrote, and the answers it states or leaves open) says, per question, how likely each
option is, or that the message says nothing of it. An answer the rules read that the classifier finds
unlikely is not taken as said: when it favours another option, the answer is set aside (the chat says
so, and asks or takes the default); else it is assumed aloud, for the person to correct. An answer the
rules leave open and the classifier is sure of is assumed aloud.

Measured leave-one-set-out on six sets the rules had never seen (README). The model is fitted on first
use (a few seconds) and kept in the user's cache folder, under a name that changes with the data, the
code, the phrasebook and scikit-learn's version."""
from __future__ import annotations

import hashlib
import os
import pickle
import threading
from functools import lru_cache
from pathlib import Path

from advisor.paths import packaged_dir

NONE = "_none"  # the class of messages that leave a question open
DOUBT = 0.2  # an answer the classifier gives less than this is doubted ...
RIVAL = 0.7  # ... and set aside when another option has at least this; else assumed aloud
SURE = 0.9  # an answer the words leave open is assumed aloud when the classifier gives it this much ...
# ... for these questions only: a task is told by the data described and a sector by the kind of
# organisation, which words in any order show; where it runs, in what, on which cloud or hardware, and
# how much the team knows hinge on grammar ("not on AWS", "training on A100s, inference on GKE")
# (and of the sectors only academia: the chat assumes industry anyway when nothing says academia)
GUESSED = {"task": None, "sector": {"academia"}}
GUESS_WORDS = 8  # and only from a message of at least so many words: "C++ on a Jetson" says no task


def phrasings_dir() -> Path:
    return packaged_dir("prompts") / "phrasings"


class SecondReading:
    """Per question, a logistic model over word 1-2-gram and character 3-5-gram TF-IDF features of the
    message as the phrasebook prepares it (normalised, misspellings corrected, masked words blanked)."""

    def __init__(self, examples: list[tuple[str, dict[str, str]]], questions: tuple[str, ...]):
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier

        texts = [t for t, _ in examples]
        self.word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2).fit(texts)
        self.char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2).fit(texts)
        self.word.stop_words_ = self.char.stop_words_ = None  # the rare n-grams left out: not kept
        X = hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()
        self.models = {}
        for q in questions:
            labels = [expect.get(q, NONE) for _, expect in examples]
            if len(set(labels)) > 1:
                model = SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=15, tol=None, random_state=0).fit(X, labels)
                model.coef_ = model.coef_.astype("float32")  # half the size in the cache; the same verdicts
                self.models[q] = model

    def probabilities(self, text: str) -> dict[str, dict[str, float]]:
        """question -> option (or NONE) -> probability, for a prepared message."""
        from scipy.sparse import hstack

        x = hstack([self.word.transform([text]), self.char.transform([text])]).tocsr()
        return {q: dict(zip(map(str, m.classes_), m.predict_proba(x)[0].tolist())) for q, m in self.models.items()}

    def verdict(self, probabilities: dict[str, float], option: str) -> str | None:
        """None when the reading holds; "assume" or "set aside" when the classifier doubts it."""
        if probabilities.get(option, 0.0) >= DOUBT:
            return None
        rival = max((p for o, p in probabilities.items() if o not in (option, NONE)), default=0.0)
        return "set aside" if rival >= RIVAL else "assume"

    @staticmethod
    def guess(question: str, probabilities: dict[str, float], text: str) -> str | None:
        """The option of a GUESSED question the classifier is sure of (at least SURE), for a message long
        enough, if any."""
        if question not in GUESSED or len(text.split()) < GUESS_WORDS:
            return None
        best = max(probabilities, key=probabilities.get)
        allowed = GUESSED[question] is None or best in GUESSED[question]
        return best if allowed and best != NONE and probabilities[best] >= SURE else None


def learns_from(path: str | Path) -> bool:
    """Whether a phrasing set is one the second reading is fitted on (same content)."""
    try:
        data = Path(path).read_bytes()
        return any(f.read_bytes() == data for f in phrasings_dir().glob("*.yaml"))
    except OSError:
        return False


def _examples(folder: Path, prepare) -> list[tuple[str, dict[str, str]]]:
    """The free first messages of every phrasing set (replies to a question are read apart)."""
    import yaml

    out = []
    for path in sorted(folder.glob("*.yaml")):
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        for item in yaml.load(path.read_text(encoding="utf-8"), Loader=loader)["phrasings"]:
            if not item.get("pending"):
                out.append((prepare(str(item["text"])), {str(k): str(v) for k, v in (item.get("expect") or {}).items()}))
    return out


def _cache_dir() -> Path | None:
    override = os.environ.get("ADVISOR_CACHE")
    if override is not None:
        return Path(override).expanduser() if override else None  # empty: no cache
    try:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    except (RuntimeError, KeyError, OSError):  # no home folder to be found: no cache
        return None
    return Path(base) / "dl-advisor"


_LOADED: dict[str, SecondReading] = {}
_LOCK = threading.Lock()  # one fitting at a time: a warm-up thread and the first message share it


def load(questions: tuple[str, ...], prepare, fingerprint: bytes = b"", folder: Path | None = None) -> SecondReading | None:
    """The second reading fitted on the phrasing sets (None without any), each message made ready by
    `prepare`; `fingerprint` stands for what `prepare` depends on. From memory, or from the cache when it
    holds one fitted on the same data and code, else fitted now (a few seconds) and cached, atomically;
    a cache folder that cannot be written is skipped."""
    path = folder or phrasings_dir()
    files = sorted(path.glob("*.yaml")) if path.is_dir() else []
    if not files:
        return None
    stats = tuple((f.name, st.st_size, st.st_mtime_ns) for f in files for st in [f.stat()])
    key = _key(str(path), stats, questions, fingerprint)
    with _LOCK:
        return _LOADED.get(key) or _load(key, path, questions, prepare)


@lru_cache(maxsize=8)
def _key(folder: str, stats: tuple, questions: tuple[str, ...], fingerprint: bytes) -> str:
    """What the fitted model depends on: the sets' contents, this code, what prepares the messages, the
    questions and scikit-learn's version (`stats` only tells when to read the sets again)."""
    import sklearn

    digest = hashlib.sha256(f"{sklearn.__version__} {' '.join(questions)}".encode() + Path(__file__).read_bytes())
    digest.update(fingerprint)
    for name, _, _ in stats:
        digest.update(name.encode() + b"\0" + (Path(folder) / name).read_bytes())
    return digest.hexdigest()[:24]


def _load(key: str, path: Path, questions: tuple[str, ...], prepare) -> SecondReading:
    cache = _cache_dir()
    cached = cache / f"second-reading-{key}.pickle" if cache else None
    model = None
    if cached is not None and cached.is_file():
        try:
            with cached.open("rb") as fh:
                model = pickle.load(fh)
        except Exception:  # a damaged or foreign cache file: fit anew
            model = None
    if not isinstance(model, SecondReading):
        model = SecondReading(_examples(path, prepare), questions)
        if cached is not None:
            try:
                from advisor.files import clean_stale, write_output

                cached.parent.mkdir(parents=True, exist_ok=True)
                clean_stale(cached)  # what a run stopped mid-write left
                write_output(cached, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
                for old in cached.parent.glob("second-reading-*.pickle"):  # fitted on other data or code
                    if old != cached:
                        old.unlink(missing_ok=True)
            except Exception:  # a read-only home or a full disk costs the next run a refit, nothing more
                pass
    _LOADED[key] = model
    return model
