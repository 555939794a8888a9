"""The open-data catalogue: datasets as rows of arrays, not agents (source §3.2).

Shape (departments, datasets per department). A published dataset ages one month at a time and
is stale once older than `stale_after` months ("c'est obsolète au bout de deux mois"); an update,
which costs staff hours, resets its age.
"""

from __future__ import annotations

import numpy as np


class Catalogue:
    """Publication state and age (months since last update) of every dataset."""

    def __init__(self, departments: int, per_department: int) -> None:
        self.published = np.zeros((departments, per_department), dtype=bool)
        self.age = np.zeros((departments, per_department), dtype=np.int32)

    @property
    def size(self) -> int:
        return self.published.size

    def intents(self, reflex: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Datasets each department means to update: published, changed, and the reflex fires."""
        due = self.published & (self.age >= 1)
        return due & (rng.random(self.published.shape) < reflex[:, None])

    def update(self, intents: np.ndarray, updates_affordable: np.ndarray) -> np.ndarray:
        """Age every published dataset, then reset the first affordable intended ones per row."""
        rank = np.cumsum(intents, axis=1)
        updated = intents & (rank <= updates_affordable[:, None])
        self.age[self.published] += 1
        self.age[updated] = 0
        return updated

    def publish(self, probability: float, rng: np.random.Generator) -> int:
        """Each unpublished dataset is released with `probability` this month (fresh on release)."""
        new = ~self.published & (rng.random(self.published.shape) < probability)
        self.published |= new
        self.age[new] = 0
        return int(new.sum())

    def stale(self, stale_after: int) -> np.ndarray:
        return self.published & (self.age > stale_after)

    def fresh_share(self, stale_after: int) -> float:
        """Published and up-to-date datasets over the whole catalogue (what can be reused)."""
        if not self.size:
            return 0.0
        return float((self.published & (self.age <= stale_after)).sum() / self.size)

    def stale_share(self, stale_after: int) -> float:
        """Stale published datasets over published ones (0 while nothing is published)."""
        n = int(self.published.sum())
        return float(self.stale(stale_after).sum() / n) if n else 0.0
