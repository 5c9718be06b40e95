//! A parcel builder for the risk engine's tests: a clean, consistent parcel by default, changed
//! field by field.

#![allow(dead_code)]

use greenlane_core::risk::{Assessment, Evidence, RiskEngine};
use greenlane_core::{
    Buyer, List, ListItem, ListKey, MessageTime, Order, OrderItem, OrderKey, Parcel, Waybill, WaybillKey,
};
use greenlane_risk::Engine;
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// One goods line: name, HS code, quantity, unit price (CNY).
#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub gcode: String,
    pub qty: Decimal,
    pub price: Decimal,
}

#[derive(Debug, Clone)]
pub struct Builder {
    pub cop_no: String,
    pub ebc: String,
    pub agent: String,
    pub logistics: String,
    pub platform: String,
    /// Customs country code of the destination (502 = US, 303 = GB).
    pub country: String,
    pub buyer: Option<(String, String, String)>,
    pub lines: Vec<Line>,
    pub weight: Decimal,
    pub license_no: Option<String>,
    pub app_time: String,
}

pub fn parcel(n: usize) -> Builder {
    Builder {
        cop_no: format!("C{n:08}"),
        ebc: "4403160001".into(),
        agent: "4403980001".into(),
        logistics: "4403960001".into(),
        platform: "4403900001".into(),
        country: "502".into(),
        buyer: Some((format!("Buyer {n}"), format!("{n} Main Street, New York"), "US".into())),
        lines: vec![Line {
            name: "棉制针织T恤衫".into(),
            gcode: "6109100021".into(),
            qty: dec("1"),
            price: dec("39.90"),
        }],
        weight: dec("0.25"),
        license_no: None,
        app_time: "20261111100000".into(),
    }
}

impl Builder {
    pub fn line(mut self, name: &str, gcode: &str, qty: &str, price: &str) -> Builder {
        self.lines = vec![Line { name: name.into(), gcode: gcode.into(), qty: dec(qty), price: dec(price) }];
        self
    }
    /// Another goods line after those already there.
    pub fn and_line(mut self, name: &str, gcode: &str, qty: &str, price: &str) -> Builder {
        self.lines.push(Line { name: name.into(), gcode: gcode.into(), qty: dec(qty), price: dec(price) });
        self
    }
    pub fn ebc(mut self, ebc: &str) -> Builder {
        self.ebc = ebc.into();
        self
    }
    pub fn weight(mut self, kg: &str) -> Builder {
        self.weight = dec(kg);
        self
    }
    pub fn to(mut self, customs_country: &str, buyer_iso2: &str) -> Builder {
        self.country = customs_country.into();
        if let Some(b) = &mut self.buyer {
            b.2 = buyer_iso2.into();
        }
        self
    }
    pub fn buyer(mut self, name: &str, address: &str, iso2: &str) -> Builder {
        self.buyer = Some((name.into(), address.into(), iso2.into()));
        self
    }
    pub fn no_buyer(mut self) -> Builder {
        self.buyer = None;
        self
    }
    pub fn licence(mut self, no: &str) -> Builder {
        self.license_no = Some(no.into());
        self
    }
    pub fn at(mut self, app_time: &str) -> Builder {
        self.app_time = app_time.into();
        self
    }

    pub fn build(&self) -> Parcel {
        let t = MessageTime::parse_app_time(&self.app_time).unwrap();
        let order_key = OrderKey { ebp_code: self.platform.clone(), order_no: format!("O{}", self.cop_no) };
        let waybill_key =
            WaybillKey { logistics_code: self.logistics.clone(), logistics_no: format!("W{}", self.cop_no) };
        let items: Vec<ListItem> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| ListItem {
                gnum: i as i32 + 1,
                item_no: format!("SKU{i}"),
                gcode: l.gcode.clone(),
                gname: l.name.clone(),
                gmodel: String::new(),
                country: self.country.clone(),
                currency: "142".into(),
                qty: l.qty,
                qty1: l.qty,
                unit: "011".into(),
                unit1: "011".into(),
                price: l.price,
                total_price: l.qty * l.price,
            })
            .collect();
        let value: Decimal = items.iter().map(|i| i.total_price).sum();
        let list = List {
            key: ListKey { ebc_code: self.ebc.clone(), cop_no: self.cop_no.clone() },
            order: order_key.clone(),
            waybill: waybill_key.clone(),
            invt_no: None,
            customs_code: "5316".into(),
            port_code: "5316".into(),
            ie_date: self.app_time[..8].into(),
            statistics_flag: "A".into(),
            agent_code: self.agent.clone(),
            agent_name: "agent".into(),
            ebc_name: "exporter".into(),
            owner_code: self.ebc.clone(),
            owner_name: "exporter".into(),
            trade_mode: "9610".into(),
            traf_mode: "5".into(),
            license_no: self.license_no.clone(),
            country: self.country.clone(),
            freight: Decimal::ZERO,
            insured_fee: Decimal::ZERO,
            freight_mark: greenlane_core::ChargeMark::Total,
            freight_currency: String::new(),
            insurance_mark: greenlane_core::ChargeMark::Total,
            insurance_currency: String::new(),
            pack_no: 1,
            gross_weight: self.weight,
            net_weight: self.weight,
            items,
            app_time: t,
        };
        let order = Order {
            key: order_key,
            order_type: "E".into(),
            ebp_name: "platform".into(),
            ebc_code: self.ebc.clone(),
            ebc_name: "exporter".into(),
            goods_value: value,
            freight: Decimal::ZERO,
            currency: "142".into(),
            items: list
                .items
                .iter()
                .map(|i| OrderItem {
                    gnum: i.gnum,
                    item_no: i.item_no.clone(),
                    item_name: i.gname.clone(),
                    unit: i.unit.clone(),
                    currency: "142".into(),
                    qty: i.qty,
                    price: i.price,
                    total_price: i.total_price,
                })
                .collect(),
            buyer: self.buyer.as_ref().map(|(name, address, country)| Buyer {
                name: name.clone(),
                address: address.clone(),
                country: country.clone(),
                telephone: None,
            }),
            app_time: t,
        };
        let waybill = Waybill {
            key: waybill_key,
            logistics_name: "logistics".into(),
            freight: Decimal::ZERO,
            insured_fee: Decimal::ZERO,
            currency: "142".into(),
            gross_weight: self.weight,
            pack_no: 1,
            goods_info: String::new(),
            ebc_code: Some(self.ebc.clone()),
            app_time: t,
        };
        Parcel { list, order, waybill, payment: None }
    }
}

/// Assesses a parcel with its three-document findings and no screening hits.
pub fn assess(engine: &mut Engine, parcel: &Parcel) -> Assessment {
    let findings = engine.check_documents(parcel);
    engine.assess(parcel, &Evidence { findings: &findings, screening: &[] })
}

pub fn codes(a: &Assessment) -> Vec<&str> {
    a.reasons.iter().map(|r| r.code.as_str()).collect()
}

/// An engine with the default criteria but no random floor or governor, so tests see exactly
/// what the criteria and analyzers say.
pub fn quiet_engine() -> Engine {
    let mut files: Vec<(String, String)> =
        greenlane_risk::DEFAULT_FILES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    for (name, text) in &mut files {
        if name == "settings.toml" {
            *text =
                text.replace("expected_blue = 0.01", "expected_blue = 0.0").replace("max_intervention = 0.05\n", "");
        }
    }
    let mut set = greenlane_risk::CriteriaSet::from_sources(&files).unwrap();
    // Set on the checked set, not by editing the file's text, so a changed default rate cannot
    // leave the random floor on unnoticed.
    set.random.red = 0.0;
    set.random.yellow = 0.0;
    set.random.blue = 0.0;
    Engine::new(set)
}

/// Ordinary traffic to learn from: `n` parcels of a few products, prices spread around their
/// usual ones, starting at `app_time`.
pub fn traffic(engine: &mut Engine, n: usize) {
    let products: [(&str, &str, f64, f64); 5] = [
        ("棉制针织T恤衫", "6109100021", 39.9, 0.22),
        ("蓝牙耳机", "8518300000", 59.9, 0.12),
        ("塑料玩具", "9503008900", 39.0, 0.35),
        ("钓鱼用品", "9507900000", 59.0, 0.4),
        ("手持电钻", "8467210000", 259.0, 2.2),
    ];
    for i in 0..n {
        let (name, code, price, kg) = products[i % products.len()];
        // A deterministic spread of ±30 % around the usual price.
        let f = 0.7 + 0.6 * ((i * 7919) % 101) as f64 / 100.0;
        let p = parcel(1_000_000 + i)
            .line(name, code, "1", &format!("{:.2}", price * f))
            .weight(&format!("{:.3}", kg * (0.9 + 0.2 * ((i * 31) % 11) as f64 / 10.0)))
            .ebc(&format!("44031600{:02}", i % 50))
            .build();
        engine.warm_up(&p);
    }
}
