//! Who may act on what, inside the pipeline: an enterprise token's messages are applied as that
//! enterprise, the closed registry holds agents and logistics firms to their mandates, and an
//! exporter's refused attempt on a list under review lands in the case's audit trail.

mod support;

use greenlane_ceb::Message;
use greenlane_core::ListKey;
use greenlane_pipeline::{Config, Prepared};
use support::*;

const T0: &str = "20261129100000";
const T1: &str = "20261129100500";
const T2: &str = "20261129101000";

impl Harness {
    fn send_as(&mut self, enterprise: &str, message: &Message) -> String {
        let prepared = Prepared::new(xml(message)).sent_by(Some(enterprise.to_owned()));
        let (outcomes, _) = self.pipeline.apply(&[prepared]).unwrap();
        describe(&outcomes[0])
    }
}

fn cancel_by(cop_no: &str, time: &str, agent: &str) -> Message {
    let mut m = cancel(cop_no, time);
    if let Message::Ceb605(x) = &mut m {
        x.invt_cancels[0].agent_code = agent.into();
    }
    m
}

fn parcel(h: &mut Harness, n: u32) {
    let (o, w, c) = (format!("SZ1{n:02}"), format!("SF1{n:02}"), format!("C1{n:02}"));
    h.send(&order(&o, "1", T0, &[earphones()]));
    h.send(&waybill(&w, "1", T0, "0.2", 1));
    assert!(h.send(&list(&c, "1", T0, &o, &w, &[earphones()], "0.2", 1)).contains("[800]"));
}

#[test]
fn an_enterprise_token_acts_as_its_enterprise_whatever_the_message_claims() {
    let mut h = Harness::new(Config::default());
    parcel(&mut h, 1);
    // Exporter A names itself the agent of B's list, filed by a third agent.
    let a = "4403160AAA";
    let answer = h.send_as(a, &cancel_by("C101", T1, a));
    assert!(answer.contains("[-990010]"), "{answer}");
    assert!(!answer.contains("800") && !answer.contains("green"), "the refusal tells no lane: {answer}");
    assert!(h.decision("C101").starts_with("green 800"), "{}", h.decision("C101"));
    // The same refusal for a list that does not exist: no oracle.
    let unknown = h.send_as(a, &cancel_by("C404", T1, a));
    assert!(unknown.contains("[-990010]"), "{unknown}");
    // The exporter itself and the filer may.
    assert!(h.send_as(EBC, &cancel_by("C101", T2, "4403180AG9")).contains("[100]"));
    parcel(&mut h, 2);
    assert!(h.send_as(AGENT, &cancel("C102", T2)).contains("[100]"));
}

#[test]
fn the_closed_registry_needs_a_mandate_for_an_agent_or_a_logistics_firm() {
    let mut h = Harness::new(Config { closed_registry: true, ..Config::default() });
    {
        let mut tx = h.store.write().unwrap();
        for (code, name) in [(EBP, "platform"), (EBC, "exporter"), (AGENT, "agent"), (LOGISTICS, "logistics")] {
            tx.register_enterprise(code, name, greenlane_core::MessageTime(0)).unwrap();
        }
        tx.commit().unwrap();
    }
    h.send(&order("SZ201", "1", T0, &[earphones()]));
    h.send(&waybill("SF201", "1", T0, "0.2", 1));
    let refused = h.send_as(AGENT, &list("C201", "1", T0, "SZ201", "SF201", &[earphones()], "0.2", 1));
    assert!(refused.contains("[-990011]"), "{refused}");
    {
        let mut tx = h.store.write().unwrap();
        tx.insert_mandate(EBC, AGENT, "agent").unwrap();
        tx.commit().unwrap();
    }
    let filed = h.send_as(AGENT, &list("C201", "1", T1, "SZ201", "SF201", &[earphones()], "0.2", 1));
    assert!(filed.contains("[800]"), "{filed}");
}

#[test]
fn a_refused_cancel_of_a_list_under_review_is_in_the_audit_trail() {
    let mut h = Harness::new(Config::default());
    h.send(&order("SZ301", "1", T0, &[earphones(), phone_case("2")]));
    h.send(&waybill("SF301", "1", T0, "1.2", 2));
    let routed = h.send(&list("C301", "1", T1, "SZ301", "SF301", &[earphones(), phone_case("3")], "0.35", 1));
    assert!(routed.contains("[500]"), "{routed}");
    let refused = h.send_as(EBC, &cancel("C301", T2));
    assert!(refused.contains("[-990606]"), "{refused}");
    let key = ListKey { ebc_code: EBC.into(), cop_no: "C301".into() };
    let audit = h.store.read().unwrap().audit_of(&key).unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(audit[0].action, "refused_cancel");
    assert_eq!(audit[0].officer, format!("enterprise {EBC}"));
    assert!(audit[0].detail.contains("-990606"), "{audit:?}");
    assert!(h.decision("C301").starts_with("red 500"), "{}", h.decision("C301"));
}

fn payment_message(app_type: &str, time: &str, ebc: &str, guid: &str) -> Message {
    Message::Ceb403(greenlane_ceb::export::Ceb403Message {
        guid: format!("{guid}-0000-4000-8000-000000000403"),
        version: "1.0".into(),
        receipts: vec![greenlane_ceb::export::Receipts {
            guid: format!("{guid}-0000-4000-8000-000000000404"),
            app_type: app_type.into(),
            app_time: time.into(),
            app_status: "2".into(),
            ebp_code: EBP.into(),
            ebp_name: "深圳示例跨境平台有限公司".into(),
            ebc_code: ebc.into(),
            ebc_name: "电商".into(),
            order_no: "SZ401".into(),
            pay_code: None,
            pay_name: "示例支付".into(),
            pay_no: None,
            charge: dec("59.9"),
            currency: "142".into(),
            accounting_date: time.into(),
            note: None,
        }],
        base_transfer: greenlane_ceb::export::BaseTransfer {
            cop_code: ebc.into(),
            cop_name: "电商".into(),
            dxp_mode: "DXP".into(),
            dxp_id: "DXPENT0000000001".into(),
            note: None,
        },
        base_subscribes: Vec::new(),
        signature: None,
        extend_message: None,
    })
}

#[test]
fn only_a_party_to_a_payment_deletes_it() {
    let mut h = Harness::new(Config::default());
    h.send(&order("SZ401", "1", T0, &[earphones()]));
    assert!(h.send(&payment_message("1", T0, EBC, "4030AAAA")).contains("[120]"));
    // Another exporter names itself on a delete of B's payment.
    let refused = h.send_as("4403160AAA", &payment_message("3", T1, "4403160AAA", "4030BBBB"));
    assert!(refused.contains("[-990010]"), "{refused}");
    let key = greenlane_core::OrderKey { ebp_code: EBP.into(), order_no: "SZ401".into() };
    assert!(h.store.read().unwrap().get_payment(&key).unwrap().is_some(), "the payment stays");
    assert!(h.send_as(EBC, &payment_message("3", T2, EBC, "4030CCCC")).contains("[120]"));
}
