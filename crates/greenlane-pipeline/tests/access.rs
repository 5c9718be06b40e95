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
