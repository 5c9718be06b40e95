#!/usr/bin/env python3
"""Writes labelled.tsv, the screening test set, from the list extracts in ../../data.

Positives: a listed name (primary or strong alias) changed the way names change in the wild
(typos, reordered words, a dropped middle name, initials, transliteration variants, company-type
variants, punctuation, case, Cyrillic script for Russian names, the list's own original script),
each with the list entry it must find. Negatives: ordinary person and company names from
several regions, and near misses made from listed names by replacing their distinctive words.
A negative equal to a listed name (words in any order, case and punctuation aside) is dropped:
it would be a true hit.

Every row goes to the `tune` or the `heldout` split by a hash of its entry (positives) or its
text (negatives), so both splits hold every kind of change; the screener's constants were tuned
on `tune` only. Deterministic: run it again and the file is the same.

    python3 crates/greenlane-screen/tests/data/make_labelled.py
"""

import csv
import hashlib
import os
import random
import re
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "data")
import sys

# `make_labelled.py SEED OUT` writes another set of the same kinds, for exploring without
# looking at the held-out rows.
SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 20261129
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "labelled.tsv")
rng = random.Random(SEED)


def split_of(key):
    return "tune" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "heldout"


LEGAL_FORMS = {"co", "ltd", "limited", "llc", "inc", "corp", "corporation", "company", "gmbh", "ab", "sa", "bv", "pty",
               "srl", "ooo", "sarl", "trading", "s", "a", "r", "l", "b", "v", "oao", "ao", "zao", "pao", "jsc", "ojsc",
               "cjsc", "pjsc", "de", "c", "cv"}


def plain(name):
    """Lower case, no punctuation, words sorted, legal forms left out: two names equal under
    this are the same name."""
    return " ".join(sorted(w for w in re.sub(r"[^0-9a-z]+", " ", name.lower()).split() if w not in LEGAL_FORMS))


# ---- the lists -------------------------------------------------------------------------------

entries = []  # (list, id, kind, primary, [strong aliases], country)


def ofac(prefix, list_id):
    rows = list(csv.reader(open(os.path.join(DATA, f"{prefix}.csv"), encoding="utf-8")))
    alias_file = "alt.csv" if prefix == "sdn" else "cons_alt.csv"
    aliases = {}
    for r in csv.reader(open(os.path.join(DATA, alias_file), encoding="utf-8")):
        if len(r) >= 4:
            aliases.setdefault(r[0], []).append(r[3].strip())
    for r in rows:
        if len(r) < 12:
            continue
        kind = {"individual": "person", "vessel": "vessel", "aircraft": "aircraft"}.get(r[2].strip(), "organization")
        entries.append((list_id, r[0], kind, r[1].strip(), aliases.get(r[0], []), ""))


ofac("sdn", "us_ofac_sdn")
ofac("cons_prim", "us_ofac_cons")

un_original = []  # (id, original-script name)
han_names = []  # (list, id, a name with Chinese characters)
all_aliases = []  # weak ones too: a negative must not be any listed name
root = ET.parse(os.path.join(DATA, "UN_consolidated.xml")).getroot()
for tag, kind in (("INDIVIDUAL", "person"), ("ENTITY", "organization")):
    for e in root.iter(tag):
        parts = [e.findtext(t) or "" for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        name = " ".join(p.strip() for p in parts if p.strip())
        ref = e.findtext("REFERENCE_NUMBER") or e.findtext("DATAID")
        aliases = [a.findtext("ALIAS_NAME") for a in e.iter(tag + "_ALIAS") if (a.findtext("QUALITY") or "") == "Good"]
        entries.append(("un_sc", ref.strip(), kind, name, [a for a in aliases if a], ""))
        all_aliases.extend(a.findtext("ALIAS_NAME") or "" for a in e.iter(tag + "_ALIAS"))
        for a in e.iter(tag + "_ALIAS"):
            if re.search("[\u4e00-\u9fff]", a.findtext("ALIAS_NAME") or ""):
                han_names.append(("un_sc", ref.strip(), a.findtext("ALIAS_NAME")))
        original = (e.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
        if original:
            un_original.append((ref.strip(), original))

for r in csv.DictReader(open(os.path.join(DATA, "csl.csv"), encoding="utf-8")):
    if r["entity_number"].strip():
        kind = {"Individual": "person", "Entity": "organization", "Vessel": "vessel"}.get(r["type"], "unknown")
        alts = [a.strip() for a in r["alt_names"].split(";") if a.strip()]
        entries.append(("us_csl", r["entity_number"].strip(), kind, r["name"].strip(), alts, ""))

listed_plain = set()
for e in entries + [("", "", "", a, [], "") for a in all_aliases]:
    for n in [e[3]] + e[4]:
        listed_plain.add(plain(n))
        if "," in n:
            last, first = n.split(",", 1)
            listed_plain.add(plain(first + " " + last))

# ---- changes made in the wild ----------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def words(name):
    return name.split()


def natural(name, kind):
    if kind == "person" and name.count(",") == 1:
        last, first = name.split(",")
        return f"{first.strip()} {last.strip()}"
    return name


def typo(name):
    ws = words(name)
    long_words = [i for i, w in enumerate(ws) if len(re.sub(r"[^A-Za-z]", "", w)) >= 5]
    if not long_words:
        return None
    i = rng.choice(long_words)
    w = ws[i]
    letters = [j for j, c in enumerate(w) if c.isalpha()][1:]
    j = rng.choice(letters)
    op = rng.choice(["sub", "del", "ins", "swap"])
    if op == "sub":
        w = w[:j] + rng.choice(LETTERS).upper() + w[j + 1 :]
    elif op == "del":
        w = w[:j] + w[j + 1 :]
    elif op == "ins":
        w = w[:j] + rng.choice(LETTERS).upper() + w[j:]
    elif j + 1 < len(w):
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    ws[i] = w
    return " ".join(ws)


def reorder(name):
    ws = words(name)
    if len(ws) < 2:
        return None
    if len(ws) == 2 or rng.random() < 0.5:
        return " ".join(ws[-1:] + ws[:-1])
    rng.shuffle(ws)
    return " ".join(ws)


def drop_middle(name):
    ws = words(name)
    if len(ws) < 3:
        return None
    del ws[rng.randrange(1, len(ws) - 1)]
    return " ".join(ws)


def initial(name):
    ws = words(name)
    if len(ws) < 3:
        return None
    i = rng.randrange(0, len(ws) - 1)
    if len(ws[i]) < 3:
        return None
    ws[i] = ws[i][0] + "."
    return " ".join(ws)


TRANSLIT = [
    ("MOHAMMED", "MUHAMMAD"), ("MOHAMMAD", "MOHAMED"), ("MUHAMMAD", "MOHAMMAD"), ("MOHAMED", "MOHAMMED"),
    ("HUSSEIN", "HUSAYN"), ("HUSAIN", "HUSSEIN"), ("HASSAN", "HASAN"), ("YOUSEF", "YUSUF"), ("YUSUF", "YOUSSEF"),
    ("ABDUL", "ABDEL"), ("ABDEL", "ABDUL"), ("OU", "U"), ("EE", "I"), ("KH", "H"), ("PH", "F"), ("IY", "I"),
    ("AI", "AY"), ("AY", "AI"), ("EI", "AY"), ("Q", "K"), ("DH", "Z"), ("J", "DJ"), ("Y", "I"), ("TS", "C"),
    ("SCH", "SH"), ("IYA", "IA"), ("OV", "OFF"), ("EV", "YEV"), ("ZH", "J"), ("CH", "TCH"), ("X", "KS"),
]


def translit(name):
    upper = name.upper()
    options = [(a, b) for a, b in TRANSLIT if a in upper]
    if not options:
        return None
    a, b = rng.choice(options)
    spots = [m.start() for m in re.finditer(a, upper)]
    at = rng.choice(spots)
    return upper[:at] + b + upper[at + len(a) :]


SUFFIXES = [
    ("CO., LTD.", ["COMPANY LIMITED", "CO LTD", "CO. LIMITED", "LTD"]),
    ("CO. LTD", ["COMPANY LIMITED", "CO., LTD."]),
    ("LIMITED", ["LTD", "LTD."]),
    ("LTD.", ["LIMITED", "LTD"]),
    ("LTD", ["LIMITED"]),
    ("LLC", ["L.L.C.", "LIMITED LIABILITY COMPANY"]),
    ("INC.", ["INCORPORATED", "INC"]),
    ("CORPORATION", ["CORP", "CORP."]),
    ("COMPANY", ["CO.", "CO"]),
    ("S.A.", ["SA", "S.A"]),
    ("GMBH", ["G.M.B.H.", "GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG"]),
    ("OOO", ["LLC", "O.O.O."]),
    ("OAO", ["OJSC", "JSC"]),
    ("ZAO", ["CJSC"]),
    ("FZE", ["F.Z.E."]),
]


def suffix(name):
    upper = name.upper().rstrip()
    for old, news in SUFFIXES:
        if upper.endswith(old):
            return upper[: -len(old)].rstrip(" ,") + rng.choice([" ", ", "]) + rng.choice(news)
    return upper.rstrip(" .,") + " " + rng.choice(["LTD", "LLC", "CO., LTD.", "LIMITED", "CORP", "GMBH", "FZE", "S.A."])


def punctuation(name):
    stripped = re.sub(r"[.,'\"()]", "", name)
    stripped = stripped.replace("-", rng.choice([" ", ""]))
    stripped = re.sub(r"\s+", " ", stripped).strip()
    cased = rng.choice([str.lower, str.title, str.upper])(stripped)
    return cased if cased != name else None


CYR = [
    ("SHCH", "Щ"), ("YA", "Я"), ("YU", "Ю"), ("YE", "Е"), ("ZH", "Ж"), ("KH", "Х"), ("TS", "Ц"), ("CH", "Ч"),
    ("SH", "Ш"), ("A", "А"), ("B", "Б"), ("V", "В"), ("G", "Г"), ("D", "Д"), ("E", "Е"), ("Z", "З"), ("I", "И"),
    ("Y", "Ы"), ("K", "К"), ("L", "Л"), ("M", "М"), ("N", "Н"), ("O", "О"), ("P", "П"), ("R", "Р"), ("S", "С"),
    ("T", "Т"), ("U", "У"), ("F", "Ф"), ("C", "К"), ("W", "В"), ("X", "КС"), ("H", "Х"), ("J", "Дж"), ("Q", "К"),
]


# How Russian writes the English legal forms of the lists.
RUSSIAN_FORMS = [
    ("PUBLIC JOINT STOCK COMPANY", "ПАО"), ("OPEN JOINT STOCK COMPANY", "ОАО"), ("OPEN JOINT-STOCK COMPANY", "ОАО"),
    ("CLOSED JOINT STOCK COMPANY", "ЗАО"), ("CLOSED JOINT-STOCK COMPANY", "ЗАО"), ("JOINT STOCK COMPANY", "АО"),
    ("JOINT-STOCK COMPANY", "АО"), ("LIMITED LIABILITY COMPANY", "ООО"), ("OJSC", "ОАО"), ("CJSC", "ЗАО"),
    ("PJSC", "ПАО"), ("JSC", "АО"), ("LLC", "ООО"), ("COMPANY", "Компания"), ("LIMITED", ""), ("LTD", ""),
]


def cyrillic(name):
    upper = natural(name, "person").upper()
    for english, russian in RUSSIAN_FORMS:
        upper = re.sub(r"\b" + english + r"\b", russian, upper)
    out, i = "", 0
    while i < len(upper):
        for latin, cyr in CYR:
            if upper.startswith(latin, i):
                out += cyr
                i += len(latin)
                break
        else:
            out += upper[i]
            i += 1
    return out.title()


# Russian names and Russian company words: those are the names written in Cyrillic in the wild.
RUSSIAN = re.compile(r"[A-Z]{3,}(OV|EV|SKY|SKIY|SKAYA|OVA|EVA|OVICH|EVICH|OVNA)\b|\b(ZAVOD|OBSHCHESTVO|OOO|OAO|ZAO|AO|PAO)\b|NEFT|GAZPROM|ROSTEC|ROSOBORON")

def spacing(name):
    ws = words(name)
    if len(ws) < 2:
        return None
    i = rng.randrange(0, len(ws) - 1)
    return " ".join(ws[:i] + [ws[i] + ws[i + 1]] + ws[i + 2 :])


TRAD_TO_SIMP = str.maketrans("長連術國際運華務鮮聯機貿會東興業倉龍門鐵開發電貝達", "长连术国际运华务鲜联机贸会东兴业仓龙门铁开发电贝达")


def han_variant(run):
    """The Chinese-script part of a listed name, in simplified characters where it was
    traditional, else without its company-type ending."""
    variant = run.translate(TRAD_TO_SIMP)
    if variant == run and run.endswith("有限公司") and len(run) > 6:
        variant = run[: -len("有限公司")]
    return variant


CHANGES = {"spacing": spacing, "typo": typo, "reorder": reorder, "drop_middle": drop_middle, "initial": initial,
           "translit": translit, "punctuation": punctuation}

rows = []


def add(split_key, label, kind, country, expected, change, query):
    query = re.sub(r"\s+", " ", query).strip()
    if query:
        rows.append((split_of(split_key), label, kind, country, expected, change, query))


positive_pool = [e for e in entries if e[3]]
rng.shuffle(positive_pool)
wanted = {"spacing": 30, "han_script": 10, "typo": 90, "reorder": 70, "drop_middle": 70, "initial": 45, "translit": 70, "punctuation": 45,
          "suffix": 70, "alias": 45, "cyrillic": 40, "original_script": 25, "exact_kind_country": 30}
made = {k: 0 for k in wanted}
for list_id, entry_id, kind, primary, aliases, _ in positive_pool:
    expected = f"{list_id}:{entry_id}"
    name = natural(primary, kind)
    order = list(CHANGES.items())
    rng.shuffle(order)
    for change, fn in order:
        if made[change] >= wanted[change]:
            continue
        # Transliteration varies names of people; English words in company names keep their spelling.
        if change in ("drop_middle", "initial", "translit") and kind != "person":
            continue
        variant = fn(name)
        if variant and plain(variant) != plain(name) or (variant and change == "reorder"):
            add(expected, "pos", "unknown", "", expected, change, variant)
            made[change] += 1
            break
    if kind == "organization" and made["suffix"] < wanted["suffix"] and rng.random() < 0.5:
        add(expected, "pos", "organization", "", expected, "suffix", suffix(primary))
        made["suffix"] += 1
    if aliases and made["alias"] < wanted["alias"] and rng.random() < 0.3:
        alias = rng.choice(aliases)
        variant = rng.choice([typo, punctuation, reorder])(natural(alias, kind)) or alias
        add(expected, "pos", "unknown", "", expected, "alias", variant)
        made["alias"] += 1
    if RUSSIAN.search(primary.upper()) and made["cyrillic"] < wanted["cyrillic"] and list_id != "un_sc":
        add(expected, "pos", "unknown", "", expected, "cyrillic", cyrillic(primary))
        made["cyrillic"] += 1
    if made["exact_kind_country"] < wanted["exact_kind_country"] and kind in ("person", "organization") and rng.random() < 0.1:
        add(expected, "pos", kind, "", expected, "exact_kind_country", natural(primary, kind).title())
        made["exact_kind_country"] += 1

for list_id, entry_id, name in han_names:
    if True:
        for run in re.findall("[\u4e00-\u9fff]{3,}", name)[:1]:
            if made["han_script"] < wanted["han_script"]:
                expected = f"{list_id}:{entry_id}"
                add(expected, "pos", "unknown", "", expected, "han_script", han_variant(run))
                made["han_script"] += 1

for ref, original in un_original[: wanted["original_script"] * 2]:
    if made["original_script"] >= wanted["original_script"]:
        break
    variant = drop_middle(original) or original
    add("un_sc:" + ref, "pos", "unknown", "", "un_sc:" + ref, "original_script", variant)
    made["original_script"] += 1

# ---- negatives ---------------------------------------------------------------------------------

WESTERN_FIRST = "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Betty Mark Sandra Paul Ashley Steven Emily Andrew Donna Kenneth Michelle Joshua Carol Kevin Amanda Brian Melissa George Deborah Oliver Emma Lukas Sophie Pierre Claire Hans Greta Giovanni Chiara".split()
WESTERN_LAST = "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly Howard Schmidt Mueller Schneider Fischer Weber Dubois Moreau Laurent Rossi Russo Bianchi Jansen De Vries Nowak Kowalski".split()
CN_SURNAME = "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao".split()
CN_GIVEN = "Wei Fang Na Xiuying Min Jing Lei Jun Yang Yong Yan Jie Tao Ming Chao Xiulan Xia Ping Gang Hui Hong Yu Ling Hao Jian Bo Hua Xin Lan Qiang Haiyan Zhiwei Jianguo Xiaoming Yunfei Zihan Yichen Haoran Ruoxi Jiahui Shuang Kai Peng Lihua Dongmei Guoqiang".split()
CN_HANZI_SURNAME = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程苏吕丁任沈姚"
CN_HANZI_GIVEN = "伟芳娜秀英敏静磊军洋勇艳杰涛明超兰霞平刚辉红玉玲浩健波华新强海燕志国晓云飞子涵一晨然若曦佳慧双凯鹏丽东梅"
RU_FIRST = "Aleksandr Sergei Dmitry Andrei Alexei Maxim Ivan Mikhail Nikita Yegor Olga Tatiana Elena Natalia Anna Irina Svetlana Yulia Marina Ekaterina Pavel Roman Kirill Artem Denis Vadim Anastasia Daria Polina Ksenia".split()
RU_LAST = "Ivanov Smirnov Kuznetsov Popov Vasiliev Petrov Sokolov Mikhailov Novikov Fedorov Morozov Volkov Alekseev Lebedev Semenov Egorov Pavlov Kozlov Stepanov Nikolaev Orlov Andreev Makarov Zakharov Zaitsev Solovyov Borisov Yakovlev Grigoriev Romanov".split()
AR_FIRST = "Ahmed Mahmoud Mustafa Khaled Omar Tarek Youssef Karim Hisham Walid Samir Nabil Rami Fadi Bassam Layla Fatima Aisha Mariam Nour Hana Rania Salma Yasmin Dina Ziad Hamza Bilal Anas Majed".split()
AR_LAST = "Haddad Khoury Nasser Saleh Mansour Khalil Darwish Aziz Hamdan Barakat Saad Fares Najjar Qasim Sabbagh Tamimi Jaber Awad Shami Masri Bakri Zayed Hijazi Rashed Suleiman Kassem Obeid Haddadin Shaheen Sharif".split()
LATAM_FIRST = "Juan Jose Luis Carlos Jorge Miguel Pedro Alejandro Fernando Ricardo Maria Guadalupe Ana Sofia Valentina Camila Lucia Gabriela Daniela Isabella Mateo Santiago Diego Andres Javier".split()
LATAM_LAST = "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez Diaz Reyes Morales Cruz Ortiz Gutierrez Chavez Ramos Vargas Castillo Jimenez Moreno Romero Alvarez Mendoza Ruiz Aguilar".split()

CN_CITIES = "Shenzhen Guangzhou Dongguan Foshan Xiamen Ningbo Yiwu Hangzhou Suzhou Shanghai Qingdao Tianjin Zhongshan Huizhou Jinhua Wenzhou".split()
CN_BRAND = "Xinda Huamei Jiali Tengfei Baoli Hengtai Ruixiang Yuanfeng Kangda Jinxin Longsheng Tianyi Mingyang Haoyun Zhongxin Lianchuang Shengda Hongtai Fuxing Yongxin Dingsheng Anxin Boya Chuangyi".split()
CN_TRADE = "Electronics Trading Technology Garments Import and Export Logistics Plastic Products Hardware Lighting Textile Toys Furniture Packaging Cosmetics Auto Parts Machinery Digital Supply Chain Management".split(" ")
WEST_WORD = "Nordic Alpine Pacific Atlantic Summit Harbor Maple Cedar Silver Golden Bright Evergreen Blue River Stone Oak Pioneer Horizon Vertex Apex Crescent Meridian Sterling Liberty".split()
WEST_TRADE = "Foods Logistics Timber Textiles Outdoor Supplies Components Retail Imports Pharma Consulting Apparel Tools Marine Packaging Media Analytics Partners Holdings Distribution".split()
ORG_SUFFIX = ["Co., Ltd.", "Co Ltd", "Limited", "LLC", "GmbH", "AB", "S.A.", "Inc.", "Corp.", "B.V.", "Pty Ltd", "S.r.l.", "OOO", "SARL", "Trading LLC"]


def person_negative():
    region = rng.choice(["west", "cn", "cn_hanzi", "ru", "ar", "latam"])
    if region == "west":
        return region, f"{rng.choice(WESTERN_FIRST)} {rng.choice(WESTERN_LAST)}"
    if region == "cn":
        return region, f"{rng.choice(CN_SURNAME)} {rng.choice(CN_GIVEN)}"
    if region == "cn_hanzi":
        return region, rng.choice(CN_HANZI_SURNAME) + "".join(rng.choice(CN_HANZI_GIVEN) for _ in range(rng.choice([1, 2])))
    if region == "ru":
        return region, f"{rng.choice(RU_FIRST)} {rng.choice(RU_LAST)}"
    if region == "ar":
        return region, f"{rng.choice(AR_FIRST)} {rng.choice(AR_FIRST)} {rng.choice(AR_LAST)}"
    return region, f"{rng.choice(LATAM_FIRST)} {rng.choice(LATAM_LAST)} {rng.choice(LATAM_LAST)}"


def company_negative():
    if rng.random() < 0.55:
        return "cn_org", f"{rng.choice(CN_CITIES)} {rng.choice(CN_BRAND)} {rng.choice(CN_TRADE)} {rng.choice(ORG_SUFFIX[:3])}"
    return "west_org", f"{rng.choice(WEST_WORD)} {rng.choice(WEST_TRADE)} {rng.choice(ORG_SUFFIX)}"


def near_miss():
    list_id, entry_id, kind, primary, _, _ = rng.choice(positive_pool)
    name = natural(primary, kind)
    ws = words(name)
    if kind == "person" and len(ws) >= 2:
        # Same given name, another family: a different person.
        ws[-1] = rng.choice(WESTERN_LAST + RU_LAST + AR_LAST + LATAM_LAST).upper()
        if len(ws) >= 3:
            ws = [ws[0], ws[-1]]
        return "near_person", " ".join(ws)
    if kind == "organization" and 2 <= len(ws) <= 3:
        # Keep the generic words, change the distinctive one (in a longer name, one changed word
        # still leaves the same party).
        longest = max(range(len(ws)), key=lambda i: len(ws[i]))
        ws[longest] = rng.choice(CN_BRAND + WEST_WORD).upper()
        return "near_org", " ".join(ws)
    return None


negatives = set()
attempts = 0
while len(negatives) < 420 and attempts < 100000:
    attempts += 1
    roll = rng.random()
    made_negative = person_negative() if roll < 0.45 else company_negative() if roll < 0.75 else near_miss()
    if not made_negative:
        continue
    change, query = made_negative
    if plain(query) in listed_plain or query in {q for _, q in negatives}:
        continue
    negatives.add((change, query))
for change, query in sorted(negatives):
    kind = "organization" if change.endswith("org") else "person" if change != "near_miss" else "unknown"
    add(query, "neg", kind if rng.random() < 0.5 else "unknown", "", "-", change, query)

# Ordinary people's names drawn from a common-names reference (ordinary_names.tsv, made by
# make_ordinary.py from Faker's person tables), and the ordinary buyers that real traffic held:
# the kind of negative that decides how many clean parcels stop.
for line in open(os.path.join(HERE, "ordinary_names.tsv"), encoding="utf-8"):
    if line.startswith("#"):
        continue
    use, region, query = line.rstrip("\n").split("\t")
    if use in ("labelled", "reported") and plain(query) not in listed_plain:
        add(query, "neg", "unknown", "", "-", "common_" + region, query)

rng.shuffle(rows)
with open(OUT, "w", encoding="utf-8") as out:
    out.write("# Generated by make_labelled.py; see its docstring. Columns: split, label, kind, country, expected (list:entry_id), change, query\n")
    for row in sorted(rows, key=lambda r: (r[0], r[1], r[5], r[6])):
        out.write("\t".join(row) + "\n")

counts = {}
for r in rows:
    counts[(r[0], r[1])] = counts.get((r[0], r[1]), 0) + 1
print(sorted(counts.items()), made)
