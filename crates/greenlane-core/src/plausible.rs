//! Values no real parcel can have: quantities, prices, values and weights at or below zero, a
//! line total that is not its quantity times its price, an order worth less than its lines, and
//! dates outside any plausible range. Such a document is refused (business error), never
//! scored: a risk engine that sees a parcel of −3 phones at −59.90 yuan has nothing to weigh.
//!
//! Dates are judged against message time only (INTERFACES.md §6): a year outside 2000–2100, or
//! an export date (`ieDate`) far from the list's own `appTime`.

use crate::{BusinessError, List, MessageTime, Order, Payment, Waybill};
use rust_decimal::Decimal;

/// The earliest and latest year a CEB message may carry: the unified system began in 2014 and
/// no clearance is filed a lifetime ahead.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// How far (days) a list's export date may lie from the time the list was filed: lists are
/// filed before the goods leave, usually the same day; a month covers a warehouse's backlog.
const IE_DATE_DAYS: i64 = 31;

fn positive(what: impl FnOnce() -> String, value: Decimal) -> Result<(), BusinessError> {
    if value > Decimal::ZERO {
        Ok(())
    } else {
        Err(BusinessError::NotPositive { what: what(), value: value.normalize().to_string() })
    }
}

fn not_negative(what: impl FnOnce() -> String, value: Decimal) -> Result<(), BusinessError> {
    if value >= Decimal::ZERO {
        Ok(())
    } else {
        Err(BusinessError::NotPositive { what: what(), value: value.normalize().to_string() })
    }
}

/// A line total may differ from quantity × price by the rounding of a price to 2 decimals
/// (half a fen per unit) and of the total itself.
fn line_total(
    what: impl FnOnce() -> String,
    qty: Decimal,
    price: Decimal,
    total: Decimal,
) -> Result<(), BusinessError> {
    let product = qty * price;
    let tolerance = Decimal::new(1, 2) + Decimal::new(5, 3) * qty.max(Decimal::ONE);
    if (product - total).abs() <= tolerance.max(total.abs() * Decimal::new(5, 3)) {
        Ok(())
    } else {
        Err(BusinessError::TotalMismatch {
            what: what(),
            declared: total.normalize().to_string(),
            sum: product.normalize().to_string(),
        })
    }
}

fn year_of(t: MessageTime) -> i32 {
    t.to_app_time()[..4].parse().unwrap_or(0)
}

fn app_time(what: &str, t: MessageTime) -> Result<(), BusinessError> {
    let year = year_of(t);
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(BusinessError::ImplausibleDate {
            what: format!("{what} appTime"),
            value: t.to_app_time(),
            why: format!("the year must lie within {}–{}", YEARS.start(), YEARS.end()),
        })
    }
}

pub fn order(o: &Order) -> Result<(), BusinessError> {
    let name = || format!("order {}", o.key.order_no);
    app_time(&name(), o.app_time)?;
    for item in &o.items {
        let line = |field: &str| format!("{} line {} {field}", name(), item.gnum);
        positive(|| line("qty"), item.qty)?;
        positive(|| line("price"), item.price)?;
        positive(|| line("totalPrice"), item.total_price)?;
        line_total(|| line("totalPrice"), item.qty, item.price, item.total_price)?;
    }
    positive(|| format!("{} goodsValue", name()), o.goods_value)?;
    not_negative(|| format!("{} freight", name()), o.freight)?;
    // goodsValue may exceed its lines (platforms fold shipping into it), never fall short.
    let sum: Decimal = o.items.iter().map(|i| i.total_price).sum();
    let tolerance = Decimal::new(1, 2) * Decimal::from(o.items.len().max(1) as u32);
    if o.goods_value + tolerance < sum {
        return Err(BusinessError::TotalMismatch {
            what: format!("{} goodsValue", name()),
            declared: o.goods_value.normalize().to_string(),
            sum: sum.normalize().to_string(),
        });
    }
    Ok(())
}

pub fn waybill(w: &Waybill) -> Result<(), BusinessError> {
    let name = || format!("waybill {}", w.key.logistics_no);
    app_time(&name(), w.app_time)?;
    positive(|| format!("{} grossWeight", name()), w.gross_weight)?;
    positive(|| format!("{} packNo", name()), Decimal::from(w.pack_no))?;
    not_negative(|| format!("{} freight", name()), w.freight)?;
    not_negative(|| format!("{} insuredFee", name()), w.insured_fee)?;
    Ok(())
}

pub fn payment(p: &Payment) -> Result<(), BusinessError> {
    let name = || format!("payment of order {}", p.order.order_no);
    app_time(&name(), p.app_time)?;
    positive(|| format!("{} charge", name()), p.charge)
}

pub fn list(l: &List) -> Result<(), BusinessError> {
    let name = || format!("list {}", l.key.cop_no);
    app_time(&name(), l.app_time)?;
    ie_date(l)?;
    for item in &l.items {
        let line = |field: &str| format!("{} line {} {field}", name(), item.gnum);
        positive(|| line("qty"), item.qty)?;
        positive(|| line("qty1"), item.qty1)?;
        positive(|| line("price"), item.price)?;
        positive(|| line("totalPrice"), item.total_price)?;
        line_total(|| line("totalPrice"), item.qty, item.price, item.total_price)?;
    }
    positive(|| format!("{} grossWeight", name()), l.gross_weight)?;
    positive(|| format!("{} netWeight", name()), l.net_weight)?;
    positive(|| format!("{} packNo", name()), Decimal::from(l.pack_no))?;
    not_negative(|| format!("{} freight", name()), l.freight)?;
    not_negative(|| format!("{} insuredFee", name()), l.insured_fee)?;
    Ok(())
}

fn ie_date(l: &List) -> Result<(), BusinessError> {
    let bad = |why: String| BusinessError::ImplausibleDate {
        what: format!("list {} ieDate", l.key.cop_no),
        value: l.ie_date.clone(),
        why,
    };
    let at = MessageTime::parse_app_time(&format!("{}000000", l.ie_date))
        .map_err(|_| bad("it is not a date of the form YYYYMMDD".into()))?;
    let days = (at.0 - l.app_time.0).abs() / 86_400;
    if days > IE_DATE_DAYS {
        return Err(bad(format!("it lies {days} days from the list's appTime; at most {IE_DATE_DAYS} are plausible")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn rounding_of_prices_passes_and_a_wrong_total_does_not() {
        assert!(line_total(String::new, d("3"), d("33.33"), d("100")).is_ok());
        assert!(line_total(String::new, d("2"), d("15"), d("30")).is_ok());
        assert_eq!(line_total(String::new, d("2"), d("15"), d("3")).unwrap_err().code(), -990021);
        assert_eq!(positive(String::new, d("-1")).unwrap_err().code(), -990020);
        assert_eq!(positive(String::new, d("0")).unwrap_err().code(), -990020);
    }

    #[test]
    fn years_outside_the_plausible_range_are_refused() {
        let old = MessageTime::parse_app_time("19991231235959").unwrap();
        assert_eq!(app_time("x", old).unwrap_err().code(), -990022);
        assert!(app_time("x", MessageTime::parse_app_time("20261129100000").unwrap()).is_ok());
        assert!(app_time("x", MessageTime::parse_app_time("21010101000000").unwrap()).is_err());
    }
}
