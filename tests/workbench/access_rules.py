from tests.access import EVERYONE, Rule

RULES = [
    Rule("workbench.reminders_count", "GET", EVERYONE),
]
