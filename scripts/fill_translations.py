"""Fill msgstr entries of a .po catalog from a Python dict of {msgid: translation}.

Used once per batch of new strings: `python scripts/fill_translations.py zh DICT.py`.
Entries that already have a translation are left as they are.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(locale: str, dict_file: str) -> None:
    table = runpy.run_path(dict_file)["ZH"]
    path = ROOT / "feedback" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        current = message.string[0] if isinstance(message.string, tuple) else message.string
        if current and "fuzzy" not in message.flags:
            continue
        if key in table:
            message.string = (table[key],) if isinstance(message.id, tuple) else table[key]
            message.flags.discard("fuzzy")
        else:
            missing.append(key)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)
    for key in missing:
        print(f"untranslated: {key!r}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
