//! The facts of a declaration list that the officers' queue filters on and the dashboards add
//! up (its China day, destination, supervision mode, HS chapter, value in fen), worked out here,
//! above the store, which only keeps them and moves the daily totals with them.
//!
//! Values are converted to yuan with the customs rates of greenlane-codes (`exchange_rates.csv`,
//! one rate per customs month with its source), at the month of the list's receipt in message
//! time: customs convert a declaration at the rate of the month it is declared in, so a
//! dashboard's total for a past day does not move when rates change later.

use greenlane_core::check::is_yuan;
use greenlane_core::{ListItem, MessageTime};
use greenlane_store::{ListFacts, ListRow, china_day};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// The facts of `row` as the dashboards count them.
pub fn list_facts(row: &ListRow) -> ListFacts {
    ListFacts {
        day: china_day(row.received_at.0),
        dest_country: row.list.country.clone(),
        trade_mode: row.list.trade_mode.clone(),
        hs_chapter: hs_chapter(&row.list.items),
        value_fen: value_fen(&row.list.items, row.received_at),
        ebp_code: row.list.order.ebp_code.clone(),
        lane: row.lane,
    }
}

/// The chapter (first two digits of the HS code) of the most valuable line, the first of
/// equals: a parcel is counted once, under what most of its value is.
fn hs_chapter(items: &[ListItem]) -> String {
    let mut best: Option<&ListItem> = None;
    for item in items {
        if best.is_none_or(|b| item.total_price > b.total_price) {
            best = Some(item);
        }
    }
    best.map(|i| i.gcode.chars().take(2).collect()).unwrap_or_default()
}

/// CNY per unit of `currency` (customs code or ISO alpha) in the customs month of `at`.
fn cny_per_unit(currency: &str, at: MessageTime) -> Option<Decimal> {
    if is_yuan(currency) {
        return Some(Decimal::ONE);
    }
    let month = at.month();
    greenlane_codes::exchange_rate(currency, (month / 100) as i32, month % 100).map(|r| r.cny_per_unit)
}

/// The declared value of the list in fen. A line in a currency the customs table has no rate
/// for (RUB, KZT and VND are not in its source) adds nothing rather than a made-up amount: the
/// list still counts, its value is understated, and the document check flags the currency.
fn value_fen(items: &[ListItem], at: MessageTime) -> i64 {
    let mut fen: i64 = 0;
    for item in items {
        let Some(rate) = cny_per_unit(&item.currency, at) else { continue };
        let value = item
            .total_price
            .checked_mul(rate)
            .and_then(|v| v.checked_mul(Decimal::ONE_HUNDRED))
            .map(|v| v.round())
            .and_then(|v| v.to_i64())
            // A value beyond i64 fen (about 92 trillion yuan) is a typo; count it at the cap
            // rather than fail the sender's message.
            .unwrap_or(i64::MAX);
        fen = fen.saturating_add(value);
    }
    fen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(gcode: &str, currency: &str, total: &str) -> ListItem {
        ListItem {
            gnum: 1,
            item_no: String::new(),
            gcode: gcode.into(),
            gname: "goods".into(),
            gmodel: String::new(),
            country: "502".into(),
            currency: currency.into(),
            qty: Decimal::ONE,
            qty1: Decimal::ONE,
            unit: "011".into(),
            unit1: "035".into(),
            price: total.parse().unwrap(),
            total_price: total.parse().unwrap(),
        }
    }

    fn at(text: &str) -> MessageTime {
        MessageTime::parse_app_time(text).unwrap()
    }

    #[test]
    fn yuan_lines_count_as_declared_and_the_chapter_is_the_most_valuable_lines() {
        let items = [item("6109100021", "142", "12.34"), item("8517130000", "CNY", "99.50")];
        assert_eq!(value_fen(&items, at("20261115120000")), 1_234 + 9_950);
        assert_eq!(hs_chapter(&items), "85");
    }

    #[test]
    fn foreign_lines_convert_at_the_customs_rate_of_the_month_received() {
        let items = [item("6109100021", "502", "10")];
        let fen = |rate: Decimal| (Decimal::from(1_000) * rate).round().to_i64().unwrap();
        let usd = greenlane_codes::exchange_rate("USD", 2026, 11).unwrap().cny_per_unit;
        assert_eq!(value_fen(&items, at("20261115120000")), fen(usd));
        // Another month, another rate: the table is dated.
        let usd_then = greenlane_codes::exchange_rate("USD", 2024, 1).unwrap().cny_per_unit;
        assert_ne!(usd, usd_then);
        assert_eq!(value_fen(&items, at("20240115120000")), fen(usd_then));
    }

    #[test]
    fn a_currency_without_a_customs_rate_adds_nothing() {
        let items = [item("6109100021", "RUB", "1000"), item("6109100021", "142", "1")];
        assert_eq!(value_fen(&items, at("20261115120000")), 100);
    }
}
