//! Every simulated message is valid against the official 2018 XSD, checked by `xmllint
//! --schema` (envelopes against the DXP terminal-node schema, their content against the export
//! schema), and reads back under the strict profile to the message that was written.

mod support;

use base64::Engine as _;
use greenlane_ceb::{Message, MessageType, Version};
use greenlane_sim::{SimConfig, generate};
use std::collections::BTreeSet;

#[test]
fn every_message_of_a_day_validates_against_the_2018_xsd() {
    let config = SimConfig { parcels: 1_500, seed: 11, envelope_share: 0.3, ..SimConfig::default() };
    let sim = generate(&config).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut bare, mut envelopes) = (Vec::new(), Vec::new());
    let mut seen = BTreeSet::new();
    for m in sim.messages() {
        let text = String::from_utf8(m.bytes.clone()).unwrap();
        let inner = if m.enveloped {
            let path = dir.path().join(format!("envelope-{}", m.file_name));
            std::fs::write(&path, &m.bytes).unwrap();
            envelopes.push(path);
            let start = text.find("<dxp:Data>").unwrap() + "<dxp:Data>".len();
            let end = text.find("</dxp:Data>").unwrap();
            base64::engine::general_purpose::STANDARD.decode(&text[start..end]).unwrap()
        } else {
            m.bytes.clone()
        };
        let path = dir.path().join(&m.file_name);
        std::fs::write(&path, &inner).unwrap();
        bare.push(path);

        let parsed = greenlane_ceb::read(&m.bytes).unwrap_or_else(|e| panic!("{}: {e}", m.file_name));
        assert_eq!(parsed.version, Version::V2018);
        assert_eq!(parsed.envelope.is_some(), m.enveloped);
        assert_eq!(parsed.message, sim.ceb_message(m.index), "{} does not read back as written", m.file_name);
        let extended = match &parsed.message {
            Message::Ceb303(o) => o.extend_message.is_some(),
            _ => false,
        };
        seen.insert((m.message_type.code(), m.enveloped, extended));
    }
    for ty in [MessageType::Ceb303, MessageType::Ceb403, MessageType::Ceb505, MessageType::Ceb603] {
        for enveloped in [false, true] {
            let with_extension = ty == MessageType::Ceb303;
            assert!(seen.contains(&(ty.code(), enveloped, with_extension)), "no {} (enveloped {enveloped})", ty.code());
        }
    }
    assert!(seen.contains(&("CEB303", false, false)), "no order message without the buyer block");

    support::xmllint(&bare, &support::xsd("export-2018.xsd")).unwrap();
    support::xmllint(&envelopes, &support::xsd("terminal-node-2018.xsd")).unwrap();
}
