//! The three-document check (三单对碰): the declaration list against its order (goods, quantities,
//! prices, totals, currency, enterprise) and its waybill (gross weight, packages), and, when the
//! platform sent one, the payment receipt against the order.
//!
//! Documents must agree exactly: they describe the same parcel, and amounts are decimals, so
//! `59.9` and `59.90` agree while `59.90` and `59.91` do not.

use crate::{Parcel, Reason};

/// How serious a disagreement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// An officer should look at the documents.
    Review,
    /// The documents cannot belong together; the list is refused.
    Reject,
}

/// One disagreement between the documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub reason: Reason,
}

fn finding(severity: Severity, code: &str, message: String) -> Finding {
    Finding { severity, reason: Reason::new(code, message) }
}

/// Compares the documents of a parcel; an empty result means they agree.
pub fn three_documents(parcel: &Parcel) -> Vec<Finding> {
    let Parcel { list, order, waybill, payment } = parcel;
    let mut out = Vec::new();

    if list.key.ebc_code != order.ebc_code {
        out.push(finding(
            Severity::Reject,
            "doc.ebc_mismatch",
            format!(
                "the list is filed for enterprise {} but the order belongs to {}",
                list.key.ebc_code, order.ebc_code
            ),
        ));
    }
    if let Some(ebc) = &waybill.ebc_code
        && !ebc.is_empty()
        && *ebc != list.key.ebc_code
    {
        out.push(finding(
            Severity::Review,
            "doc.waybill_ebc_mismatch",
            format!("the waybill names enterprise {ebc} but the list is filed for {}", list.key.ebc_code),
        ));
    }

    // Goods: every list line must be an order line with the same quantity and price. Lines are
    // matched by item number, which both documents carry, so a reordered list still matches.
    if list.items.len() != order.items.len() {
        out.push(finding(
            Severity::Review,
            "doc.items_mismatch",
            format!("the list declares {} goods lines, the order {}", list.items.len(), order.items.len()),
        ));
    }
    for item in &list.items {
        let Some(ordered) = order.items.iter().find(|o| o.item_no == item.item_no) else {
            out.push(finding(
                Severity::Review,
                "doc.item_not_ordered",
                format!("list line {} (item {}) is not on the order", item.gnum, item.item_no),
            ));
            continue;
        };
        if ordered.qty != item.qty {
            out.push(finding(
                Severity::Review,
                "doc.qty_mismatch",
                format!("item {}: the list declares {} units, the order {}", item.item_no, item.qty, ordered.qty),
            ));
        }
        if ordered.price != item.price {
            out.push(finding(
                Severity::Review,
                "doc.price_mismatch",
                format!(
                    "item {}: the list's unit price is {}, the order's {}",
                    item.item_no, item.price, ordered.price
                ),
            ));
        }
        if item.currency != order.currency {
            out.push(finding(
                Severity::Review,
                "doc.currency_mismatch",
                format!(
                    "item {}: the list is in currency {}, the order in {}",
                    item.item_no, item.currency, order.currency
                ),
            ));
        }
    }
    let declared = list.goods_value();
    if declared != order.goods_value {
        out.push(finding(
            Severity::Review,
            "doc.value_mismatch",
            format!("the list declares goods worth {declared}, the order {}", order.goods_value),
        ));
    }

    if list.gross_weight != waybill.gross_weight {
        out.push(finding(
            Severity::Review,
            "doc.weight_mismatch",
            format!("gross weight: {} kg on the list, {} kg on the waybill", list.gross_weight, waybill.gross_weight),
        ));
    }
    if list.pack_no != waybill.pack_no {
        out.push(finding(
            Severity::Review,
            "doc.packages_mismatch",
            format!("packages: {} on the list, {} on the waybill", list.pack_no, waybill.pack_no),
        ));
    }

    if let Some(payment) = payment {
        let with_freight = order.goods_value + order.freight;
        if payment.charge != order.goods_value && payment.charge != with_freight {
            out.push(finding(
                Severity::Review,
                "doc.payment_mismatch",
                format!(
                    "the payment received {} but the order is worth {} ({with_freight} with freight)",
                    payment.charge, order.goods_value
                ),
            ));
        }
        if payment.currency != order.currency {
            out.push(finding(
                Severity::Review,
                "doc.payment_currency_mismatch",
                format!("the payment is in currency {}, the order in {}", payment.currency, order.currency),
            ));
        }
    }
    out
}
