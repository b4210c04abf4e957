"""How firmly the pick holds when the weights move: seeded perturbation and the smallest flip."""

from __future__ import annotations

import numpy as np

SEED = 20180814  # the Showdown's publication date: any fixed seed gives byte-identical output
SAMPLES = 400
SIGMA = 0.25  # log-normal spread of each weight: about +-25%
FIRMNESS = ((0.9, "firm"), (0.7, "fairly firm"), (0.5, "leaning"), (0.0, "a close call"))


def firmness(share: float) -> str:
    return next(word for limit, word in FIRMNESS if share >= limit)


def winners(pairs, proto_X, proto_w, deploy_X, deploy_w, pair_fn) -> np.ndarray:
    """The index of the best pair for each weighting (rows of proto_w/deploy_w); ties go to the lowest
    index (pairs are sorted best-first, then by ids)."""
    from advisor.rank import scores

    pi = np.array([p[0] for p in pairs])
    di = np.array([p[1] for p in pairs])
    q = np.array([p[2] for p in pairs])[:, None]
    total = pair_fn(scores(proto_X, proto_w)[pi], scores(deploy_X, deploy_w)[di], q)  # pairs x samples
    return np.argmax(np.round(total, 9), axis=0)


def winner(pairs, proto_X, proto_w, deploy_X, deploy_w, pair_fn) -> int:
    """The index of the best pair for one weighting."""
    return int(winners(pairs, proto_X, proto_w, deploy_X, deploy_w, pair_fn)[0])


def analyse(pairs, proto_X, proto_w, deploy_X, deploy_w, proto_crits, deploy_crits, pair_fn) -> dict:
    """pairs: list of (proto_index, deploy_index, route_quality, label), index 0 is the pick.

    pair_fn(P, D, q) -> pair scores (vectorised). Returns stays-first shares and the smallest flip.
    """
    rng = np.random.default_rng(SEED)
    pi = np.array([p[0] for p in pairs])
    di = np.array([p[1] for p in pairs])

    def best(wp: np.ndarray, wd: np.ndarray) -> np.ndarray:
        return winners(pairs, proto_X, wp, deploy_X, wd, pair_fn)

    wp = proto_w * np.exp(rng.normal(0.0, SIGMA, size=(SAMPLES, len(proto_w))))
    wd = deploy_w * np.exp(rng.normal(0.0, SIGMA, size=(SAMPLES, len(deploy_w))))
    win = best(wp, wd)
    stays = float(np.mean(win == 0))
    proto_stays = float(np.mean(pi[win] == pi[0]))
    deploy_stays = float(np.mean(di[win] == di[0]))

    flip = None
    factors = np.concatenate([np.round(1 + np.arange(1, 81) * 0.05, 2), np.round(1 - np.arange(1, 21) * 0.05, 2)])
    factors = factors[np.argsort(np.abs(factors - 1), kind="stable")]
    for side, base, crits in (("prototype", proto_w, proto_crits), ("deployment", deploy_w, deploy_crits)):
        for j, crit in enumerate(crits):
            if base[j] <= 0:  # a knob the answers set to zero is not the person's: it cannot flip their pick
                continue
            trial = np.repeat(base[None, :], len(factors), axis=0)
            trial[:, j] = base[j] * factors
            if side == "prototype":
                w_new = best(trial, deploy_w[None, :])
            else:
                w_new = best(proto_w[None, :], trial)
            moved = np.nonzero(w_new != 0)[0]
            if not len(moved):
                continue
            k = moved[0]
            change = abs(factors[k] - 1)
            cand = {
                "side": side, "criterion": crit,
                "from": round(float(base[j]), 3), "to": round(float(trial[k, j]), 3),
                "change": round(float(change), 2), "new_pick": pairs[int(w_new[k])][3],
            }
            if flip is None or (change, side, crit) < (flip["change"], flip["side"], flip["criterion"]):
                flip = cand
    return {
        "samples": SAMPLES, "seed": SEED, "sigma": SIGMA,
        "stays_first": round(stays, 3), "prototype_stays_first": round(proto_stays, 3),
        "deployment_stays_first": round(deploy_stays, 3), "firmness": firmness(stays), "smallest_flip": flip,
    }
