"""The Deep Learning Showdown's own scoring (seed 003): category = mean of its normalised
criteria that are known, overall = mean of the three categories, all on 0-100."""

from __future__ import annotations

from advisor.catalog import Catalog

SHOWDOWN_CATEGORIES = ("support_community", "api_internals", "platform")


def scores(cat: Catalog) -> list[dict]:
    crits = [c for c in cat.criteria.values() if c.in_showdown]
    out = []
    for s in cat.kind("framework"):
        cats: dict[str, float] = {}
        for category in SHOWDOWN_CATEGORIES:
            known = [100 * c.normalise(s.values[c.id]) for c in crits if c.category == category and c.id in s.values]
            if known:
                cats[category] = round(sum(known) / len(known), 1)
        if len(cats) < len(SHOWDOWN_CATEGORIES):
            continue  # not scored on the Showdown's criteria at this date
        overall = round(sum(cats.values()) / len(cats), 1)
        missing = [c.id for c in crits if c.id not in s.values]
        out.append({"id": s.id, "name": s.name, "status": s.status, "categories": cats, "overall": overall,
                    "missing": missing})
    out.sort(key=lambda r: (-r["overall"], r["id"]))
    for i, r in enumerate(out, 1):
        r["rank"] = i
    return out
