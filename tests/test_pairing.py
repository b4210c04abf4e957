"""Bridges: ONNX ones derived (exporter x importer), native ones ending when removed; ONNX by default, native only
when clearly better, a framework deploying itself."""

from __future__ import annotations

import datetime as dt

from advisor import knowledge as kb
from advisor.catalog import catalog
from advisor.pairing import CLEARLY_BETTER, Bridge, Route, best_routes, bridges, quality, routes
from advisor.paths import packaged_dir

from conftest import MINI_KB


def cat_at(day):
    kb._load.cache_clear()
    return catalog(day, kb.load(MINI_KB))


def test_onnx_bridges_are_derived_and_removed_native_bridges_end():
    def found(day):
        return {(b.source, b.target, b.kind) for b in bridges(cat_at(day))}

    assert ("alpha", "rt-one", "onnx") in found(dt.date(2019, 6, 1))
    assert ("alpha", "rt-web", "native") in found(dt.date(2019, 6, 1))
    assert ("alpha", "rt-web", "native") not in found(dt.date(2024, 6, 1))
    assert ("beta", "rt-web", "onnx") not in found(dt.date(2019, 6, 1))  # rt-web takes no ONNX


def test_routes_at_two_dates():
    r2019 = routes(cat_at(dt.date(2019, 6, 1)))
    assert r2019[("alpha", "rt-one")].kind == "onnx" and r2019[("alpha", "rt-one")].exporter == "torch.onnx"
    assert r2019[("alpha", "rt-web")].kind == "native" and r2019[("alpha", "rt-web")].maturity == "experimental"
    assert r2019[("beta", "beta")].kind == "same" and r2019[("beta", "beta")].quality == 1.0
    r2025 = routes(cat_at(dt.date(2025, 6, 1)))
    assert ("alpha", "rt-web") not in r2025  # the native route was removed in 2024


def test_native_wins_only_when_clearly_better():
    onnx_builtin = Bridge("f", "r", "onnx", "x.onnx", "R", "stable", ("s",))
    onnx_community = Bridge("f", "r", "onnx", "x2onnx", "R", "beta", ("s",))
    native_stable = Bridge("f", "r", "native", "x.export", "R", "stable", ("s",))
    assert quality(native_stable) - quality(onnx_builtin) < CLEARLY_BETTER
    assert quality(native_stable) - quality(onnx_community) >= CLEARLY_BETTER

    for onnx, expected in ((onnx_builtin, "onnx"), (onnx_community, "native")):
        chosen = best_routes([onnx, native_stable])[("f", "r")]
        assert isinstance(chosen, Route) and chosen.kind == expected
        assert chosen.alternative is not None and chosen.alternative.kind != expected


def test_a_framework_deploying_itself_cites_where_it_serves():
    kb._load.cache_clear()
    k = kb.load(packaged_dir("knowledge"))
    cat = catalog(dt.date(2018, 6, 30), k)
    route = routes(cat)[("tensorflow", "tensorflow")]
    row = max((r for r in k.tables["capabilities"] if r["subject"] == "tensorflow" and r["attribute"] == "targets"
               and r["since"] <= "2018-06-30"), key=lambda r: r["since"])
    assert route.sources == tuple(row["source"].split()) and route.sources
