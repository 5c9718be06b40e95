//! Helpers shared by the simulator's tests: libxml2's validator against the official schemas,
//! and reading the simulated messages back into lookup tables keyed as the pipeline keys them.

#![allow(dead_code)]

use greenlane_ceb::{ExtendPayload, Message, export};
use greenlane_sim::Simulation;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The official XSDs, kept by greenlane-ceb.
pub fn xsd(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../greenlane-ceb/xsd").join(name)
}

/// Validates files with `xmllint --schema`, the reference validator customs integrators use.
/// A missing xmllint fails the test (CI installs Debian's libxml2-utils): a schema test that
/// skips would hide invalid output.
pub fn xmllint(files: &[PathBuf], xsd: &Path) -> Result<(), String> {
    if files.is_empty() {
        return Ok(());
    }
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(xsd)
        .args(files)
        .output()
        .expect("xmllint is required by the test suite (apt-get install libxml2-utils)");
    if out.status.success() { Ok(()) } else { Err(String::from_utf8_lossy(&out.stderr).into_owned()) }
}

/// Every entity of a simulation, read back from its messages, with the index of the message
/// that carried it.
#[derive(Default)]
pub struct Read {
    pub orders: HashMap<(String, String), (usize, export::Order)>,
    pub buyers: HashMap<String, greenlane_ceb::Consignee>,
    pub waybills: HashMap<(String, String), (usize, export::Logistics)>,
    pub lists: HashMap<(String, String), (usize, export::Inventory)>,
    pub payments: HashMap<(String, String), (usize, export::Receipts)>,
    pub entities_per_message: Vec<usize>,
}

pub fn read_all(sim: &Simulation) -> Read {
    let mut read = Read::default();
    for m in sim.messages() {
        let parsed = greenlane_ceb::read(&m.bytes).unwrap_or_else(|e| panic!("{}: {e}", m.file_name));
        read.entities_per_message.push(m.entities);
        match parsed.message {
            Message::Ceb303(msg) => {
                if let Some(ext) = msg.extend_message
                    && let ExtendPayload::Consignees(list) = ext.message
                {
                    for c in list {
                        read.buyers.insert(c.order_no.clone(), c);
                    }
                }
                for o in msg.orders {
                    let key = (o.order_head.ebp_code.clone(), o.order_head.order_no.clone());
                    assert!(read.orders.insert(key, (m.index, o)).is_none(), "duplicate order in {}", m.file_name);
                }
            }
            Message::Ceb505(msg) => {
                for w in msg.logistics {
                    let key = (w.logistics_code.clone(), w.logistics_no.clone());
                    assert!(read.waybills.insert(key, (m.index, w)).is_none(), "duplicate waybill in {}", m.file_name);
                }
            }
            Message::Ceb603(msg) => {
                for l in msg.inventories {
                    let key = (l.inventory_head.ebc_code.clone(), l.inventory_head.cop_no.clone());
                    assert!(read.lists.insert(key, (m.index, l)).is_none(), "duplicate list in {}", m.file_name);
                }
            }
            Message::Ceb403(msg) => {
                for r in msg.receipts {
                    let key = (r.ebp_code.clone(), r.order_no.clone());
                    read.payments.insert(key, (m.index, r));
                }
            }
            other => panic!("unexpected message type {:?}", other.message_type()),
        }
    }
    read
}
