"""The customs policy: validated policy files, desensitisation operators and the pure ``decide``."""

from rules.decide import decide
from rules.decision import Action, Decision, FlowContext, MaskInstruction
from rules.policy import Policy, PolicyError, load_policy

__all__ = [
    "Action",
    "Decision",
    "FlowContext",
    "MaskInstruction",
    "Policy",
    "PolicyError",
    "decide",
    "load_policy",
]
