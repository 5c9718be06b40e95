//! Fuzz target: any bytes as records (the decoder and the scanner must refuse or accept them
//! without panicking, and what they accept re-encodes to the same bytes), and the same bytes as
//! the last segment of a log folder (opening recovers or refuses; what it keeps reads back).
#![no_main]

use greenlane_log::record;
use greenlane_log::{Config, Log, SegmentLog};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((found, used)) = record::decode(data) {
        let mut again = Vec::new();
        record::encode(&mut again, &found.header, found.partition, found.stored);
        assert_eq!(&again[..], &data[..used]);
    }
    let scan = record::scan(data, 0, 1);
    assert!(scan.end <= data.len());

    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut segment = record::SEGMENT_MAGIC.to_vec();
    segment.extend_from_slice(data);
    std::fs::write(dir.path().join(format!("{:020}.log", 1)), &segment).expect("the segment is written");
    let config = Config { train_after: 0, ..Config::default() };
    if let Ok(log) = SegmentLog::open(dir.path(), config) {
        // Whatever recovery kept must read back whole.
        let records = log.read_from(1).expect("reading starts").count();
        assert_eq!(records as u64 + 1, log.next_seq());
    }
});
