#!/usr/bin/env python3
"""Writes common_names.txt, the common-names reference the screener weighs name words by, from
the person-name tables of Faker (https://github.com/joke2k/faker, MIT licence; version in the
file's header), which take them from public sources (US Census and SSA for en_US, national
statistics offices for the others; see each provider's docstring in Faker).

Only common given and family names go in: a word in this file is ordinary evidence of who a
person is ("Smith", "Maria", "Mohamed", "Иванов", "王"), so a match made of such words alone is
weak. Cyrillic and Chinese stay in their script: the screener normalizes them as it does names.

    pip install faker && python3 crates/greenlane-screen/reference/make_common_names.py
"""

import importlib
import os

import faker

HERE = os.path.dirname(os.path.abspath(__file__))

# (Faker locale, table, how many: tables that Faker weighs by frequency are cut at the most
# common; the others are lists of common names already).
TABLES = [
    ("en_US", "first_names", None), ("en_US", "last_names", 500), ("en_GB", "first_names", None),
    ("en_GB", "last_names", None), ("es_MX", "first_names", None), ("es_MX", "last_names", None),
    ("es_ES", "first_names", None), ("pt_BR", "first_names", None), ("pt_BR", "last_names", None),
    ("fr_FR", "first_names", None), ("fr_FR", "last_names", None), ("de_DE", "last_names", None),
    ("fr_DZ", "first_names", None), ("fr_DZ", "last_names", None), ("en_PK", "first_names", None),
    ("en_PK", "last_names", None), ("ru_RU", "first_names", None), ("ru_RU", "last_names", None),
    ("zh_CN", "first_names", None), ("zh_CN", "last_names", 100),
]


def table(locale, name, limit):
    values = getattr(importlib.import_module(f"faker.providers.person.{locale}").Provider, name)
    if isinstance(values, dict):
        values = [k for k, _ in sorted(values.items(), key=lambda kv: -kv[1])]
    values = list(values)
    return values[:limit] if limit else values


with open(os.path.join(HERE, "common_names.txt"), "w", encoding="utf-8") as out:
    out.write(f"# Common given and family names, from Faker {faker.VERSION} (MIT), made by make_common_names.py.\n")
    for locale, name, limit in TABLES:
        names = sorted(set(n.strip() for n in table(locale, name, limit) if n.strip()))
        out.write(f"# {locale} {name} ({len(names)})\n")
        out.writelines(n + "\n" for n in names)
