"""Concrete bridge steps from prompts/steps.yaml: export, check, load and run."""

from __future__ import annotations

from functools import lru_cache

from advisor.catalog import Subject
from advisor.paths import packaged_dir


@lru_cache(maxsize=1)
def _steps() -> dict:
    from advisor.files import load_yaml

    return load_yaml((packaged_dir("prompts") / "steps.yaml").read_text(encoding="utf-8"))


def export_entry(exporter: str) -> dict:
    return next(e for e in _steps()["export"] if e["match"] in exporter)


def bridge_steps(route, prototype: Subject, runtime: Subject, language: str) -> list[str]:
    data = _steps()
    fields = {
        "prototype": prototype.name, "runtime": runtime.name, "exporter": route.exporter,
        "importer": route.importer, "language": language,
        "prototype_id": prototype.id, "runtime_id": runtime.id,
    }
    if route.kind == "same":
        return [data["native"]["same"].format(**fields)]
    if route.kind == "native":
        exporter = route.exporter.lower()
        convert = next((e["step"] for e in data["native_export"] if e["match"] in exporter), None)
        if convert is None:
            return [data["native"]["any"].format(**fields)]
        return [convert.format(**fields), data["native"]["load"].format(**fields)]
    entry = export_entry(route.exporter)
    fields["opset"] = entry["opset"]
    loaders = data["load"].get(runtime.id) or data["load"][""]
    load = loaders.get(language) or loaders.get("any") or data["load"][""]["any"]
    steps = [entry["step"].format(**fields), data["check"].format(**fields)]
    can = data["verifiable"]
    if prototype.id in can["prototypes"] and runtime.id in can["runtimes"]:
        steps.append(data["verify"].format(**fields))
    return steps + [load.format(**fields)]
