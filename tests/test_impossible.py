"""Every answer combination that cannot lead to a recommendation today, with the reason.

Over all combinations of the answers that set hard needs (target, mobile platforms, language,
hardware, task), a combination is impossible only when two answers cannot work together (the
`allows` rules of prompts/questions.yaml, which the wizard shows as disabled options with why);
every other combination has a live runtime that meets every need and a live framework with a
bridge to it. The table below is the whole list; the test fails when the knowledge or the rules
make a new combination impossible, or make a listed one possible.
"""

from __future__ import annotations

import itertools

import pytest

from advisor.context import Context
from advisor.engine import meets
from advisor.pairing import routes
from advisor.weights import derive

# (the answer that rules out, the question, the answers it rules out): why
IMPOSSIBLE = {
    ("target=mobile", "hardware", ("nvidia_gpu", "intel_cpu", "amd_gpu")):
        "phones run on ARM cores, NPUs and Apple silicon, not on discrete GPUs or x86 CPUs",
    ("target=mobile", "language", ("python", "go")):
        "a phone app calls the model from Kotlin/Java, Swift, C/C++, C#, JavaScript or Rust",
    ("mobile_os=android", "hardware", ("apple_silicon",)): "Android phones have no Apple silicon",
    ("mobile_os=android", "language", ("swift",)): "Android apps are not written in Swift",
    ("mobile_os=ios", "language", ("java", "kotlin")): "iOS apps are not written in Java or Kotlin",
    ("target=microcontroller", "language", ("python", "java", "kotlin", "javascript", "csharp", "swift", "go",
                                            "rust")):
        "microcontroller firmware that runs a model is C or C++ (LiteRT Micro, ExecuTorch)",
    ("target=microcontroller", "hardware", ("nvidia_gpu", "intel_cpu", "apple_silicon", "amd_gpu")):
        "a microcontroller has a microcontroller core (Arm Cortex-M, Xtensa, RISC-V), not a GPU or x86 CPU",
    ("target=browser", "language", ("python", "java", "kotlin", "csharp", "swift", "go")):
        "code in a browser is JavaScript, or C/C++/Rust compiled to WebAssembly",
}


def _reason(conflict) -> str | None:
    for (by, question, answers), why in IMPOSSIBLE.items():
        if conflict.by == by and conflict.question == question and conflict.answer in answers:
            return why
    return None


@pytest.fixture(scope="module")
def combinations():
    ctx = Context()
    qs, cat = ctx.questions, ctx.catalog
    live = {s.id for s in cat.kind("framework") if s.status != "discontinued"}
    reachable = {d for (p, d) in routes(cat) if p in live}
    runtimes = [s for s in cat.subjects.values() if s.deployable and s.status != "discontinued" and s.id in reachable]
    out = []
    for target in qs.get("target").option_ids:
        platforms = qs.get("mobile_os").option_ids if target == "mobile" else [None]
        for os_, language, hardware, task in itertools.product(
                platforms, *(qs.get(q).option_ids for q in ("language", "hardware", "task"))):
            values = {"target": target, "language": language, "hardware": hardware, "task": task}
            if os_:
                values["mobile_os"] = os_
            profile = derive(ctx.answers(values), qs)
            fitting = [] if profile.conflicts else [s.id for s in runtimes if not meets(s, profile.needs)]
            out.append((values, profile.conflicts, fitting))
    return out


def test_every_impossible_combination_is_a_listed_conflict(combinations):
    impossible = [(v, c) for v, c, fitting in combinations if c or not fitting]
    print(f"\n{len(impossible)} of {len(combinations)} combinations are impossible, all by the listed rules")
    for values, conflicts in impossible:
        assert conflicts, f"no runtime meets {values}: not a rule of questions.yaml; add knowledge or a rule"
        assert _reason(conflicts[0]), (values, conflicts[0])


def test_every_rule_is_used(combinations):
    used = {_reason(c[0]) for _, c, _ in combinations if c}
    assert used == set(IMPOSSIBLE.values())


def test_every_other_combination_has_a_runtime(combinations):
    assert all(fitting for _, conflicts, fitting in combinations if not conflicts)


@pytest.mark.parametrize("rule", list(IMPOSSIBLE))
def test_the_engine_exits_1_and_names_the_conflict(rule):
    by, question, answers = rule
    key, value = by.split("=")
    values = {key: value, question: answers[0]}
    if key == "mobile_os":
        values["target"] = "mobile"
    if question == "hardware":  # a language that fits, so the hardware is the conflict named
        values["language"] = "cpp"
    rec = Context().recommend(values)
    assert not rec.ok and int(rec.exit_code) == 1
    assert rec.unmet.conflict is not None and rec.unmet.conflict.answer == answers[0]


def test_every_possible_combination_gets_a_live_pick_that_meets_every_need(combinations):
    """Over every combination of the answers that set hard needs (the others only move weights), the
    engine picks a live pair whose runtime meets each need, and its steps name the accelerator it uses."""
    from advisor import present
    from test_properties import ACCELERATORS

    ctx = Context()
    cat = ctx.catalog
    for values, conflicts, _ in combinations:
        if conflicts:
            continue
        rec = ctx.recommend(values)
        assert rec.ok, values
        deploy = cat.subjects[rec.deployment.id]
        assert deploy.status != "discontinued" and cat.subjects[rec.prototype.id].status != "discontinued"
        assert not rec.failed_needs.get(deploy.id) and meets(deploy, derive(ctx.answers(values), ctx.questions).needs) == []
        words = ACCELERATORS.get((deploy.id, values["hardware"]))
        if words:
            steps = " ".join(present.bridge_steps(rec)).lower()
            assert any(w.lower() in steps for w in words), (values, deploy.id)
