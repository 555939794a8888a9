"""The month, written once: one module per stage of the schedule (docs/ODD.md §3), each a set of
functions over a batch's state (sim/core/state.py), whose first axis is the run.

====================  =========================================================  ===========
stage                 module                                                     source
====================  =========================================================  ===========
1. the mayor's course `course`: trajectory point, legitimacy budget, budget lines §3.1–3.2
2. DGAs steer         `steering`: attention spent on push, brokering, committees  §3.2, §3.6
3. departments work   `departments`: demand per task, rationing, open data, the   §3.2–3.4
                      open programmes' staffing and practice
4. partners work      `partners`: co-creation, starvation, recruitment            §3.6
5. privacy, residents `residents`: exposure and breaches, use, trust, fatigue,    §3.4–3.5,
                      participation, inclusion                                    §4.2
6. stocks move        `stocks`: I, C, Q and their gates, maturity, publication    §3.3, §3.6
7. value is counted   `accounts`: generators, destruction, the month's row        §1.4, §4.2
8. elections          `course.elections`: re-election, a new mayor's commitment  §3.2
====================  =========================================================  ===========

sim/core/batch.py calls them in this order; the agent model (sim/core/model.py) is a batch of
one, and the null model (sim/core/aggregate.py) calls the same equations on pooled quantities.
No rule is written anywhere else.
"""
