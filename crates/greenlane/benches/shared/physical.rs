//! The physical limit of intake (issue 14), shared by the ingest and HTTP benchmarks: the same
//! message bytes read, tokenized (every XML event visited, nothing mapped) on every core, and
//! appended group by group to a fresh intake log (zstd with its trained dictionary, CRC-32C,
//! one `fdatasync` per group). Nothing that decides a parcel can take less than this.

use greenlane_log::Log as _;
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

/// Seconds to take every group of `items` in order: `body` gives each item's message bytes (a
/// file's are read from disk, inside the clock), tokenized on every core, then the group is
/// appended to a fresh log under `dir` and synced.
pub fn append_limit<T: Sync>(groups: &[&[T]], body: impl Fn(&T) -> Vec<u8> + Sync, dir: &Path) -> f64 {
    let mut log = greenlane_log::SegmentLog::open(dir, greenlane_log::Config::default()).unwrap();
    let started = Instant::now();
    for group in groups {
        let bodies: Vec<Vec<u8>> = group
            .par_iter()
            .map(|item| {
                let bytes = body(item);
                assert!(xml_events(&bytes) > 0);
                bytes
            })
            .collect();
        let entries: Vec<greenlane_log::Entry<'_>> =
            bodies.iter().map(|b| greenlane_log::Entry { partition: "", kind: 1, payload: b }).collect();
        log.append(&entries).unwrap();
    }
    started.elapsed().as_secs_f64()
}

/// Visits every event of an XML document, as a reader must before it can map anything.
pub fn xml_events(xml: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buffer = Vec::new();
    let mut events = 0;
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("not XML: {e}"),
        }
        buffer.clear();
    }
}
