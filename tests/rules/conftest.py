"""Let the pure-rule tests import portal.rules even while the app package is mid-edit."""

import importlib
import sys
import types
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _import_portal_or_shell() -> None:
    if "portal" in sys.modules:
        return
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    try:
        importlib.import_module("portal")
    except Exception:
        # portal.rules needs only the folder, not the Flask app factory in portal/__init__.py.
        shell = types.ModuleType("portal")
        shell.__path__ = [str(REPO_ROOT / "portal")]
        sys.modules["portal"] = shell


_import_portal_or_shell()
