"""The data dictionary's entries for the experiments' tables (results/<name>/*.csv).

Kept apart from sim.runs.columns (which turns these rows into entries and writes columns.csv) so
that each module stays one readable page; the units SHARE and VALUE are defined here and used by
both.
"""

SHARE = "share [0, 1]"
VALUE = "value units/month"  # the model's own scale: compare scenarios, not absolute levels

# The robustness map's patterns (sim/studies/robustness.py PATTERNS; a test holds them together).
MAP_PATTERNS = ("P1", "P2", "P3", "P4", "P5", "P5 plateau only", "P6", "P7", "P8",
                "P8 adequate only", "P9", "P10", "P11")  # fmt: skip
PATTERN_ROWS = [
    (p, "true/false", f"pattern {p} holds for the set (robustness summary.csv: its criterion)")
    for p in MAP_PATTERNS
]

# ---- experiments (python -m sim +experiment=NAME): results/<name>/*.csv -----------------------
EXPERIMENT_ROWS = [
    ("pattern", "", "pattern id, P1–P11 (docs/ODD.md §1.2)"),
    ("figure", "", "name of a pattern figure (sim/studies/patterns.py): a share, median, …"),
    (
        "ci_low",
        "",
        "lower end of the 95% interval (Wilson for shares, bootstrap for means, "
        "order statistics for P8's h*)",
    ),
    ("ci_high", "", "upper end of the same interval"),
    ("comparison", "", "which pair the row compares: challenger_vs_reference"),
    ("budget", "M€/month", "the grid's budget (resources.budget)"),
    ("staff_hours", "h/department/month", "the grid's staff hours (resources.staff_hours)"),
    ("share_challenger_ahead", SHARE, "share of paired seeds where the challenger is ahead"),
    ("median_gap", "value units", "median over paired seeds of challenger − reference"),
    ("p", SHARE, "proactivity of a constant governance point"),
    ("o", SHARE, "openness of a constant governance point"),
    ("median", "value units", "median cumulative net value at the last month"),
    ("p05", "value units", "5th percentile of the same"),
    ("p95", "value units", "95th percentile of the same"),
    ("asymptote", "value units/month", "level of the logistic curve fitted to the flow"),
    ("asymptote_ci_low", "value units/month", "bootstrap 95% interval of the mean asymptote"),
    ("asymptote_ci_high", "value units/month", "upper end of the same interval"),
    ("month_reached", "month", "month the fitted curve reaches 95% of its rise"),
    ("month_ci_low", "month", "bootstrap 95% interval of the mean month reached"),
    ("month_ci_high", "month", "upper end of the same interval"),
    ("reached", "true/false", "the fitted rise completes within the horizon"),
    ("share_reached_in_horizon", SHARE, "share of runs whose fitted rise completes in time"),
    ("share_fitted", SHARE, "share of runs the logistic fit converged on"),
    ("ratio", "ratio", "P5 slope ratio: last-quarter slope ÷ peak rise of the smoothed flow"),
    ("plateau_ratio_median", "ratio", "median P5 slope ratio over the runs"),
    ("parameter", "", "dotted path of a model parameter (docs/parameters.md)"),
    ("multiplier", "×", "the one-at-a-time change applied to the parameter's default"),
    ("share", SHARE, "share of paired seeds where the criterion holds"),
    ("low", SHARE, "lower end of the 95% Wilson interval of the share"),
    ("high", SHARE, "upper end of the same interval"),
    ("holds", "true/false", "the criterion holds (share ≥ 0.8 for P1's ±20% table)"),
    ("net_value_median", "value units", "median over seeds of cumulative net value"),
    ("negative", "true/false", "net_value_median < 0"),
    ("output", "", "the model output a sensitivity index is about"),
    ("mu", "output units", "Morris mean elementary effect"),
    ("mu_star", "output units", "Morris mean absolute elementary effect (μ*)"),
    ("mu_star_conf", "output units", "half-width of μ*'s 95% bootstrap interval"),
    ("sigma", "output units", "Morris standard deviation of the elementary effects (σ)"),
    ("rank", "rank", "rank by μ* within the output (1 = most influential)"),
    (
        "futures_from",
        "",
        "P8 boundary: default (paired seeds), open_costs_removed or ensemble:NAME",
    ),
    ("dga_hours", "h/DGA/month", "the DGA attention at which P8's boundary is located"),
    (
        "h_star",
        "h/department/month",
        "P8's boundary: below it phased ≥ combined in ≥ 70% of futures (±inf: outside [10, 160])",
    ),
    ("futures", "count", "paired futures (seed, or seed and parameter set) behind h*"),
    ("share_below_bracket", SHARE, "futures in which combined wins already at 10 h"),
    ("share_above_bracket", SHARE, "futures in which phased ≥ combined still at 160 h"),
    ("future", "index", "the paired future (replication k: seed k, and set k of the ensemble)"),
    (
        "switch",
        "h/department/month",
        "staff level at which combined starts to beat phased in this future (bisection)",
    ),
    ("S1", SHARE, "Sobol first-order index"),
    ("S1_conf", SHARE, "half-width of S1's 95% interval"),
    ("ST", SHARE, "Sobol total-order index"),
    ("ST_conf", SHARE, "half-width of ST's 95% interval"),
]
# Where an experiment's column means something of its own (same name, another meaning).
SPECIFIC_ROWS = {
    "phase": [("level", "", "resource level file the grid ran under")],
    "plateau": [("level", "value units/month", "fitted asymptote of one run's flow")],
    "p1_oat": [("value", "", "the changed parameter's value")],
    "robustness": (  # sim/studies/robustness.py: medians over a set's seeds in sets.parquet
        [
            ("set", "", "parameter set (row of the Latin hypercube over the plausible ranges)"),
            ("seed", "", "paired seed: the same seeds in every set and case"),
            *(
                (f"value_{k}", "value units", f"cumulative net value of `{k}` at the last month")
                for k in ("proactive", "open", "phased", "combined")
            ),
            ("open_minus_proactive", "value units", "P1: cumulative net value, open − proactive"),
            (
                "open_minus_proactive_gross",
                "value units",
                "P1: gross value created, open − proactive",
            ),
            (
                "proactive_early_lead",
                VALUE,
                "P2: mean flow over the first 20% of months, proactive − open",
            ),
            (
                "crossover_month",
                "month",
                "P2: month from which open's cumulative value stays ahead",
            ),
            ("opening_runs", "runs", "P3: runs of the four presets whose openness reaches 0.5"),
            ("in_order_runs", "runs", "P3: of those, runs with half-level months I < C < Q"),
            (
                "in_order_share",
                SHARE,
                "P3: in_order_runs ÷ opening_runs pooled over the set's seeds",
            ),
            ("phased_minus_open", "value units", "P4: cumulative net value, phased − open"),
            ("plateau_ratio", "ratio", "P5: slope ratio of open's smoothed flow (≤ 0.3: plateau)"),
            ("plateau_ratio_no_coordination", "ratio", "P5: the same without coordination costs"),
            ("stale_share", SHARE, "P6: open's stale share of the catalogue, last 12 months"),
            ("stale_share_no_reflex", SHARE, "P6: the same with the update reflex at 0"),
            ("techno_inclusion_flow", VALUE, "P7: mean inclusion flow of techno-push"),
            (
                "techno_extra_exclusion",
                "value units",
                "P7: exclusion harm, techno-push − proactive",
            ),
            ("combined_minus_phased", "value units", "P8: cumulative net value, combined − phased"),
            (
                "combined_minus_phased_tight",
                "value units",
                "P8: the same, resources scaled to tight",
            ),
            (
                "participation_year",
                SHARE,
                "open: residents who took part in the last 12 months, months 25+",
            ),
            ("illectronism_decline", "points/year", "open: fall of the illectronic share"),
            (
                "techno_literacy_gap",
                "value units",
                "P9: techno-push, net value per resident, highest − lowest literacy quintile",
            ),
            ("open_literacy_gap", "value units", "P9: the same under open"),
            ("top1_share", SHARE, "P10: open, last year's contributions by the most active 1%"),
            ("bottom90_share", SHARE, "P10: open, the same by the least active 90%"),
            (
                "contributors_literacy_gap",
                "difference of literacy",
                "P10: open, contributors' mean literacy minus residents'",
            ),
            (
                "chart_months_gain",
                "months",
                "P11: proactive, months by which two DGAs of five settle below a 0.3 stale share "
                "before five DGAs of two",
            ),
            ("seeds_done", "seeds", "seeds of the set that ran without failure"),
            *PATTERN_ROWS,
            ("pattern", "", "pattern id (P1–P11, with the variants of sim/studies/robustness.py)"),
            ("share", SHARE, "share of the parameter sets where the pattern holds"),
            ("sets", "sets", "parameter sets the share is over"),
            ("criterion", "", "the pattern's criterion, applied to a set's medians over seeds"),
            ("outcome", "", "what the PRIM box locates: where the pattern fails, or holds"),
            ("rule", "", "the PRIM box in words (field names without their section)"),
            ("coverage", SHARE, "share of all sets with that outcome that lie in the box"),
            ("density", SHARE, "share of the box's sets that have that outcome"),
            ("mass", SHARE, "share of all sets inside the box"),
            ("cases", "sets", "sets with that outcome in the whole sample"),
            ("indicator", "", "the sets.parquet column an index is about (precision: or all)"),
            ("S1", SHARE, "first-order index (RBD-FAST from the map's Latin hypercube)"),
            ("S1_conf", SHARE, "half-width of S1's 95% interval (half-sample jackknife)"),
            ("rank", "rank", "rank of S1 within the indicator (1 = largest)"),
            ("narrow", "true/false", "S1's 95% interval is narrower than half of S1"),
            ("top", "indices", "how many of the largest indices the criterion reads"),
            ("narrow_of_top", "indices", "of those, how many have a narrow interval"),
            ("smallest_of_top", SHARE, "the smallest of those indices"),
            ("sets_needed", "sets", "map size at which all of them would be narrow (1/√N)"),
        ]
    ),
    "calibration": [  # sim/studies/calibration.py: constraints, posterior and accepted.csv
        ("set", "", "the parameter set's number in the prior sample (ensemble: parameter_set)"),
        *PATTERN_ROWS,
        (
            "participation_year",
            SHARE,
            "open: share who took part in the last 12 months, "
            "mean over months 25-144, median over the set's seeds",
        ),
        (
            "illectronism_decline",
            "points/year",
            "open: fall of illectronism per year, median over the set's seeds",
        ),
        (
            "stale_share",
            SHARE,
            "open: stale share of published datasets, mean over the last "
            "12 months, median over the set's seeds",
        ),
        (
            "top1_share",
            SHARE,
            "open: the last 12 months' contributions made by the most active 1% of residents "
            "at month 144, median over the set's seeds",
        ),
        ("distance", "", "ABC distance: the largest target distance (≤ tolerance: accepted)"),
        *(
            (
                f"distance_{t}",
                "",
                f"distance to the {t} target: 0 at its centre, 1 at either end of its interval",
            )
            for t in (
                "participation",
                "illectronism_decline",
                "stale_share",
                "participation_inequality",
            )
        ),
        ("constraint", "", "a calibration target or a pattern required to hold"),
        ("statistic", "", "the per-set column the constraint reads"),
        ("low", "", "lower end of the target's accepted interval"),
        ("high", "", "upper end of the target's accepted interval"),
        ("centre", "", "the target's reported central value"),
        ("unit", "", "unit of the target's statistic"),
        ("source", "", "where the target comes from"),
        ("prior_median", "", "median of the statistic over the prior sample"),
        ("share_prior", SHARE, "share of the prior sample meeting the constraint"),
        ("prior_low", "", "lower end of the parameter's plausible range (the prior)"),
        ("prior_high", "", "upper end of the parameter's plausible range"),
        ("prior_p05", "", "5th percentile of the parameter over the prior sample"),
        ("prior_p95", "", "95th percentile of the parameter over the prior sample"),
        ("posterior_p05", "", "5th percentile over the accepted sets"),
        ("posterior_median", "", "median over the accepted sets"),
        ("posterior_p95", "", "95th percentile over the accepted sets"),
        ("width_ratio", "ratio", "posterior 5-95% width ÷ prior 5-95% width"),
        ("constrained", "true/false", "width_ratio < 0.75: the targets narrow the parameter"),
    ],
    "docking": [
        ("pattern", "", "pattern id (P1–P8, with the variants of sim/studies/robustness.py)"),
        ("criterion", "", "the pattern's criterion, on medians over seeds at the defaults"),
        ("indicator", "", "a robustness-map indicator (sim/studies/robustness.py)"),
        ("agents", "", "the agent model: pattern holds (true/false), or the indicator's median"),
        ("aggregate", "", "the null model (no agents): the same, from its deterministic run"),
    ],
}
