"""Run Debian's wapiti 3.0.4 with its exclusion bug fixed (used by scripts/security_scan.py).

wapiti 3.0.4 compiles every `-x` exclusion as `<pattern>\\Z(?ms)`; Python 3.11 refuses global flags
that are not at the start of a pattern, so any `-x` crashes the crawler. Same translation, flags first.
Run with Debian's python3 (where wapitiCore lives): `/usr/bin/python3 scripts/wapiti_run.py ARGS...`.
"""
import re
import sys

from wapitiCore.net import crawler


def wildcard_translate(pattern: str):
    return re.compile("(?ms)" + "".join(".*" if char == "*" else re.escape(char) for char in pattern) + r"\Z")


crawler.wildcard_translate = wildcard_translate

from wapitiCore.main.wapiti import wapiti_main  # noqa: E402

sys.argv[0] = "wapiti"
sys.exit(wapiti_main())
