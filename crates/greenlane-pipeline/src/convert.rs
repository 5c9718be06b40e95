//! From CEB wire records to domain documents: the one place that knows both vocabularies.
//! Wire strings that the domain relies on (times, counts) are checked here; an entity that fails
//! is refused on its own with a business error, the rest of its message still applies.

use greenlane_ceb::export;
use greenlane_ceb::{Consignee, ExtendPayload};
use greenlane_core::{
    BusinessError, Buyer, ChargeMark, List, ListItem, ListKey, MessageTime, Order, OrderItem, OrderKey, Payment,
    Waybill, WaybillKey,
};

/// `appType`: what the sender wants done with the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppType {
    New,
    Change,
    Delete,
}

pub fn app_type(value: &str) -> Result<AppType, BusinessError> {
    match value {
        "1" => Ok(AppType::New),
        "2" => Ok(AppType::Change),
        "3" => Ok(AppType::Delete),
        other => Err(BusinessError::Invalid(format!("appType {other:?} is not 1 (new), 2 (change) or 3 (delete)"))),
    }
}

pub fn app_time(value: &str) -> Result<MessageTime, BusinessError> {
    MessageTime::parse_app_time(value).map_err(|e| BusinessError::Invalid(format!("appTime: {e}")))
}

/// The buyers a message's extension block names, by order number.
pub fn buyers(extend: Option<&export::ExtendMessage>) -> Vec<&Consignee> {
    match extend.map(|e| &e.message) {
        Some(ExtendPayload::Consignees(list)) => list.iter().collect(),
        _ => Vec::new(),
    }
}

pub fn order(wire: &export::Order, buyers: &[&Consignee]) -> Result<Order, BusinessError> {
    let head = &wire.order_head;
    let buyer = buyers.iter().find(|c| c.order_no == head.order_no).map(|c| Buyer {
        name: c.name.clone(),
        address: c.address.clone(),
        country: c.country.clone(),
        telephone: c.telephone.clone(),
    });
    Ok(Order {
        key: OrderKey { ebp_code: head.ebp_code.clone(), order_no: head.order_no.clone() },
        order_type: head.order_type.clone(),
        ebp_name: head.ebp_name.clone(),
        ebc_code: head.ebc_code.clone(),
        ebc_name: head.ebc_name.clone(),
        goods_value: head.goods_value,
        freight: head.freight,
        currency: head.currency.clone(),
        items: wire
            .order_lists
            .iter()
            .map(|l| OrderItem {
                gnum: l.gnum,
                item_no: l.item_no.clone(),
                item_name: l.item_name.clone(),
                unit: l.unit.clone(),
                currency: l.currency.clone(),
                qty: l.qty,
                price: l.price,
                total_price: l.total_price,
            })
            .collect(),
        buyer,
        app_time: app_time(&head.app_time)?,
    })
}

pub fn payment(wire: &export::Receipts) -> Result<Payment, BusinessError> {
    Ok(Payment {
        order: OrderKey { ebp_code: wire.ebp_code.clone(), order_no: wire.order_no.clone() },
        ebc_code: wire.ebc_code.clone(),
        pay_code: wire.pay_code.clone(),
        pay_name: wire.pay_name.clone(),
        pay_no: wire.pay_no.clone(),
        charge: wire.charge,
        currency: wire.currency.clone(),
        app_time: app_time(&wire.app_time)?,
    })
}

pub fn waybill(wire: &export::Logistics) -> Result<Waybill, BusinessError> {
    Ok(Waybill {
        key: WaybillKey { logistics_code: wire.logistics_code.clone(), logistics_no: wire.logistics_no.clone() },
        logistics_name: wire.logistics_name.clone(),
        freight: wire.freight,
        insured_fee: wire.insured_fee,
        currency: wire.currency.clone(),
        gross_weight: wire.gross_weight,
        pack_no: wire.pack_no,
        goods_info: wire.goods_info.clone(),
        ebc_code: wire.ebc_code.clone().filter(|c| !c.is_empty()),
        app_time: app_time(&wire.app_time)?,
    })
}

pub fn list(wire: &export::Inventory) -> Result<List, BusinessError> {
    let head = &wire.inventory_head;
    Ok(List {
        key: ListKey { ebc_code: head.ebc_code.clone(), cop_no: head.cop_no.clone() },
        order: OrderKey { ebp_code: head.ebp_code.clone(), order_no: head.order_no.clone() },
        waybill: WaybillKey { logistics_code: head.logistics_code.clone(), logistics_no: head.logistics_no.clone() },
        invt_no: head.invt_no.clone().filter(|n| !n.is_empty()),
        customs_code: head.customs_code.clone(),
        port_code: head.port_code.clone(),
        ie_date: head.ie_date.clone(),
        statistics_flag: head.statistics_flag.clone(),
        agent_code: head.agent_code.clone(),
        agent_name: head.agent_name.clone(),
        ebc_name: head.ebc_name.clone(),
        owner_code: head.owner_code.clone(),
        owner_name: head.owner_name.clone(),
        trade_mode: head.trade_mode.clone(),
        traf_mode: head.traf_mode.clone(),
        license_no: head.license_no.clone().filter(|n| !n.is_empty()),
        country: head.country.clone(),
        freight: head.freight,
        freight_mark: ChargeMark::from_code(&head.f_flag),
        freight_currency: head.f_currency.clone(),
        insured_fee: head.insured_fee,
        insurance_mark: ChargeMark::from_code(&head.i_flag),
        insurance_currency: head.i_currency.clone(),
        pack_no: head.pack_no,
        gross_weight: head.gross_weight,
        net_weight: head.net_weight,
        items: wire
            .inventory_lists
            .iter()
            .map(|l| ListItem {
                gnum: l.gnum,
                item_no: l.item_no.clone(),
                gcode: l.gcode.clone(),
                gname: l.gname.clone(),
                gmodel: l.gmodel.clone(),
                country: l.country.clone(),
                currency: l.currency.clone(),
                qty: l.qty,
                qty1: l.qty1,
                unit: l.unit.clone(),
                unit1: l.unit1.clone(),
                price: l.price,
                total_price: l.total_price,
            })
            .collect(),
        app_time: app_time(&head.app_time)?,
    })
}
