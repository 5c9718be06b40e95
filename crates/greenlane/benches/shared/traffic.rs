//! The traffic the binary's benchmarks load: parcels as a platform sends them, in messages of
//! 100 entities, written to files in arrival order.

use crate::common;
use crate::support::*;
use std::path::{Path, PathBuf};

/// Entities per message: the schema's maximum, as platforms batch.
pub const PER_MESSAGE: usize = 100;

/// Writes the traffic as a platform would send it: per block of 100 parcels, the lists first
/// (waiting), then the orders, then the waybills that complete them.
pub fn generate(parcels: usize, dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    let mut files = Vec::new();
    let mut n = 0;
    for block in 0..parcels.div_ceil(PER_MESSAGE) {
        let range = block * PER_MESSAGE..((block + 1) * PER_MESSAGE).min(parcels);
        let time = |_: usize| format!("20261129{:02}{:02}00", 8 + (block / 60) % 12, block % 60);
        let items = |p: usize| if p.is_multiple_of(3) { vec![earphones(), phone_case("2")] } else { vec![earphones()] };
        let weight = |p: usize| if p.is_multiple_of(3) { "0.35" } else { "0.2" };
        let lists = common::batch(range.clone().map(|p| {
            let (o, w, c) = keys(p);
            list(&c, "1", &time(0), &o, &w, &items(p), weight(p), 1)
        }));
        let orders = common::batch(range.clone().map(|p| order(&keys(p).0, "1", &time(0), &items(p))));
        let waybills = common::batch(range.clone().map(|p| waybill(&keys(p).1, "1", &time(0), weight(p), 1)));
        for m in [lists, orders, waybills] {
            n += 1;
            let path = dir.join(format!("{n:09}-{}.xml", m.message_type().code()));
            std::fs::write(&path, xml(&m)).unwrap();
            files.push(path);
        }
    }
    files
}

pub fn keys(p: usize) -> (String, String, String) {
    (format!("SZ{p:09}"), format!("SF{p:09}"), format!("C{p:09}"))
}
