//! From planned parcels to CEB messages: each sender batches its entities (up to 100 per
//! message, flushed every few minutes), the batches are put in arrival order, and each one is
//! written through greenlane-ceb's typed API, some of them inside a DXP envelope.

use crate::clock;
use crate::data::Catalog;
use crate::plan::{Line, Parcel};
use crate::population::{Enterprise, Population};
use crate::random::Stream;
use crate::{SimConfig, SimMessage};
use greenlane_ceb::{Consignee, DxpEnvelope, ExtendPayload, Message, MessageType, Version, export};
use std::collections::BTreeMap;

/// What a batch carries, in the order a batch sent in the same second is filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Order,
    Payment,
    Waybill,
    List,
}

impl Kind {
    pub fn message_type(self) -> MessageType {
        match self {
            Kind::Order => MessageType::Ceb303,
            Kind::Payment => MessageType::Ceb403,
            Kind::Waybill => MessageType::Ceb505,
            Kind::List => MessageType::Ceb603,
        }
    }
}

/// One message to be written: a sender's batch.
#[derive(Debug, Clone)]
pub(crate) struct Batch {
    pub kind: Kind,
    pub sender: usize,
    pub parcels: Vec<u32>,
    /// When the sender pushed it (seconds after midnight).
    pub sent: i64,
    pub enveloped: bool,
}

/// A sender flushes what it has after this long, even with fewer than 100 entities.
const FLUSH_SECONDS: i64 = 600;

/// The receiving node of customs' CEB system in the DXP envelope.
const CUSTOMS_NODE: &str = "DXPEDCCEB0000002";

pub(crate) fn schedule(parcels: &[Parcel], config: &SimConfig) -> Vec<Batch> {
    let mut streams: BTreeMap<(Kind, usize), Vec<(i64, u32)>> = BTreeMap::new();
    for (i, p) in parcels.iter().enumerate() {
        let i = i as u32;
        streams.entry((Kind::Order, p.platform)).or_default().push((p.t_order, i));
        streams.entry((Kind::Waybill, p.logistics)).or_default().push((p.t_waybill, i));
        // Lists are filed by the exporter's declaration agent.
        streams.entry((Kind::List, p.agent)).or_default().push((p.t_list, i));
        if let Some(payer) = p.payer {
            streams.entry((Kind::Payment, payer)).or_default().push((p.t_payment, i));
        }
    }
    let mut rng = Stream::new(config.seed, 2);
    let mut batches = Vec::new();
    for ((kind, sender), mut events) in streams {
        events.sort_unstable();
        let mut current: Vec<u32> = Vec::new();
        let mut opened = 0;
        let mut last = 0;
        for (t, parcel) in events {
            if !current.is_empty() && (current.len() == config.max_batch || t > opened + FLUSH_SECONDS) {
                batches.push(close(kind, sender, std::mem::take(&mut current), last, config, &mut rng));
            }
            if current.is_empty() {
                opened = t;
            }
            current.push(parcel);
            last = t;
        }
        if !current.is_empty() {
            batches.push(close(kind, sender, current, last, config, &mut rng));
        }
    }
    batches.sort_by(|a, b| (a.sent, a.kind, a.sender, a.parcels[0]).cmp(&(b.sent, b.kind, b.sender, b.parcels[0])));
    batches
}

fn close(kind: Kind, sender: usize, parcels: Vec<u32>, last: i64, config: &SimConfig, rng: &mut Stream) -> Batch {
    let sent = (last + rng.below(5, 90) as i64).min(86_399);
    Batch { kind, sender, parcels, sent, enveloped: rng.chance(config.envelope_share) }
}

/// A deterministic GUID for entity `n` of kind `k`: a keyed mix, so that rendering a message
/// needs no state from the plan.
pub(crate) fn guid(seed: u64, k: u64, n: u64) -> String {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    let a = mix(seed ^ mix(k.wrapping_mul(0x1000_0000_01B3) ^ n));
    let b = mix(a ^ n.rotate_left(17));
    let hex = format!("{a:016X}{b:016X}");
    format!("{}-{}-4{}-{}-{}", &hex[0..8], &hex[8..12], &hex[13..16], &hex[16..20], &hex[20..32])
}

pub(crate) struct Renderer<'a> {
    pub config: &'a SimConfig,
    pub catalog: &'a Catalog,
    pub population: &'a Population,
    pub parcels: &'a [Parcel],
}

fn transfer(ent: &Enterprise) -> export::BaseTransfer {
    export::BaseTransfer {
        cop_code: ent.code.clone(),
        cop_name: ent.name.clone(),
        dxp_mode: "DXP".into(),
        dxp_id: ent.dxp_id.clone(),
        note: None,
    }
}

impl Renderer<'_> {
    fn sender(&self, batch: &Batch) -> &Enterprise {
        let pop = self.population;
        match batch.kind {
            Kind::Order => &pop.platforms[batch.sender].ent,
            Kind::Payment => &pop.payers[batch.sender],
            Kind::Waybill => &pop.logistics[batch.sender].ent,
            Kind::List => &pop.agents[batch.sender],
        }
    }

    pub fn message(&self, batch: &Batch) -> Message {
        let seed = self.config.seed;
        let parcels = batch.parcels.iter().map(|&i| (u64::from(i), &self.parcels[i as usize]));
        let head_guid = guid(seed, 100 + batch.kind as u64, u64::from(batch.parcels[0]));
        let base_transfer = transfer(self.sender(batch));
        match batch.kind {
            Kind::Order => {
                let orders: Vec<export::Order> = parcels.clone().map(|(i, p)| self.order(i, p)).collect();
                let extend_message =
                    self.population.platforms[batch.sender].sends_buyers.then(|| export::ExtendMessage {
                        name: "consignee".into(),
                        version: "1.0".into(),
                        message: ExtendPayload::Consignees(
                            parcels
                                .filter(|(_, p)| p.buyer_block)
                                .map(|(_, p)| Consignee {
                                    order_no: p.order_no.clone(),
                                    name: p.buyer.name.clone(),
                                    address: p.buyer.address.clone(),
                                    country: p.buyer.country.clone(),
                                    telephone: p.buyer.telephone.clone(),
                                })
                                .collect(),
                        ),
                    });
                // A batch whose orders all came without a buyer sends no block at all.
                let extend_message = extend_message
                    .filter(|e| !matches!(&e.message, ExtendPayload::Consignees(list) if list.is_empty()));
                Message::Ceb303(export::Ceb303Message {
                    guid: head_guid,
                    version: "1.0".into(),
                    orders,
                    base_transfer,
                    base_subscribes: Vec::new(),
                    signature: None,
                    extend_message,
                })
            }
            Kind::Payment => Message::Ceb403(export::Ceb403Message {
                guid: head_guid,
                version: "1.0".into(),
                receipts: parcels.map(|(i, p)| self.receipt(i, p)).collect(),
                base_transfer,
                base_subscribes: Vec::new(),
                signature: None,
                extend_message: None,
            }),
            Kind::Waybill => Message::Ceb505(export::Ceb505Message {
                guid: head_guid,
                version: "1.0".into(),
                logistics: parcels.map(|(i, p)| self.waybill(i, p)).collect(),
                base_transfer,
                base_subscribes: Vec::new(),
                signature: None,
                extend_message: None,
            }),
            Kind::List => Message::Ceb603(export::Ceb603Message {
                guid: head_guid,
                version: "1.0".into(),
                inventories: parcels.map(|(i, p)| self.inventory(i, p)).collect(),
                base_transfer,
                base_subscribes: Vec::new(),
                signature: None,
                extend_message: None,
            }),
        }
    }

    /// The file: the message written against the 2018 schema, perhaps inside an envelope.
    pub fn render(&self, index: usize, batch: &Batch) -> SimMessage {
        let message = self.message(batch);
        let ty = batch.kind.message_type();
        let file_name = format!("{:09}-{}.xml", index + 1, ty.code());
        // The typed records are built within the schema's facets, so writing cannot fail; a
        // failure here is a bug in the simulator, not a condition a caller can handle.
        let xml = greenlane_ceb::write(&message, Version::V2018)
            .unwrap_or_else(|e| panic!("simulated {} {file_name} breaks the 2018 schema: {e}", ty.code()));
        let sender = self.sender(batch);
        let bytes = if batch.enveloped {
            let envelope = DxpEnvelope {
                cop_msg_id: guid(self.config.seed, 200, index as u64),
                sender_id: sender.dxp_id.clone(),
                receiver_ids: vec![CUSTOMS_NODE.into()],
                creat_time: clock::iso(self.config.day, batch.sent),
                msg_type: ty.root_name().into(),
                file_name: Some(file_name.clone()),
            };
            greenlane_ceb::wrap_in_envelope(&envelope, &xml).into_bytes()
        } else {
            xml.into_bytes()
        };
        SimMessage {
            index,
            file_name,
            message_type: ty,
            sent_at: clock::stamp(self.config.day, batch.sent),
            sender_code: sender.code.clone(),
            entities: batch.parcels.len(),
            enveloped: batch.enveloped,
            bytes,
        }
    }

    fn app_time(&self, t: i64) -> String {
        clock::stamp(self.config.day, t)
    }

    fn order(&self, i: u64, p: &Parcel) -> export::Order {
        let pop = self.population;
        let ex = &pop.exporters[p.exporter];
        let platform = &pop.platforms[p.platform];
        export::Order {
            order_head: export::OrderHead {
                guid: guid(self.config.seed, 1, i),
                app_type: "1".into(),
                app_time: self.app_time(p.t_order),
                app_status: "2".into(),
                order_type: "E".into(),
                order_no: p.order_no.clone(),
                ebp_code: platform.ent.code.clone(),
                ebp_name: platform.ent.name.clone(),
                ebc_code: ex.ent.code.clone(),
                ebc_name: ex.ent.name.clone(),
                goods_value: p.goods_value(),
                freight: p.order_freight,
                currency: p.order_currency.into(),
                note: None,
            },
            order_lists: p
                .order_lines
                .iter()
                .enumerate()
                .map(|(n, l)| {
                    let (qty, price, total_price) = l.order_view();
                    let unit = l.order.as_ref().and_then(|o| o.unit.clone());
                    export::OrderList {
                        gnum: n as i32 + 1,
                        item_no: l.item_no.clone(),
                        item_name: l.name.clone(),
                        item_describe: None,
                        bar_code: if p.sparse { None } else { l.bar_code.clone() },
                        unit: unit.unwrap_or_else(|| self.catalog.products[l.product].unit.clone()),
                        currency: p.order_currency.into(),
                        qty,
                        price,
                        total_price,
                        note: None,
                    }
                })
                .collect(),
        }
    }

    fn receipt(&self, i: u64, p: &Parcel) -> export::Receipts {
        let pop = self.population;
        let ex = &pop.exporters[p.exporter];
        let platform = &pop.platforms[p.platform];
        let payer = &pop.payers[p.payer.unwrap_or(0)];
        export::Receipts {
            guid: guid(self.config.seed, 4, i),
            app_type: "1".into(),
            app_time: self.app_time(p.t_payment),
            app_status: "2".into(),
            ebp_code: platform.ent.code.clone(),
            ebp_name: platform.ent.name.clone(),
            ebc_code: ex.ent.code.clone(),
            ebc_name: ex.ent.name.clone(),
            order_no: p.order_no.clone(),
            pay_code: Some(payer.code.clone()),
            pay_name: payer.name.clone(),
            pay_no: Some(format!(
                "{}{}",
                &clock::stamp(self.config.day, p.t_accounting)[..8],
                &guid(self.config.seed, 5, i)[..8]
            )),
            charge: p.goods_value() + p.order_freight,
            currency: p.order_currency.into(),
            accounting_date: self.app_time(p.t_accounting),
            note: None,
        }
    }

    fn waybill(&self, i: u64, p: &Parcel) -> export::Logistics {
        let pop = self.population;
        let ex = &pop.exporters[p.exporter];
        let firm = &pop.logistics[p.logistics];
        let mut goods_info: String = p.order_lines.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(";");
        if goods_info.chars().count() > 200 {
            goods_info = goods_info.chars().take(200).collect();
        }
        export::Logistics {
            guid: guid(self.config.seed, 3, i),
            app_type: "1".into(),
            app_time: self.app_time(p.t_waybill),
            app_status: "2".into(),
            logistics_code: firm.ent.code.clone(),
            logistics_name: firm.ent.name.clone(),
            logistics_no: p.logistics_no.clone(),
            freight: p.freight,
            insured_fee: p.insured_fee,
            currency: "142".into(),
            gross_weight: p.waybill_weight,
            pack_no: p.pack_no,
            goods_info,
            ebc_code: p.waybill_names_ebc.then(|| ex.ent.code.clone()),
            ebc_name: p.waybill_names_ebc.then(|| ex.ent.name.clone()),
            ebc_telephone: None,
            note: None,
        }
    }

    fn inventory(&self, i: u64, p: &Parcel) -> export::Inventory {
        let pop = self.population;
        let ex = &pop.exporters[p.exporter];
        let platform = &pop.platforms[p.platform];
        let firm = &pop.logistics[p.logistics];
        let agent = &pop.agents[p.agent];
        let country = &self.catalog.destinations[p.dest].customs_code;
        export::Inventory {
            inventory_head: export::InventoryHead {
                guid: guid(self.config.seed, 6, i),
                app_type: "1".into(),
                app_time: self.app_time(p.t_list),
                app_status: "2".into(),
                customs_code: firm.port.into(),
                ebp_code: platform.ent.code.clone(),
                ebp_name: platform.ent.name.clone(),
                order_no: p.order_no.clone(),
                logistics_code: firm.ent.code.clone(),
                logistics_name: firm.ent.name.clone(),
                logistics_no: p.logistics_no.clone(),
                cop_no: p.cop_no.clone(),
                pre_no: None,
                invt_no: None,
                ie_flag: "E".into(),
                port_code: firm.port.into(),
                ie_date: self.config.day_stamp(),
                statistics_flag: p.statistics_flag.into(),
                agent_code: agent.code.clone(),
                agent_name: agent.name.clone(),
                ebc_code: ex.ent.code.clone(),
                ebc_name: ex.ent.name.clone(),
                owner_code: ex.ent.code.clone(),
                owner_name: ex.ent.name.clone(),
                iac_code: None,
                iac_name: None,
                ems_no: None,
                trade_mode: "9610".into(),
                traf_mode: firm.traf_mode.into(),
                traf_name: None,
                voyage_no: None,
                bill_no: None,
                total_package_no: None,
                loct_no: None,
                license_no: p.license_no.clone(),
                country: country.clone(),
                pod: p.pod.clone(),
                freight: p.list_freight,
                f_currency: "142".into(),
                f_flag: "3".into(),
                insured_fee: p.insured_fee,
                i_currency: "142".into(),
                i_flag: "3".into(),
                wrap_type: "2".into(),
                pack_no: p.pack_no,
                gross_weight: p.list_weight,
                net_weight: p.net_weight,
                note: None,
            },
            inventory_lists: p
                .list_lines()
                .iter()
                .enumerate()
                .map(|(n, l)| self.inventory_line(n, l, country, p.sparse))
                .collect(),
        }
    }

    fn inventory_line(&self, n: usize, l: &Line, country: &str, sparse: bool) -> export::InventoryList {
        let product = &self.catalog.products[l.product];
        export::InventoryList {
            gnum: n as i32 + 1,
            item_no: l.item_no.clone(),
            item_record_no: None,
            item_name: (!sparse).then(|| l.name.clone()),
            gcode: l.gcode.clone(),
            gname: l.name.clone(),
            gmodel: product.gmodel.clone(),
            bar_code: l.bar_code.clone().unwrap_or_else(|| "无".into()),
            country: country.into(),
            currency: "142".into(),
            qty: l.qty,
            qty1: l.qty1,
            qty2: None,
            unit: product.unit.clone(),
            unit1: product.unit1.clone(),
            unit2: None,
            price: l.price,
            total_price: l.total(),
            note: None,
        }
    }
}
