"""Quick calibration check: pattern figures over N paired seeds (development aid)."""

import sys
import time

import numpy as np

from sim import run, scenario
from sim.runner import replication_seeds


def cum(kind, seeds, **ch):
    return np.array([run(scenario(kind, **ch), s)["value_cumulative"].iloc[-1] for s in seeds])


def main(n=10):
    seeds = replication_seeds(7, n)
    t = time.time()
    frames = {k: [run(scenario(k), s) for s in seeds] for k in ("proactive", "open", "phased", "combined")}
    print(f"{(time.time() - t) / (4 * n):.3f} s/run")
    final = {k: np.array([f["value_cumulative"].iloc[-1] for f in v]) for k, v in frames.items()}
    early = {k: np.array([f["value_flow"].iloc[:29].mean() for f in v]) for k, v in frames.items()}
    for k in final:
        print(k, "final median", np.median(final[k]).round(1), "early", np.median(early[k]).round(3))
    for k in ("open", "phased", "combined"):
        print("P1", k, "> proactive", (final[k] > final["proactive"]).mean())
    print("P2 proactive early > open", (early["proactive"] > early["open"]).mean())
    print("P4 phased > open", (final["phased"] > final["open"]).mean())
    print("P8 combined > phased", (final["combined"] > final["phased"]).mean())
    tight = {"resources.budget": 0.4, "resources.staff_hours": 20.0, "resources.dga_hours": 30.0}
    o_t, p_t = cum("open", seeds, **tight), cum("proactive", seeds, **tight)
    print("P1 tight open > proactive", (o_t > p_t).mean())
    ko = {"mechanisms.technology_prerequisite": False}
    print("P4 KO prereq phased > open", (cum("phased", seeds, **ko) > cum("open", seeds, **ko)).mean())
    ko = {"city.initial_infrastructure": 0.8}
    print("P4 KO I0=.8 phased > open", (cum("phased", seeds, **ko) > cum("open", seeds, **ko)).mean())
    for f in frames["open"][:3]:
        ma = f["value_flow"].rolling(12).mean().to_numpy()
        slope = np.gradient(ma)
        q = len(ma) * 3 // 4
        last = np.polyfit(np.arange(q, len(ma)), ma[q:], 1)[0]
        print("P5 open: last-quarter slope/peak", round(last / np.nanmax(slope), 3),
              "load last q", f["load"].iloc[q:].mean().round(2), "partners", f["partners"].iloc[q:].mean())
    def half(f, c):
        v = f[c].to_numpy(); return int(np.argmax(v >= v[-1] / 2))
    order = [all(half(f, "infrastructure") < half(f, "culture") < half(f, "institutions")) if False else
             half(f, "infrastructure") < half(f, "culture") < half(f, "institutions")
             for k in ("open", "phased", "combined") for f in frames[k]]
    print("P3 I<C<Q share", np.mean(order))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
