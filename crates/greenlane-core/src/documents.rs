//! The documents of a parcel as the domain sees them: what was declared, by whom, and the keys
//! that tie the three documents of one parcel together.

use crate::MessageTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An order is identified by its platform (ebpCode) and the platform's order number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OrderKey {
    pub ebp_code: String,
    pub order_no: String,
}

/// A waybill is identified by its logistics firm and the firm's waybill number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WaybillKey {
    pub logistics_code: String,
    pub logistics_no: String,
}

/// A declaration list is identified by its e-commerce enterprise and the enterprise's own
/// document number (copNo), as the Decision API addresses it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ListKey {
    pub ebc_code: String,
    pub cop_no: String,
}

/// The buyer of an order, from greenlane's extension block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    pub name: String,
    pub address: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub telephone: Option<String>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderItem {
    pub gnum: i32,
    pub item_no: String,
    pub item_name: String,
    pub unit: String,
    pub currency: String,
    pub qty: Decimal,
    pub price: Decimal,
    pub total_price: Decimal,
}

/// The platform's export order (CEB303).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub key: OrderKey,
    pub order_type: String,
    pub ebp_name: String,
    pub ebc_code: String,
    pub ebc_name: String,
    /// FOB value of the goods, without freight.
    pub goods_value: Decimal,
    pub freight: Decimal,
    pub currency: String,
    pub items: Vec<OrderItem>,
    pub buyer: Option<Buyer>,
    pub app_time: MessageTime,
}

/// The logistics firm's waybill (CEB505).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waybill {
    pub key: WaybillKey,
    pub logistics_name: String,
    pub freight: Decimal,
    pub insured_fee: Decimal,
    pub currency: String,
    /// Kilograms.
    pub gross_weight: Decimal,
    pub pack_no: i32,
    pub goods_info: String,
    pub ebc_code: Option<String>,
    pub app_time: MessageTime,
}

/// The payment receipt (收款单, CEB403): optional since GACC announcement 2024 No.167.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub order: OrderKey,
    pub ebc_code: String,
    pub pay_code: Option<String>,
    pub pay_name: String,
    pub pay_no: Option<String>,
    pub charge: Decimal,
    pub currency: String,
    pub app_time: MessageTime,
}

/// One goods line of a declaration list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListItem {
    pub gnum: i32,
    pub item_no: String,
    /// HS code, 10 digits (4 under simplified declaration).
    pub gcode: String,
    pub gname: String,
    pub gmodel: String,
    /// Destination country (customs code).
    pub country: String,
    pub currency: String,
    pub qty: Decimal,
    pub qty1: Decimal,
    pub unit: String,
    pub unit1: String,
    pub price: Decimal,
    pub total_price: Decimal,
}

/// The declaration list (申报清单, CEB603): the document customs releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct List {
    pub key: ListKey,
    pub order: OrderKey,
    pub waybill: WaybillKey,
    pub invt_no: Option<String>,
    pub customs_code: String,
    pub port_code: String,
    pub ie_date: String,
    pub statistics_flag: String,
    pub agent_code: String,
    pub agent_name: String,
    pub ebc_name: String,
    pub owner_code: String,
    pub owner_name: String,
    pub trade_mode: String,
    pub traf_mode: String,
    pub license_no: Option<String>,
    /// Country of arrival (运抵国), customs code.
    pub country: String,
    pub freight: Decimal,
    /// How `freight` is stated (`fFlag`); lists stored before it was kept read as a total.
    #[serde(default)]
    pub freight_mark: ChargeMark,
    /// `fCurrency`; empty when the list names none (then the goods' currency).
    #[serde(default)]
    pub freight_currency: String,
    pub insured_fee: Decimal,
    /// How `insured_fee` is stated (`iFlag`).
    #[serde(default)]
    pub insurance_mark: ChargeMark,
    /// `iCurrency`; empty when the list names none.
    #[serde(default)]
    pub insurance_currency: String,
    pub pack_no: i32,
    pub gross_weight: Decimal,
    pub net_weight: Decimal,
    pub items: Vec<ListItem>,
    pub app_time: MessageTime,
}

/// How a declaration states a charge (运费标记 / 保费标记, `fFlag` / `iFlag`), as the customs
/// declaration form does: a rate, a price per tonne, or a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChargeMark {
    /// `1`: a percentage of the goods' value.
    Rate,
    /// `2`: a price per tonne of gross weight.
    PerTonne,
    /// `3`: the amount itself (the only mark the 202205 spec allows).
    #[default]
    Total,
}

impl ChargeMark {
    /// The mark of a `fFlag`/`iFlag` code; an absent or unknown code is a total.
    pub fn from_code(code: &str) -> ChargeMark {
        match code.trim() {
            "1" => ChargeMark::Rate,
            "2" => ChargeMark::PerTonne,
            _ => ChargeMark::Total,
        }
    }
}

impl List {
    /// The declared value of the goods: the sum of the lines' totals.
    pub fn goods_value(&self) -> Decimal {
        self.items.iter().map(|i| i.total_price).sum()
    }
}

/// A list with its order and waybill, ready to be checked and assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parcel {
    pub list: List,
    pub order: Order,
    pub waybill: Waybill,
    pub payment: Option<Payment>,
}
