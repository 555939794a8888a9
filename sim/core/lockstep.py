"""Many runs of one city stepped together: `GovernanceModel`'s step over arrays of runs.

The robustness map (sim/studies/robustness.py) runs every parameter set through nine cases ×
K seeds: 45 runs of the same city that differ only in parameters, mechanisms and seeds. One
`GovernanceModel` run spends most of its time in Python overhead around small arrays (ten
departments, 96 candidate partners, 80 datasets), not in arithmetic. Here the runs move in
lockstep: departments, DGAs, partners and the catalogue become arrays with one row per run, so
one numpy call serves every run, and only what is truly per run (the random draws, a few scalars,
the residents, who are arrays already) loops over runs.

This is a second implementation of `GovernanceModel.step` (the model stays the reference, and
the place where behaviour is read and changed): `tests/core/test_lockstep.py` holds the two
together, month by month and column by column, bit for bit. To stay exact it

* builds each run as a `GovernanceModel` and reads its initial state, so the agents are created
  by the model's own code and each run's random stream is where the model leaves it;
* draws from each run's own generator, in the model's order within a month (common random
  numbers survive: run k here is run k there);
* keeps the model's floating-point operations and their order: its piecewise rules run
  elementwise on arrays of runs (`sim/core/runwise.py`), its agent averages are `math.fsum`
  (as `sim.core.mean`) and its list totals Python's `sum`; where numpy and Python may differ in
  the last bit (powers, exponentials) or the rule has state of its own (trajectories, Poisson
  draws, the value accounts), each run goes through the model's own function.

A lockstep holds runs of one city and horizon without a forced partner count (`supports`);
`run_lockstep` takes any mix, moves it city by city and runs the rest as models. Whoever changes
a rule of the model changes it here too: the equivalence tests fail until both agree.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.core.agents.citizens import CitizenOutcome
from sim.core.agents.department import OPERATION, TRAINING
from sim.core.agents.partner import DATA_APPETITE
from sim.core.config import ModelConfig
from sim.core.governance import BUDGET_LINES, budget_shares, make_trajectory
from sim.core.lockstep_staff import StaffStages
from sim.core.model import GovernanceModel, poisson_draw, sigmoid
from sim.core.outputs import Recorder
from sim.core.runwise import Columns, appetite_sum, fsum_rows, funding_v, python_sums
from sim.core.value import Accounts, account, weight_profile

OUTCOME_FIELDS = tuple(f.name for f in dataclasses.fields(CitizenOutcome))


def supports(configs: Sequence[ModelConfig]) -> bool:
    """Whether these runs can move in lockstep: one city, one horizon, no forced partner count."""
    first = configs[0]
    return all(
        c.city == first.city and c.months == first.months and c.mechanisms.forced_partners is None
        for c in configs
    )


class Lockstep(StaffStages):
    """`len(configs)` runs (config i with seed i) of one city, stepped month by month together.

    Attributes hold one row per run: stocks `(runs,)`, departments `(runs, departments)`,
    co-creation partners `(runs, candidates)`, the catalogue `(runs, departments, datasets)`.
    The residents stay in each run's own `Population` (they are already arrays, and a step over
    all runs' residents at once is slower: the arrays leave the cache).
    """

    def __init__(self, configs: Sequence[ModelConfig], seeds: Sequence[int]) -> None:
        if len(configs) != len(seeds) or not configs:
            raise ValueError("one seed per config, and at least one run")
        if not supports(configs):
            raise ValueError("lockstep runs need one city and horizon and no forced partners")
        self.configs = list(configs)
        models = [
            GovernanceModel(c, rng=int(s), citizen_agents=False)
            for c, s in zip(configs, seeds, strict=True)
        ]
        self.rngs = [m.rng for m in models]
        self.runs, self.months = len(models), configs[0].months
        self.month = 0
        self.par = Columns([c.parameters for c in configs])
        self.res = Columns([c.resources for c in configs])
        self.mech = Columns([c.mechanisms for c in configs])
        self.weights = [weight_profile(c.weights) for c in configs]
        self._read_state(models)
        self.recorder = Recorder(self.months, self.runs)

    def _read_state(self, models: list[GovernanceModel]) -> None:
        """Each model's initial state, as rows of arrays."""
        city = self.configs[0].city
        self.D, self.G = city.departments, city.dgas
        self.I = np.array([m.infrastructure for m in models])
        self.C = np.array([m.culture for m in models])
        self.Q = np.array([m.institutions for m in models])
        self.pending = np.zeros(self.runs)
        self.cumulative = np.zeros(self.runs)
        self.legitimacy = np.array([m.mayor.legitimacy for m in models])
        self.commitment = np.array([m.mayor.commitment for m in models])
        self.trajectories = [m.mayor.trajectory for m in models]
        self.vendor_quality = np.array([m.vendor_quality for m in models])
        self.maturity = np.array([[d.maturity for d in m.departments] for m in models])
        self.silo = np.array([[d.silo for d in m.departments] for m in models])
        self.hours = self.res.staff_hours.astype(float)
        self.dga_of = np.arange(self.D) % self.G  # department d sits in DGA d mod G's portfolio
        self.portfolio = np.bincount(self.dga_of, minlength=self.G).astype(float)
        # Co-creation partners (vendors never leave: they only count in the privacy exposure).
        co = [m.co_creators for m in models]
        self.capability = np.array([[p.capability for p in c] for c in co])
        self.alignment = np.array([[p.alignment for p in c] for c in co])
        self.base_alignment = np.array([[p.base_alignment for p in c] for c in co])
        self.reputation = np.array([sum(p.base_alignment for p in c) for c in co])
        self.active = np.array([[p.active for p in c] for c in co], dtype=bool)
        self.host = np.zeros(self.active.shape, dtype=np.int64)
        self.starved = np.zeros(self.active.shape, dtype=np.int64)
        self.output = np.zeros(self.active.shape)
        kinds = list(DATA_APPETITE)
        self.kind = np.array([kinds.index(p.kind) for p in co[0]], dtype=np.int64)
        self.vendors = len(models[0].vendors)
        self.published = np.array([m.catalogue.published for m in models])
        self.age = np.array([m.catalogue.age for m in models])
        self.populations = [m.population for m in models]
        self.override = np.array([v is not None for v in self.mech.reflex_override])
        self.override_value = np.array([v or 0.0 for v in self.mech.reflex_override])[:, None]

    # ---- the monthly step ----------------------------------------------------------------------
    def run(self) -> list[pd.DataFrame]:
        """Step every run to the horizon; one monthly table per run, as `GovernanceModel.run`."""
        while self.month < self.months:
            self.step()
        return [self.frame(r) for r in range(self.runs)]

    def step(self) -> None:
        """One month of every run: the stages of `GovernanceModel.step`, in its order."""
        self.month += 1
        before = self.I.copy()
        course = self._set_course()  # 1
        dgas = self._steer(course)  # 2
        staff = self._allocate_staff_hours(course, dgas)  # 3
        partner_output = self._partners_work(course, staff, dgas)  # 4
        privacy = self._privacy()  # 5
        citizens, mediation = self._citizens_react(course, staff, privacy)
        cross_silo = self._move_stocks(course, staff, dgas)  # 6
        self._account(course, staff, dgas, citizens, privacy, mediation, cross_silo,
                      partner_output, before)  # fmt: skip
        self._elections()

    def skills(self) -> np.ndarray:
        """1 − s + s·m̄ of every run, m̄ the departments' mean maturity (model.skills)."""
        share = self.par.maturity_share
        return 1 - share + share * (np.array(fsum_rows(self.maturity)) / self.D)

    def _set_course(self) -> dict[str, np.ndarray]:
        """Stage 1: the governance point (each run's own trajectory object), budget, lines."""
        I, C = self.I.tolist(), self.C.tolist()
        points = [
            t.point(self.month, i, c) for t, i, c in zip(self.trajectories, I, C, strict=True)
        ]
        p, o = (np.array(v, dtype=float) for v in zip(*points, strict=True))
        par = self.par
        budget = np.where(
            self.mech.legitimacy_budget,
            self.res.budget * (par.budget_floor + par.budget_legitimacy * self.legitimacy),
            self.res.budget,
        )
        self.commitment = np.minimum(1.0, self.commitment + par.commitment_recovery)
        shares = np.array([list(budget_shares(a, b).values()) for a, b in points])
        lines = shares * budget[:, None]
        course = dict(zip(BUDGET_LINES, lines.T, strict=True))
        course.update(p=p, o=o, budget=budget, commitment=self.commitment,
                      spent=python_sums(lines))  # fmt: skip
        return course

    def _privacy(self) -> dict[str, np.ndarray]:
        """Stage 5: exposure, hazard and this month's breaches (model._privacy)."""
        par = self.par
        counts = np.stack(
            [(self.active & (self.kind == k)).sum(axis=1) for k in range(len(DATA_APPETITE))], 1
        )
        counts[:, 0] += self.vendors
        total = counts.sum(axis=1)
        appetite = np.array(
            [
                appetite_sum(tuple(c)) / t if t else 0.0
                for c, t in zip(counts.tolist(), total, strict=True)
            ]
        )
        circle = 1.0 + self.active.sum(axis=1) / par.privacy_circle
        exposure = (
            self.I
            * (par.appetite_floor + appetite)
            * circle
            * (1.0 - par.privacy_charters * self.Q)
        )
        hazard = par.breach_hazard * exposure
        breaches = [
            poisson_draw(h, float(g.random()))
            for h, g in zip(hazard.tolist(), self.rngs, strict=True)
        ]
        return {"exposure": exposure, "hazard": hazard, "breaches": np.array(breaches)}

    def _citizens_react(
        self, course: dict, staff: dict, privacy: dict
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Stage 5: each run's residents move in its own Population (model._citizens_react)."""
        par, half = self.par, 0.5 * course["participation"]
        mediation = np.where(self.mech.mediation, funding_v(half, 0.0, par.mediation_full), 0.0)
        channel = funding_v(half, self.res.programme_startup, par.platform_full)
        platform = self.technology() * (channel * staff["staffing"])
        availability = self.I * self.skills()
        outcomes = [
            population.step(
                rng,
                availability=a,
                digitisation=i,
                openness=o,
                platform=pl,
                mediation=me,
                implementation=im,
                breaches=b,
                params=params,
                fatigue=fatigue,
                month=self.month,
            )
            for population, rng, a, i, o, pl, me, im, b, params, fatigue in zip(
                self.populations,
                self.rngs,
                availability.tolist(),
                self.I.tolist(),
                course["o"].tolist(),
                platform.tolist(),
                mediation.tolist(),
                staff["implementation"].tolist(),
                privacy["breaches"].tolist(),
                [c.parameters for c in self.configs],
                self.mech.fatigue.tolist(),
                strict=True,
            )
        ]
        out = {f: np.array([getattr(x, f) for x in outcomes]) for f in OUTCOME_FIELDS}
        self.pending = out["contribution_pct"]
        self.legitimacy = self.legitimacy + par.legitimacy_smoothing * (
            out["trust"] - self.legitimacy
        )
        return out, mediation

    def _move_stocks(self, course: dict, staff: dict, dgas: dict) -> np.ndarray:
        """Stage 6: I, C, Q (model._move_stocks), maturity and publication. Returns the
        transversal work brokered."""
        par, mech = self.par, self.mech
        I, C, Q = self.I, self.C, self.Q
        operation = staff["shares"][:, :, OPERATION]
        push = np.array(fsum_rows(dgas["support"] * operation)) / self.D
        push = push * (course["p"] * course["commitment"])
        lines = course["infrastructure"].tolist()
        returns = par.budget_returns.tolist()
        dI = par.infra_growth * np.array([x**b for x, b in zip(lines, returns, strict=True)])
        dI = dI * self.vendor_quality * (0.5 + 0.5 * push) * (1 - I) - par.infra_decay * I
        gate_I = self._gate(mech.technology_prerequisite, I, par.technology_threshold)
        cross_silo = dgas["cross_silo"] / self.G * staff["staffing"]
        drive_C = (
            course["organisation"]
            + par.culture_drive_practice * staff["practice"]
            + par.culture_drive_cross_silo * cross_silo
        )
        dC = par.culture_growth * drive_C * gate_I * (1 - C) - par.culture_decay * C
        gate_C = self._gate(mech.culture_prerequisite, C, par.culture_threshold)
        funded = np.minimum(1.0, course["institutions"] / par.institution_budget)
        dQ = par.institution_growth * staff["practice"] * C * funded * gate_C * (1 - Q)
        dQ = dQ - par.institution_decay * Q
        self.I = np.minimum(1.0, np.maximum(0.0, I + dI))
        self.C = np.minimum(1.0, np.maximum(0.0, C + dC))
        self.Q = np.minimum(1.0, np.maximum(0.0, Q + dQ))
        self._learn(course, staff)
        self._publish(staff)
        return cross_silo

    def _gate(self, on: np.ndarray, stock: np.ndarray, threshold: np.ndarray) -> np.ndarray:
        """The prerequisite's sigmoid gate (1 where it is knocked out), with the model's
        `sigmoid` run by run (math.exp, not numpy's exp: the two may differ in the last bit)."""
        x = ((stock - threshold) / self.par.prerequisite_width).tolist()
        return np.array([sigmoid(v) if g else 1.0 for v, g in zip(x, on.tolist(), strict=True)])

    def _learn(self, course: dict, staff: dict) -> None:
        """Department.learn for every department of every run."""
        par = self.par
        intensity = np.minimum(1.0, course["organisation"] / par.training_budget)
        trained = staff["shares"][:, :, TRAINING] * intensity[:, None]
        learning = trained + (par.tools_learning * self.I)[:, None]
        growth = par.maturity_growth[:, None] * learning * (1 - self.maturity)
        decay = par.maturity_decay[:, None] * self.maturity
        self.maturity = np.minimum(1.0, np.maximum(0.0, self.maturity + growth - decay))

    def _publish(self, staff: dict) -> None:
        """Catalogue.publish, one draw per dataset and run."""
        probability = self.par.publish_rate * staff["practice"] * self.technology()
        draws = np.stack([g.random(self.published.shape[1:]) for g in self.rngs])
        new = ~self.published & (draws < probability[:, None, None])
        self.published |= new
        self.age[new] = 0

    def _account(
        self,
        course: dict,
        staff: dict,
        dgas: dict,
        citizens: dict,
        privacy: dict,
        mediation: np.ndarray,
        cross_silo: np.ndarray,
        partner_output: np.ndarray,
        before: np.ndarray,
    ) -> None:
        """Stage 7: generators and destruction of every run, each run's accounts
        (`sim.core.value.account`), and the month's row."""
        R, par = self.runs, self.par
        size = self.published[0].size
        I, C, skills, tech = self.I, self.C, self.skills(), self.technology()
        operation = np.array(fsum_rows(staff["shares"][:, :, OPERATION])) / self.D
        stale_count = (self.published & (self.age > par.stale_after[:, None, None])).sum(
            axis=(1, 2)
        )
        published_count = self.published.sum(axis=(1, 2))
        transparency = par.transparency_base + (1 - par.transparency_base) * I
        generators = np.stack(
            [
                I * skills * operation,
                citizens["users"] * skills,
                I * (par.intrinsic_culture * C + par.intrinsic_mediation * mediation),
                self.fresh_share() * transparency,
                np.minimum(1.0, citizens["participation_year"] / par.participation_reference)
                * staff["implementation"],
                par.co_creation_value * partner_output + cross_silo * C * tech,
            ],
            axis=1,
        )
        stale_all = stale_count / size if size else np.zeros(R)
        destruction = np.stack(
            [
                par.exclusion_harm * citizens["harm"] * skills,
                par.privacy_harm * privacy["exposure"] + par.breach_harm * privacy["breaches"],
                par.footprint_operating * I + par.footprint_embodied * np.maximum(0.0, I - before),
                par.stale_harm * stale_all,
            ],
            axis=1,
        )
        accounts = [
            account(g, d, w) for g, d, w in zip(generators, destruction, self.weights, strict=True)
        ]
        totals = np.array([a[3:] for a in accounts]).T  # gross, destroyed, net
        self.cumulative = self.cumulative + totals[2]
        values = Accounts(*(np.array([a[k] for a in accounts]).T for k in range(3)), *totals)
        loads = staff["totals"] / self.hours[:, None]
        state = {
            "proactivity": course["p"],
            "openness": course["o"],
            "infrastructure": I,
            "culture": C,
            "institutions": self.Q,
            "budget": course["budget"],
            "budget_spent": course["spent"],
            "hours_capacity": python_sums(np.repeat(self.hours[:, None], self.D, axis=1)),
            "hours_used": staff["hours_used"],
            "load": np.array(fsum_rows(loads)) / self.D,
            "load_max": loads.max(axis=1),
            "dga_unmet": dgas["unmet"],
            "programme_staffing": staff["staffing"],
            "commitment": course["commitment"],
            "legitimacy": self.legitimacy,
            "partners": self.active.sum(axis=1),
            "partner_output": partner_output,
            "users": citizens["users"],
            "participation": citizens["participation"],
            "participation_year": citizens["participation_year"],
            "implementation": staff["implementation"],
            "trust": citizens["trust"],
            "trust_gap": citizens["trust_gap"],
            "illectronism": citizens["illectronism"],
            "mediation": mediation,
            "published_share": published_count / size if size else np.zeros(R),
            "stale_share": np.divide(
                stale_count, published_count, out=np.zeros(R), where=published_count > 0
            ),
            "dataset_updates": staff["updated"],
            "breach_hazard": privacy["hazard"],
            "breaches": privacy["breaches"],
            "value_cumulative": self.cumulative,
        }
        self.recorder.month(self.month, generators=generators.T, destruction=destruction.T,
                            values=values, state=state)  # fmt: skip

    def _elections(self) -> None:
        """Municipal elections (Mayor.face_election), run by run, after the month's accounts."""
        turnover = np.zeros(self.runs)
        for r, g in enumerate(self.rngs):
            config = self.configs[r]
            if not (config.mechanisms.elections and self.month % config.election_interval == 0):
                continue
            params = config.parameters
            x = -(float(self.legitimacy[r]) - params.reelection_midpoint) / params.reelection_spread
            if g.random() < 1.0 / (1.0 + math.exp(x)):
                continue  # re-elected
            turnover[r] = 1.0
            self.commitment[r] = params.new_mayor_commitment
            if config.trajectory.after_turnover:
                kind = config.trajectory.after_turnover
                self.trajectories[r] = make_trajectory(config.trajectory, kind)
        self.recorder.set(self.month, "turnover", turnover)

    # ---- results -------------------------------------------------------------------------------
    def frame(self, run: int) -> pd.DataFrame:
        """Run `run`'s monthly table, as `GovernanceModel.dataframe` builds it."""
        return self.recorder.frame(self.month, run)


RESIDENTS = 1_000_000  # at most this many residents, all runs together, in one lockstep


def run_lockstep(
    configs: Sequence[ModelConfig], seeds: Sequence[int], residents: int = RESIDENTS
) -> list[pd.DataFrame]:
    """Monthly tables of `configs[i]` with `seeds[i]`, as `GovernanceModel(...).run()` gives them.

    Runs of one city and horizon move together, in groups of at most `residents` residents
    (memory: each run keeps its own population); a run with a forced partner count, or alone
    with its city, runs as a model.
    """
    groups: dict[tuple, list[int]] = {}
    for i, config in enumerate(configs):
        alone = config.mechanisms.forced_partners is not None
        groups.setdefault((config.city, config.months, i if alone else -1), []).append(i)
    frames: list[pd.DataFrame | None] = [None] * len(configs)
    for members in groups.values():
        size = max(1, residents // configs[members[0]].city.citizens)
        for start in range(0, len(members), size):
            part = members[start : start + size]
            for i, frame in zip(part, _run_together(configs, seeds, part), strict=True):
                frames[i] = frame
    return frames  # type: ignore[return-value]


def _run_together(
    configs: Sequence[ModelConfig], seeds: Sequence[int], part: list[int]
) -> list[pd.DataFrame]:
    if len(part) == 1:
        i = part[0]
        return [GovernanceModel(configs[i], rng=int(seeds[i]), citizen_agents=False).run()]
    return Lockstep([configs[i] for i in part], [seeds[i] for i in part]).run()
