"""Pure pairing for Randomised Coffee Trials: people, history and a Random in, a Plan out.

Imports only the standard library; callers gather inputs and apply the plan.
"""

from app.pairing.draw import plan_round
from app.pairing.exact import EXACT_LIMIT
from app.pairing.model import Bend, Person, Plan, Policy, PoolTooSmall
from app.pairing.pool import normalise
from app.pairing.seeds import new_seed, parse_seed

__all__ = [
    "EXACT_LIMIT",
    "Bend",
    "Person",
    "Plan",
    "Policy",
    "PoolTooSmall",
    "new_seed",
    "normalise",
    "parse_seed",
    "plan_round",
]
