#!/usr/bin/env python3
"""Writes ordinary_names.tsv: ordinary people's names (given + family) from several regions,
drawn from Faker's person tables (https://github.com/joke2k/faker, MIT; public census and
statistics sources, see each provider), none of them a listed party. The `labelled` rows (200
per region) go to the labelled set as negatives (`make_labelled.py` reads them, split by a hash
of the name like every row); the `traffic` rows (500 per region, other names) are the
false-hold set of tests/accuracy.rs. The ordinary buyers a simulated day of traffic held are
added as `reported` and go to the labelled set too.

    pip install faker && python3 make_ordinary.py
"""

import os
import random

from faker import Faker

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261129)

# Region → Faker locales. Russian in Cyrillic and in Latin (ru_RU written by Faker's own
# transliteration), Chinese in characters, Arabic names as written in Latin script (Algeria,
# Pakistan, Gulf: fr_DZ, en_PK) and in Arabic script (ar_AA).
REGIONS = {
    "west": ["en_US", "en_GB", "de_DE", "fr_FR", "it_IT"],
    "latam": ["es_MX", "es_CO", "es_AR", "pt_BR", "es_ES"],
    "arabic": ["fr_DZ", "en_PK", "ar_AA"],
    "russian": ["ru_RU"],
    "chinese": ["zh_CN"],
}
REPORTED = """Liam Thomas|Michael Johnson|William Johnson|Sophia Taylor|John Smith|Fernanda Costa|Juan Pérez
José Hernández|María Sánchez|Beatriz Rodrigues|Muhammad Rahman|Abdullah Nasser|Javier Díaz|José Martínez
María Gómez|Mohammed Saleh|Ana Torres""".replace("\n", "|").split("|")

fakers = {loc: Faker(loc) for locs in REGIONS.values() for loc in locs}
for i, f in enumerate(fakers.values()):
    f.seed_instance(i + 7)

rows, seen = [], set()
for use, per_region in (("labelled", 200), ("traffic", 500)):
    for region, locales in REGIONS.items():
        made = 0
        while made < per_region:
            f = fakers[rng.choice(locales)]
            first, last = f.first_name(), f.last_name()
            # 王伟: surname then given name, no space.
            name = f"{last}{first}" if region == "chinese" else f"{first} {last}"
            if region == "russian" and rng.random() < 0.5:
                name = f.romanized_name() if hasattr(f, "romanized_name") else name
            if name in seen:
                continue
            seen.add(name)
            rows.append((use, region, name))
            made += 1
rows += [("reported", "reported", n.strip()) for n in REPORTED]

with open(os.path.join(HERE, "ordinary_names.tsv"), "w", encoding="utf-8") as out:
    out.write("# Made by make_ordinary.py (Faker person tables); see its docstring. Columns: use, region, name\n")
    for row in rows:
        out.write("\t".join(row) + "\n")
print(len(rows))
