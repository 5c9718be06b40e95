#!/usr/bin/env python3
"""What recall any engine could reach on a simulated day, given the honest noise.

For the three kinds whose evidence is a number that honest parcels also produce (a low price, a
light declared weight, a list price below the order's), an oracle that knows each parcel's
product and every honest parcel of the day ranks parcels by how unusual that number is among
honest parcels like it. Stopping the most unusual share q of the honest parcels (the false
positives it must pay) catches the violations beyond that quantile, and no engine that sees
only the messages can do better with the same false-positive rate. Every other kind is assumed
caught in full, and so is every split shipment but the first parcel of its consignment
(decided before its siblings exist), so the total is an upper bound.

Usage: recall-ceiling.py DAY_DIR [DAY_DIR...]   (a trial's day: truth.jsonl and greenlane.db)
"""
import bisect
import collections
import json
import sqlite3
import sys

QS = (0.001, 0.0025, 0.005, 0.01)
KINDS = ("undervaluation", "weight_mismatch", "document_mismatch")
# Graded by the statistic only at these subtleties; the more blatant ones of the kind are
# assumed caught (a document mismatch that drops a line or adds a unit is structural).
GRADED = {
    "undervaluation": ("obvious", "moderate", "subtle"),
    "weight_mismatch": ("obvious", "moderate", "subtle"),
    "document_mismatch": ("subtle",),
}


def load(day):
    truth = {}
    with open(f"{day}/truth.jsonl") as f:
        for line in f:
            t = json.loads(line)
            truth[(t["ebcCode"], t["copNo"])] = t
    db = sqlite3.connect(f"{day}/greenlane.db")
    rows = db.execute(
        """select l.ebc_code, l.cop_no, l.doc, w.doc, o.doc from lists l
           join waybills w on w.list_ebc_code = l.ebc_code and w.list_cop_no = l.cop_no
           join orders o on o.list_ebc_code = l.ebc_code and o.list_cop_no = l.cop_no"""
    )
    for ebc, cop, ldoc, wdoc, odoc in rows:
        t = truth.get((ebc, cop))
        if t is not None:
            yield t, json.loads(ldoc), json.loads(wdoc), json.loads(odoc)


def statistics(t, lst, way, order):
    """(kind, group, x) triples: x larger is more suspicious."""
    item = lst["items"][0]
    out = []
    # Unit value in the list's own currency against honest parcels of the same product, unit
    # and currency: lower is more suspicious.
    price = float(item["price"])
    if price > 0:
        out.append(("undervaluation", (t["product"], item["unit"], item["currency"]), -price))
    # Declared gross weight below the scale, relative, within a band of the declared weight.
    d, w = float(lst["gross_weight"]), float(way["gross_weight"])
    if d > 0:
        band = min(int(d * 10), 30)
        out.append(("weight_mismatch", band, (w - d) / d))
    # The list's unit price below the order's for the same line, in the same currency and
    # unit (what the three-document check compares first; honest lists round it).
    ordered = order["items"][0] if order["items"] else None
    if ordered and ordered["currency"] == item["currency"] and ordered["unit"] == item["unit"]:
        op = float(ordered["price"])
        if op > 0:
            out.append(("document_mismatch", item["currency"], (op - price) / op))
    return out


def main(days):
    for day in days:
        honest = collections.defaultdict(list)
        violating = collections.defaultdict(list)
        totals = collections.Counter()
        clean = 0
        groups = {}
        for t, lst, way, order in load(day):
            kinds = set(t["violations"])
            if "split_shipment" in kinds and t.get("splitGroup"):
                key = t["splitGroup"]
                if key not in groups or t["appTime"] < groups[key][0]:
                    groups[key] = (t["appTime"], (t["ebcCode"], t["copNo"]))
            for v in kinds:
                totals[v] += 1
            if not kinds:
                clean += 1
            for kind, group, x in statistics(t, lst, way, order):
                if not kinds:
                    honest[(kind, group)].append(x)
                elif kind in kinds:
                    violating[kind].append((group, x, t["subtlety"]))
        first_of_group = {v[1] for v in groups.values()}
        for v in honest.values():
            v.sort()
        all_violations = sum(totals.values())
        print(f"{day}: {clean} clean parcels, {all_violations} violations")
        print("| kind | violations | " + " | ".join(f"caught at {100 * q:g}% of honest stopped" for q in QS) + " |")
        print("|---|---:|" + "---:|" * len(QS))
        # A split consignment shows only from its second parcel: the first is decided before
        # its siblings exist, so no engine deciding in arrival order can stop it.
        firsts = len(first_of_group)
        ceilings = {q: all_violations - sum(totals[k] for k in KINDS) - firsts for q in QS}
        for kind in KINDS:
            row = []
            for q in QS:
                # Violations of the kind with no statistic (another unit or currency) or at an
                # ungraded subtlety count as caught.
                graded = [v for v in violating[kind] if v[2] in GRADED[kind]]
                caught = totals[kind] - len(graded)
                for group, x, _ in graded:
                    h = honest.get((kind, group), [])
                    # Honest parcels at least as suspicious as this one.
                    above = len(h) - bisect.bisect_left(h, x)
                    if not h or above / len(h) <= q:
                        caught += 1
                ceilings[q] += caught
                row.append(f"{100 * caught / max(totals[kind], 1):.1f}%")
            print(f"| {kind} | {totals[kind]} | " + " | ".join(row) + " |")
        print(f"| split_shipment, first parcel of its consignment | {firsts} | " + " | ".join("0%" for _ in QS) + " |")
        print(
            "| **all kinds, the others caught in full** | "
            + str(all_violations)
            + " | "
            + " | ".join(f"**{100 * ceilings[q] / all_violations:.1f}%**" for q in QS)
            + " |"
        )
        print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
