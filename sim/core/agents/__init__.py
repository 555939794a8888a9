"""The five roles of the municipality, one module each (docs/ODD.md §2): Mesa agents that view
their rows of the batch state; the rules they follow are the stages (sim/core/stages/)."""

from sim.core.agents.citizens import Citizen
from sim.core.agents.department import Department
from sim.core.agents.dga import DGA
from sim.core.agents.mayor import Mayor
from sim.core.agents.partner import PrivatePartner
from sim.core.population import Population

__all__ = ["DGA", "Citizen", "Department", "Mayor", "Population", "PrivatePartner"]
