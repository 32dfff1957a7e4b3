from tests.access import EVERYONE, Rule

RULES = [
    Rule("auth.login", "GET", EVERYONE, public=True),
    Rule("auth.login", "POST", EVERYONE, public=True),
    Rule("static", "GET", EVERYONE, url_values=lambda w: {"filename": "css/app.css"}, public=True),
    Rule("health.healthz", "GET", EVERYONE, public=True),
    Rule("auth.logout", "POST", EVERYONE),
    Rule("auth.set_language", "POST", EVERYONE, public=True),
    Rule("auth.profile", "GET", EVERYONE),
    Rule("auth.change_password", "GET", EVERYONE),
    Rule("auth.change_password", "POST", EVERYONE),
    Rule("workbench.index", "GET", EVERYONE),
]
