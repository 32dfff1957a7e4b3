"""The interface catalogues under portal/translations (issue 17).

    .venv/bin/python scripts/translations.py update    # extract strings, add new ones to every catalogue
    .venv/bin/python scripts/translations.py compile   # .po → .mo (make deps runs it)
    .venv/bin/python scripts/translations.py check     # exit 1 listing what is missing (make test runs it)

UI strings are written in 简体中文 (the msgids). `update` drafts each new 繁體 entry with OpenCC s2twp and
marks it fuzzy: a reader confirms or corrects it and clears the flag. English entries start empty and are
written by a person. Fuzzy and empty entries are not used (the 简体 text shows) and `check` fails on them.
"""
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.i18n import ENGLISH, TRADITIONAL, to_traditional  # noqa: E402

CATALOGUES = ROOT / "portal" / "translations"
LOCALES = (TRADITIONAL, ENGLISH)
KEYWORDS = ("_l", "N_", "NP_:1c,2")  # besides gettext, ngettext, pgettext and _ that pybabel knows


def pybabel(*args: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", *args], check=True, cwd=ROOT)


def extract(template: Path) -> None:
    keywords = [arg for keyword in KEYWORDS for arg in ("-k", keyword)]
    # --ignore-dirs ".*": pybabel's default also skips folders starting with "_" (templates/_macros).
    pybabel("extract", "-F", "babel.cfg", *keywords, "--ignore-dirs", ".*", "--no-location", "--sort-output",
            "--omit-header", "--no-wrap", "--project", "customer-tracking-portal", "-o", str(template), ".")


def po_path(locale: str) -> Path:
    return CATALOGUES / locale / "LC_MESSAGES" / "messages.po"


def update() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        template = Path(workdir) / "messages.pot"
        extract(template)
        for locale in LOCALES:
            if po_path(locale).exists():
                pybabel("update", "-i", str(template), "-d", str(CATALOGUES), "-l", locale, "--no-fuzzy-matching",
                        "--ignore-obsolete", "--no-wrap")
            else:
                pybabel("init", "-i", str(template), "-d", str(CATALOGUES), "-l", locale, "--no-wrap")
    for locale in LOCALES:
        rewrite(locale, draft_traditional if locale == TRADITIONAL else None)


def rewrite(locale: str, change=None) -> None:
    """One stable layout for both catalogues (sorted, no source lines, no wrapping): small diffs."""
    path = po_path(locale)
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    if change:
        change(catalogue)
    with path.open("wb") as handle:
        write_po(handle, catalogue, no_location=True, sort_output=True, width=0)


def draft_traditional(catalogue) -> None:
    """Empty 繁體 entries get the s2twp conversion of the msgid, flagged fuzzy until someone reads it."""
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = tuple(to_traditional(text) for text in message.id)
                message.flags.add("fuzzy")
        elif not message.string:
            message.string = to_traditional(message.id)
            message.flags.add("fuzzy")


def compile_catalogues() -> None:
    pybabel("compile", "-d", str(CATALOGUES), "--statistics")


def missing() -> list[str]:
    """Every msgid in the source without a confirmed translation in a catalogue."""
    with tempfile.TemporaryDirectory() as workdir:
        template = Path(workdir) / "messages.pot"
        extract(template)
        with template.open("rb") as handle:
            wanted = {(message.id, message.context) for message in read_po(handle) if message.id}
    problems = []
    for locale in LOCALES:
        with po_path(locale).open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
        for msgid, context in sorted(wanted, key=str):
            message = catalogue.get(msgid, context)
            msgid = f"{context}|{msgid}" if context else msgid
            translated = message is not None and (
                all(message.string) if isinstance(message.string, tuple) else bool(message.string))
            if not translated:
                problems.append(f"{locale}: no translation: {msgid!r}")
            elif message.fuzzy:
                problems.append(f"{locale}: not yet read (fuzzy): {msgid!r}")
    return problems


def main(command: str) -> int:
    if command == "update":
        update()
    elif command == "compile":
        compile_catalogues()
    elif command == "check":
        problems = missing()
        print("\n".join(problems) or "every catalogue is complete")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else ""))
