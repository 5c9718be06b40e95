//! Receipts: one `*Return` per entity of the message answered, in the message's own spec
//! version, and the CEB900 that answers bytes that are not a CEB message at all.
//!
//! Receipts are deterministic: their guid derives from the message's digest and their
//! `returnTime` from the entity's `appTime`, so replaying traffic reproduces them byte for byte.

use greenlane_ceb::{Message, ReadError, Version, export, import, write};
use greenlane_core::MessageTime;

/// What became of one entity: the `returnStatus` (negative for a business error) and its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityOutcome {
    pub status: i32,
    pub info: String,
    /// The pre-entry number greenlane assigned (`B` + date + serial).
    pub pre_no: String,
    /// The list number (lists only): customs code + year + `E` + serial.
    pub invt_no: String,
    /// The entity's `appTime`, as the receipt's time.
    pub time: MessageTime,
}

/// A guid of the customs form (36 characters, upper case) drawn from a digest.
pub fn guid_from(digest: &[u8; 32]) -> String {
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02X}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// `B` + the date + a 9-digit serial: the pre-entry number format of the spec.
pub fn pre_no(time: MessageTime, serial: u64) -> String {
    format!("B{}{:09}", &time.to_app_time()[..8], serial % 1_000_000_000)
}

/// Customs code + year + `E` + a 9-digit serial: the list number format of the spec (18 characters).
pub fn invt_no(customs_code: &str, time: MessageTime, serial: u64) -> String {
    let customs: String = format!("{customs_code:0>4}").chars().take(4).collect();
    format!("{customs}{}E{:09}", &time.to_app_time()[..4], serial % 1_000_000_000)
}

fn status(o: &EntityOutcome) -> String {
    o.status.to_string()
}

fn time(o: &EntityOutcome) -> String {
    o.time.to_return_time()
}

/// Receipts are free text up to 1,000 characters; longer explanations are cut, not refused.
fn info(o: &EntityOutcome) -> String {
    o.info.chars().take(1000).collect()
}

/// Builds the receipt for an accepted message type. `outcomes` has one entry per entity, in order.
pub fn receipt_for(message: &Message, outcomes: &[EntityOutcome], digest: &[u8; 32]) -> Option<Message> {
    let guid = guid_from(digest);
    let version = "1.0".to_owned();
    let m = match message {
        Message::Ceb303(m) => Message::Ceb304(export::Ceb304Message {
            guid,
            version,
            order_returns: m
                .orders
                .iter()
                .zip(outcomes)
                .map(|(e, o)| export::OrderReturn {
                    guid: e.order_head.guid.clone(),
                    ebp_code: e.order_head.ebp_code.clone(),
                    ebc_code: e.order_head.ebc_code.clone(),
                    order_no: e.order_head.order_no.clone(),
                    return_status: status(o),
                    return_time: time(o),
                    return_info: info(o),
                })
                .collect(),
        }),
        Message::Ceb403(m) => Message::Ceb404(export::Ceb404Message {
            guid,
            version,
            receipts_returns: m
                .receipts
                .iter()
                .zip(outcomes)
                .map(|(e, o)| export::ReceiptsReturn {
                    guid: e.guid.clone(),
                    ebc_code: e.ebc_code.clone(),
                    order_no: e.order_no.clone(),
                    pay_no: e.pay_no.clone(),
                    return_status: status(o),
                    return_time: time(o),
                    return_info: info(o),
                })
                .collect(),
        }),
        Message::Ceb505(m) => Message::Ceb506(export::Ceb506Message {
            guid,
            version,
            logistics_returns: m
                .logistics
                .iter()
                .zip(outcomes)
                .map(|(e, o)| export::LogisticsReturn {
                    guid: e.guid.clone(),
                    logistics_code: e.logistics_code.clone(),
                    logistics_no: e.logistics_no.clone(),
                    return_status: status(o),
                    return_time: time(o),
                    return_info: info(o),
                })
                .collect(),
        }),
        Message::Ceb507(m) => Message::Ceb508(export::Ceb508Message {
            guid,
            version,
            arrival_returns: m
                .arrivals
                .iter()
                .zip(outcomes)
                .map(|(e, o)| {
                    let h = &e.arrival_head;
                    export::ArrivalReturn {
                        guid: h.guid.clone(),
                        operator_code: h.operator_code.clone(),
                        logistics_code: h.logistics_code.clone(),
                        pre_no: o.pre_no.clone(),
                        cop_no: h.cop_no.clone(),
                        bill_no: h.bill_no.clone().unwrap_or_default(),
                        msg_seq_no: h.msg_seq_no,
                        return_status: status(o),
                        return_time: time(o),
                        return_info: info(o),
                    }
                })
                .collect(),
        }),
        Message::Ceb509(m) => Message::Ceb510(export::Ceb510Message {
            guid,
            version,
            departure_returns: m
                .departures
                .iter()
                .zip(outcomes)
                .map(|(e, o)| {
                    let h = &e.departure_head;
                    export::DepartureReturn {
                        guid: h.guid.clone(),
                        logistics_code: h.logistics_code.clone(),
                        cop_no: h.cop_no.clone(),
                        pre_no: o.pre_no.clone(),
                        msg_seq_no: h.msg_seq_no,
                        return_status: status(o),
                        return_time: time(o),
                        return_info: info(o),
                    }
                })
                .collect(),
        }),
        Message::Ceb603(m) => Message::Ceb604(export::Ceb604Message {
            guid,
            version,
            inventory_returns: m
                .inventories
                .iter()
                .zip(outcomes)
                .map(|(e, o)| {
                    let h = &e.inventory_head;
                    export::InventoryReturn {
                        guid: h.guid.clone(),
                        agent_code: h.agent_code.clone(),
                        cop_no: h.cop_no.clone(),
                        pre_no: o.pre_no.clone(),
                        invt_no: o.invt_no.clone(),
                        ebc_code: h.ebc_code.clone(),
                        ebp_code: h.ebp_code.clone(),
                        order_no: h.order_no.clone(),
                        statistics_flag: h.statistics_flag.clone(),
                        return_status: status(o),
                        return_time: time(o),
                        return_info: info(o),
                    }
                })
                .collect(),
        }),
        Message::Ceb605(m) => Message::Ceb606(export::Ceb606Message {
            guid,
            version,
            invt_cancel_returns: m
                .invt_cancels
                .iter()
                .zip(outcomes)
                .map(|(e, o)| export::InvtCancelReturn {
                    guid: e.guid.clone(),
                    agent_code: e.agent_code.clone(),
                    cop_no: e.cop_no.clone(),
                    pre_no: o.pre_no.clone(),
                    invt_no: o.invt_no.clone(),
                    return_status: status(o),
                    return_time: time(o),
                    return_info: info(o),
                })
                .collect(),
        }),
        Message::Ceb607(m) => Message::Ceb608(export::Ceb608Message {
            guid,
            version,
            way_bill_returns: m
                .way_bills
                .iter()
                .zip(outcomes)
                .map(|(e, o)| {
                    let h = &e.way_bill_head;
                    export::WayBillReturn {
                        guid: h.guid.clone(),
                        agent_code: h.agent_code.clone(),
                        logistics_code: h.logistics_code.clone(),
                        cop_no: h.cop_no.clone(),
                        pre_no: o.pre_no.clone(),
                        bill_no: h.bill_no.clone(),
                        msg_seq_no: h.msg_seq_no,
                        return_status: status(o),
                        return_time: time(o),
                        return_info: info(o),
                    }
                })
                .collect(),
        }),
        Message::Ceb701(m) => Message::Ceb702(export::Ceb702Message {
            guid,
            version,
            summary_returns: m
                .summary_applies
                .iter()
                .zip(outcomes)
                .map(|(e, o)| {
                    let h = &e.summary_apply_head;
                    export::SummaryReturn {
                        guid: h.guid.clone(),
                        agent_code: h.agent_code.clone(),
                        ebc_code: h.ebc_code.clone(),
                        cop_no: h.cop_no.clone(),
                        pre_no: o.pre_no.clone(),
                        // An accepted application is numbered from its pre-entry number.
                        sum_no: (o.status == 120).then(|| crate::summaries::sum_no(&o.pre_no)),
                        msg_seq_no: h.msg_seq_no,
                        return_status: status(o),
                        return_time: time(o),
                        return_info: info(o),
                    }
                })
                .collect(),
        }),
        _ => return None,
    };
    Some(m)
}

/// The CEB900 format-check receipt for bytes that could not be read as a CEB message.
/// `returnStatus` is negative: −1 for a document that is not safe, well-formed XML (platform
/// code 0001), −2 for XML that breaks the message schema (0002).
pub fn ceb900(error: &ReadError, digest: &[u8; 32], cop_msg_id: Option<&str>, now: MessageTime) -> String {
    let (status, platform) = if error.kind.is_format_error() { ("-1", "0001") } else { ("-2", "0002") };
    let message = Message::Ceb900(import::Ceb900Message {
        guid: guid_from(digest),
        version: "1.0".into(),
        message_return: import::MessageReturn {
            guid: guid_from(digest),
            return_status: status.into(),
            return_info: format!("{platform} [{}] {error}", error.code()).chars().take(5000).collect(),
            return_time: now.to_return_time(),
            ori_cop_msg_id: cop_msg_id.unwrap_or_default().chars().take(255).collect(),
            ori_message_type: error.message_type.map(|t| t.code().to_owned()).unwrap_or_default(),
            ori_biz_message: String::new(),
        },
    });
    write(&message, Version::V2018).expect("a CEB900 built from bounded fields is always writable")
}

/// The CEB900 for a well-formed CEB message that greenlane does not take (a receipt, an import
/// message, a customs-to-enterprise message).
pub fn ceb900_not_accepted(message_type: &str, why: &str, digest: &[u8; 32], now: MessageTime) -> String {
    let message = Message::Ceb900(import::Ceb900Message {
        guid: guid_from(digest),
        version: "1.0".into(),
        message_return: import::MessageReturn {
            guid: guid_from(digest),
            return_status: "-990900".into(),
            return_info: format!("[not_accepted] {message_type}: {why}"),
            return_time: now.to_return_time(),
            ori_cop_msg_id: String::new(),
            ori_message_type: message_type.chars().take(15).collect(),
            ori_biz_message: String::new(),
        },
    });
    write(&message, Version::V2018).expect("a CEB900 built from bounded fields is always writable")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigned_numbers_have_the_spec_lengths() {
        let t = MessageTime::parse_app_time("20261129103000").unwrap();
        assert_eq!(pre_no(t, 42), "B20261129000000042");
        assert_eq!(pre_no(t, 42).len(), 18);
        assert_eq!(invt_no("5300", t, 1_234_567_890), "53002026E234567890");
        assert_eq!(guid_from(&[0xAB; 32]).len(), 36);
    }
}
