//! The code lists that the spec documents for enumerated export fields. The XSDs only say
//! "one character"; these lists are what the field annotations and the 2018/202205 spec text
//! allow, and what [`crate::Profile::Strict`] enforces.

use crate::Version;

type Codes = &'static [(&'static str, &'static str)];

const APP_TYPE: Codes = &[("1", "new"), ("2", "change"), ("3", "delete")];
const APP_STATUS: Codes = &[("1", "stored only"), ("2", "declared")];
const EXPORT_FLAG: Codes = &[("E", "export")];
const RETURN_FLAG: Codes = &[("I", "goods coming back (import)")];
const ORDER_TYPE_2018: Codes = &[("E", "export order")];
const ORDER_TYPE_202205: Codes =
    &[("E", "export retail order"), ("B", "B2B export order (9710)"), ("W", "overseas-warehouse order (9810)")];
const TRADE_MODE_2018: Codes = &[("9610", "CBEC retail"), ("1210", "bonded CBEC"), ("1239", "bonded CBEC A")];
const TRADE_MODE_202205: Codes = &[
    ("9610", "CBEC retail"),
    ("9710", "CBEC B2B direct export"),
    ("9810", "CBEC export to overseas warehouse"),
    ("1210", "bonded CBEC"),
    ("1239", "bonded CBEC A"),
];
const STATISTICS_FLAG: Codes = &[("A", "simplified declaration"), ("B", "summary declaration")];
const FEE_FLAG_2018: Codes = &[("1", "rate"), ("2", "unit price"), ("3", "total")];
/// The 202205 schema fixes the freight and insurance flags to 3 (a total).
const FEE_FLAG_202205: Codes = &[("3", "total")];
const SUMMARY_FLAG: Codes = &[("1", "by consignor"), ("2", "by consignor and producer/seller")];
const ITEM_NAME_FLAG: Codes = &[("1", "by the list's original item name")];
const DXP_MODE: Codes = &[("DXP", "China E-port data exchange")];
const SUBSCRIBE_STATUS: Codes = &[("ALL", "data and receipts"), ("DATA", "data"), ("RET", "receipts")];

/// The values the spec allows for `field` of export record `record` in `version`, each with its
/// meaning; `None` when the field is not enumerated.
pub fn allowed_values(record: &str, field: &str, version: Version) -> Option<Codes> {
    let codes = match field {
        "appType" => APP_TYPE,
        "appStatus" => APP_STATUS,
        "ieFlag" => match record {
            "InvtRefundHead" | "InvtRefundDetail" => RETURN_FLAG,
            _ => EXPORT_FLAG,
        },
        "orderType" if record == "OrderHead" => match version {
            Version::V2018 => ORDER_TYPE_2018,
            Version::V202205 => ORDER_TYPE_202205,
        },
        "tradeMode" => match version {
            Version::V2018 => TRADE_MODE_2018,
            Version::V202205 => TRADE_MODE_202205,
        },
        "statisticsFlag" => STATISTICS_FLAG,
        "fFlag" | "iFlag" => match version {
            Version::V2018 => FEE_FLAG_2018,
            Version::V202205 => FEE_FLAG_202205,
        },
        "summaryFlag" => SUMMARY_FLAG,
        "itemNameFlag" => ITEM_NAME_FLAG,
        "dxpMode" => DXP_MODE,
        "status" if record == "BaseSubscribe" => SUBSCRIBE_STATUS,
        _ => return None,
    };
    Some(codes)
}

pub(crate) fn describe(codes: Codes) -> String {
    codes.iter().map(|(code, meaning)| format!("{code} ({meaning})")).collect::<Vec<_>>().join(", ")
}
