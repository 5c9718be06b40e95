//! The contract from the outside, on both backends: what real senders send (every format variant
//! the codec tolerates, signed messages, batches of entities, exact re-sends, lists before their
//! orders) goes through `greenlane serve` with no 5xx, a receipt of the right type with one
//! `*Return` per entity, and nothing left pending once its documents are in.

#[path = "../../greenlane-pipeline/tests/support/mod.rs"]
mod support;

#[path = "../../greenlane-store/tests/pg_server/mod.rs"]
#[allow(dead_code)]
mod pg_server;

mod common;

use common::{ADMIN, Server, batch};
use greenlane_ceb::{DxpEnvelope, Message, wrap_in_envelope};
use support::*;

/// Every decision of the feed, page by page.
fn decisions(server: &Server) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    let mut after = "0".to_owned();
    loop {
        let (_, body) = server.get(Some(ADMIN), &format!("/api/v1/decisions?after={after}&limit=1000"));
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        let items = page["items"].as_array().unwrap().clone();
        if items.is_empty() {
            return all;
        }
        after = page["next"].as_str().unwrap().to_owned();
        all.extend(items);
    }
}

/// The same bytes restyled the ways real senders write them.
fn variants(message: &Message, n: usize) -> Vec<u8> {
    let text = String::from_utf8(xml(message)).unwrap();
    match n % 6 {
        0 => text.into_bytes(),
        1 => format!("\u{feff}{}", text.replace('\n', "\r\n")).into_bytes(),
        2 => text.replace("<ceb:", "<").replace("</ceb:", "</").replace("xmlns:ceb=", "xmlns=").into_bytes(),
        3 => text.replace("ceb:", "c:").replace("xmlns:ceb=", "xmlns:c=").into_bytes(),
        4 => wrap_in_envelope(
            &DxpEnvelope {
                cop_msg_id: format!("COP{n:012}"),
                sender_id: "DXPENT0000000001".into(),
                receiver_ids: vec!["DXPEDCCEB0000002".into()],
                creat_time: "2026-11-29T10:00:00".into(),
                msg_type: message.message_type().root_name().into(),
                file_name: None,
            },
            &text,
        )
        .into_bytes(),
        // Signed as the official samples are: the signature is carried, not checked.
        _ => text.replace("</ceb:BaseTransfer>", &format!("</ceb:BaseTransfer>{SIGNATURE}")).into_bytes(),
    }
}

const SIGNATURE: &str = r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/><ds:DigestValue>SF/P+2sVsRQ9dJIqJSroW6ajb0Y=</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>AI0wdcUHaaOR+FZ7W8lN6FrjzS+iru1qoBTCxm4S6knmLFLunPkLueELV69nYZr4x+uCPnNDD/wq</ds:SignatureValue><ds:KeyInfo><ds:KeyName>0001</ds:KeyName></ds:KeyInfo></ds:Signature>"#;

/// Batches of up to 100 entities, in every format variant, lists first, then re-sent.
fn drive(server: &Server) {
    let mut n = 0;
    let receipt_of = |body: &str| {
        ["CEB304", "CEB506", "CEB604"].into_iter().find(|r| body.contains(&format!("{r}Message"))).unwrap_or("?")
    };
    let mut bodies = Vec::new();
    for (block, size) in [1usize, 7, 100, 3].into_iter().enumerate() {
        let keys: Vec<(String, String, String)> = (0..size)
            .map(|i| (format!("SZ{block}{i:04}"), format!("SF{block}{i:04}"), format!("C{block}{i:04}")))
            .collect();
        let t = "20261129100000";
        let lists = batch(keys.iter().map(|(o, w, c)| list(c, "1", t, o, w, &[earphones()], "0.2", 1)));
        let orders = batch(keys.iter().map(|(o, _, _)| order(o, "1", t, &[earphones()])));
        let waybills = batch(keys.iter().map(|(_, w, _)| waybill(w, "1", t, "0.2", 1)));
        for (message, expected) in [(lists, "CEB604"), (orders, "CEB304"), (waybills, "CEB506")] {
            n += 1;
            let body = variants(&message, n);
            let (status, reply) = server.post(Some(ADMIN), &body);
            assert_eq!(status, 200, "variant {}: {reply}", n % 6);
            assert_eq!(receipt_of(&reply), expected, "{reply}");
            assert_eq!(reply.matches("<ceb:returnStatus>").count(), size, "one Return per entity");
            assert!(!reply.contains("<ceb:returnStatus>-"), "{reply}");
            assert_schema_valid(&reply);
            bodies.push((body, reply));
        }
    }
    // Exact re-sends: the same receipt, nothing new.
    for (body, reply) in &bodies {
        assert_eq!(&server.post(Some(ADMIN), body).1, reply);
    }
    let decisions = decisions(server);
    assert_eq!(decisions.len(), 111, "one decision per parcel, none twice");
    assert!(decisions.iter().all(|d| d["lane"] == "green" && d["returnStatus"] == 800), "{decisions:?}");
}

#[test]
fn every_format_variant_and_batch_size_clears_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(["--data", dir.path().to_str().unwrap()]);
    drive(&server);
}

#[test]
fn every_format_variant_and_batch_size_clears_on_postgresql() {
    let url = pg_server::server().fresh_database();
    let server = Server::start(["--database", &url]);
    drive(&server);
}
