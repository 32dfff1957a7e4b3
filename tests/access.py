"""The role × route × method table (SECURITY.md #9). Each area lists its routes in
`tests/<area>/access_rules.py` as `RULES = [...]`; tests/test_access_matrix.py checks them all and
fails on any URL rule that no area classified."""
from dataclasses import dataclass, field
from typing import Callable

ROLES = ("sales", "service", "tech", "marketing", "supervisor", "admin")
EVERYONE = frozenset(ROLES)


@dataclass
class World:
    """Users of every role (sales and supervisor share 销售部) and helpers to create records for a rule."""

    users: dict
    departments: dict
    spare_user: object  # a sales user no rule logs in as, for admin actions on "someone else"
    cache: dict = field(default_factory=dict)

    def once(self, key: str, build: Callable[[], object]):
        """Build a record the first time a rule asks for it; later roles reuse it."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


@dataclass
class Rule:
    """`roles` may pass the area guard; others must get 403. `expect` overrides per role (e.g. 404
    for a record out of that role's scope). `url_values(world)` builds the URL's arguments;
    `data(world)` the POST body (empty by default: allowed roles then see 422/303, never 5xx)."""

    endpoint: str
    method: str
    roles: frozenset
    url_values: Callable[[World], dict] = lambda world: {}
    data: Callable[[World], dict] = lambda world: {}
    expect: dict = field(default_factory=dict)
    public: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.endpoint, self.method)
