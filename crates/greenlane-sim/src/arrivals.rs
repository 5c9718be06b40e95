//! The hub's warehouse, simulated: CEB507 arrival messages for a day's parcels as trucks bring
//! them from the sellers' and forwarders' premises to the airport, with honest noise: most come
//! within hours of their list, some a day or two late, some never (lost, returned to the seller,
//! or held back by the forwarder).
//!
//! The warehouse does not know the customs decision: it declares what it received, and the hub
//! refuses the arrival of a list not released (an entity per parcel, so one refusal does not
//! take a truck's other parcels with it).

use crate::random::Stream;
use crate::render::guid;
use crate::{SimMessage, Simulation};
use greenlane_ceb::{Message, MessageType, Version, export};
use greenlane_core::MessageTime;
use std::collections::BTreeMap;

/// How parcels reach the airport warehouse, each a documented parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalNoise {
    /// Hours from the list to the truck's arrival, uniform: sellers in Shenzhen hand parcels to
    /// the forwarder the same day and line-haul trucks reach the airport within hours.
    pub hours: (f64, f64),
    /// Share of parcels that come a day or two late (a missed pick-up, a truck held at the
    /// warehouse gate for re-weighing).
    pub late_share: f64,
    pub late_hours: (f64, f64),
    /// Share that never arrives (lost, returned to the seller, withdrawn by the forwarder).
    pub never_share: f64,
}

impl Default for ArrivalNoise {
    fn default() -> ArrivalNoise {
        ArrivalNoise { hours: (2.0, 6.0), late_share: 0.05, late_hours: (24.0, 48.0), never_share: 0.02 }
    }
}

/// The monitored warehouse operator at the airport that declares arrivals.
const OPERATOR_CODE: &str = "4403660OP1";
const OPERATOR_NAME: &str = "深圳机场跨境电商监管作业场所";

/// One CEB507 per logistics firm and truck (the hour it reaches the gate), an `Arrival` entity
/// per parcel, in the order the trucks arrive. `sent_at` orders them among the day's messages.
pub fn arrivals(sim: &Simulation, noise: &ArrivalNoise) -> Vec<SimMessage> {
    let mut rng = Stream::new(sim.config().seed, 507);
    // (arrival hour, firm) → (arrival time, logistics number)
    let mut trucks: BTreeMap<(i64, String), Vec<(MessageTime, String)>> = BTreeMap::new();
    for t in sim.truth() {
        let Ok(listed) = MessageTime::parse_app_time(&t.app_time) else { continue };
        if rng.chance(noise.never_share) {
            continue;
        }
        let (lo, hi) = if rng.chance(noise.late_share) { noise.late_hours } else { noise.hours };
        let at = listed.plus_seconds((rng.between(lo, hi) * 3600.0) as i64);
        // A truck leaves on the hour: its parcels arrive together at the next one.
        let hour = at.0.div_euclid(3600) + 1;
        trucks
            .entry((hour, t.logistics_code.clone()))
            .or_default()
            .push((MessageTime(hour * 3600), t.logistics_no.clone()));
    }
    let mut out = Vec::new();
    let mut n = 0u64;
    for ((_, firm), parcels) in trucks {
        for chunk in parcels.chunks(100) {
            let time = chunk[0].0.to_app_time();
            let arrivals = chunk
                .iter()
                .map(|(_, no)| {
                    n += 1;
                    export::Arrival {
                        arrival_head: export::ArrivalHead {
                            guid: guid(sim.config().seed, 5070, n),
                            app_type: "1".into(),
                            app_time: time.clone(),
                            app_status: "2".into(),
                            customs_code: "5317".into(),
                            cop_no: format!("ARR{time}{n:06}"),
                            pre_no: None,
                            operator_code: OPERATOR_CODE.into(),
                            operator_name: OPERATOR_NAME.into(),
                            loct_no: None,
                            ie_flag: "E".into(),
                            traf_mode: "5".into(),
                            bill_no: None,
                            domestic_traf_no: "粤B".to_owned() + &format!("{:05}", n % 100_000),
                            logistics_code: firm.clone(),
                            logistics_name: firm.clone(),
                            msg_count: 1,
                            msg_seq_no: 1,
                            note: None,
                        },
                        arrival_lists: vec![export::ArrivalList {
                            gnum: 1,
                            logistics_no: no.clone(),
                            total_package_no: None,
                            note: None,
                        }],
                    }
                })
                .collect();
            let message = Message::Ceb507(export::Ceb507Message {
                guid: guid(sim.config().seed, 5071, n),
                version: "1.0".into(),
                arrivals,
                base_transfer: export::BaseTransfer {
                    cop_code: OPERATOR_CODE.into(),
                    cop_name: OPERATOR_NAME.into(),
                    dxp_mode: "DXP".into(),
                    dxp_id: format!("DXPENT{OPERATOR_CODE}"),
                    note: None,
                },
                base_subscribes: Vec::new(),
                signature: None,
                extend_message: None,
            });
            let xml = greenlane_ceb::write(&message, Version::V2018)
                .unwrap_or_else(|e| panic!("a simulated CEB507 breaks the 2018 schema: {e}"));
            let index = out.len();
            out.push(SimMessage {
                index,
                file_name: format!("a{:08}-CEB507.xml", index + 1),
                message_type: MessageType::Ceb507,
                sent_at: time,
                sender_code: OPERATOR_CODE.into(),
                entities: chunk.len(),
                enveloped: false,
                bytes: xml.into_bytes(),
            });
        }
    }
    out
}
