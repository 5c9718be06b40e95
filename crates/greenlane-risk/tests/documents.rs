//! The three-document check under the shipped `[documents]` tolerances and the dated customs
//! rates, case by case from `tests/data/document_checks.txt`: honest noise (scale weights,
//! roundings, conversions, freight, other units) must find nothing; real disagreements must
//! find the right code with a score that grows with their size. `UPDATE_EXPECT=1` rewrites the
//! expected column from what the check now says.

mod support;

use greenlane_core::Payment;
use greenlane_core::risk::RiskEngine;
use greenlane_risk::Engine;
use support::{dec, parcel};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/document_checks.txt");

/// Applies `key=value` settings to a one-line clean parcel: 2 units at 19.90 CNY, 1 kg.
fn build(settings: &str) -> greenlane_core::Parcel {
    let mut p = parcel(1).line("不锈钢保温杯", "9617001100", "2", "19.90").weight("1").build();
    p.order.freight = dec("0");
    for setting in settings.split_whitespace() {
        let (key, value) = setting.split_once('=').unwrap_or_else(|| panic!("{setting:?} is not key=value"));
        let (li, oi) = (&mut p.list.items[0], &mut p.order.items[0]);
        match key {
            "list.gross" => p.list.gross_weight = dec(value),
            "waybill.gross" => p.waybill.gross_weight = dec(value),
            "list.pack" => p.list.pack_no = value.parse().unwrap(),
            "waybill.pack" => p.waybill.pack_no = value.parse().unwrap(),
            "list.qty" => li.qty = dec(value),
            "list.unit" => li.unit = value.into(),
            "list.price" => li.price = dec(value),
            "list.total" => li.total_price = dec(value),
            "list.currency" => li.currency = value.into(),
            "order.qty" => oi.qty = dec(value),
            "order.unit" => oi.unit = value.into(),
            "order.price" => oi.price = dec(value),
            "order.total" => oi.total_price = dec(value),
            "order.currency" => {
                oi.currency = value.into();
                p.order.currency = value.into();
            }
            "order.value" => p.order.goods_value = dec(value),
            "order.freight" => p.order.freight = dec(value),
            "list.freight" => p.list.freight = dec(value),
            "list.fflag" => p.list.freight_mark = greenlane_core::ChargeMark::from_code(value),
            "list.fcurrency" => p.list.freight_currency = value.into(),
            "list.insured" => p.list.insured_fee = dec(value),
            "list.iflag" => p.list.insurance_mark = greenlane_core::ChargeMark::from_code(value),
            "waybill.ebc" => p.waybill.ebc_code = Some(value.into()),
            "order.ebc" => p.order.ebc_code = value.into(),
            "list.time" => {
                p.list.app_time = greenlane_core::MessageTime::parse_app_time(value).unwrap();
            }
            "payment.charge" | "payment.currency" => {
                let pay = p.payment.get_or_insert_with(|| Payment {
                    order: p.order.key.clone(),
                    ebc_code: p.order.ebc_code.clone(),
                    pay_code: None,
                    pay_name: "pay".into(),
                    pay_no: None,
                    charge: p.order.goods_value,
                    currency: p.order.currency.clone(),
                    app_time: p.order.app_time,
                });
                if key == "payment.charge" {
                    pay.charge = dec(value);
                } else {
                    pay.currency = value.into();
                }
            }
            other => panic!("unknown setting {other:?}"),
        }
    }
    p
}

/// What the check says, in the file's words: `none`, or `code=points` joined by commas.
fn verdict(engine: &Engine, settings: &str) -> String {
    let findings = engine.check_documents(&build(settings));
    if findings.is_empty() {
        return "none".into();
    }
    findings.iter().map(|f| format!("{}={:.0}", f.reason.code, f.score)).collect::<Vec<_>>().join(",")
}

#[test]
fn document_checks_grade_honest_noise_as_nothing_and_disagreements_by_size() {
    let engine = Engine::with_default_criteria().unwrap();
    let text = std::fs::read_to_string(FILE).unwrap();
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut out = String::new();
    let mut failures = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(" | ").collect();
        if line.trim().is_empty() || line.starts_with('#') || fields.len() != 3 {
            assert!(
                line.trim().is_empty() || line.starts_with('#'),
                "line {}: want `name | settings | expected`",
                n + 1
            );
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let got = verdict(&engine, fields[1]);
        if got != fields[2].trim() {
            failures.push(format!("line {}: {}: expected {}, got {got}", n + 1, fields[0], fields[2].trim()));
        }
        out.push_str(&format!("{} | {} | {got}\n", fields[0], fields[1]));
    }
    if update {
        std::fs::write(FILE, out).unwrap();
        return;
    }
    assert!(
        failures.is_empty(),
        "{} cases differ (UPDATE_EXPECT=1 rewrites):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_bigger_discrepancy_never_scores_less() {
    // Weight: from the list's 1 kg up to ten times that on the waybill, the score never falls.
    let engine = Engine::with_default_criteria().unwrap();
    let mut last = 0.0;
    for grams in (1000..10_000).step_by(37) {
        let kg = rust_decimal::Decimal::new(grams, 3);
        let findings = engine.check_documents(&build(&format!("waybill.gross={kg}")));
        let score: f64 = findings.iter().map(|f| f.score).sum();
        assert!(score >= last, "{kg} kg scores {score}, less than {last}");
        last = score;
    }
    assert!(last >= 80.0, "ten times the declared weight is red on its own: {last}");
}
