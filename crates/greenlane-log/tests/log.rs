//! The embedded log end to end on real files: what goes in comes back, one sync per group,
//! rollover, dictionaries, and recovery from a torn tail (cut) and from damage elsewhere
//! (refused, with the segment and the offset).

use greenlane_log::{Config, Entry, Log, LogError, Record, SegmentLog, groups};
use std::path::Path;

/// Payloads that look like traffic: varied lengths, shared phrases, one partition per sender.
fn payload(i: usize) -> Vec<u8> {
    format!(
        "<ceb:CEB303Message guid=\"{i:08}\"><ceb:ebcCode>44039{:05}</ceb:ebcCode>{}</ceb:CEB303Message>",
        i % 7,
        "<ceb:item>earphones</ceb:item>".repeat(i % 5 + 1)
    )
    .into_bytes()
}

fn partition(i: usize) -> String {
    format!("44039{:05}", i % 7)
}

/// Appends groups of the given sizes; returns every payload in order.
fn fill(log: &mut SegmentLog, sizes: &[usize], from: usize) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    let mut i = from;
    for &size in sizes {
        let payloads: Vec<Vec<u8>> = (i..i + size).map(payload).collect();
        let keys: Vec<String> = (i..i + size).map(partition).collect();
        let entries: Vec<Entry<'_>> = payloads
            .iter()
            .zip(&keys)
            .enumerate()
            .map(|(k, (p, key))| Entry { partition: key, kind: (k % 3) as u8, payload: p })
            .collect();
        log.append(&entries).unwrap();
        i += size;
        all.extend(payloads);
    }
    all
}

fn read_all(log: &SegmentLog) -> Vec<Record> {
    log.read_from(1).unwrap().collect::<Result<_, _>>().unwrap()
}

fn small_segments() -> Config {
    Config { segment_bytes: 2048, train_after: 0, ..Config::default() }
}

#[test]
fn what_is_appended_reads_back_in_order_after_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    assert_eq!(log.next_seq(), 1);
    let payloads = fill(&mut log, &[1, 5, 2], 0);
    let positions = log
        .append(&[
            Entry { partition: "3301968XYZ", kind: 9, payload: b"" },
            Entry { partition: "", kind: 1, payload: b"x" },
        ])
        .unwrap();
    assert_eq!(positions.iter().map(|p| p.seq).collect::<Vec<_>>(), [9, 10]);
    drop(log);

    let log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    assert!(log.cut().is_none());
    assert_eq!(log.next_seq(), 11);
    let records = read_all(&log);
    assert_eq!(records.len(), 10);
    for (i, (record, payload)) in records.iter().zip(&payloads).enumerate() {
        assert_eq!(record.position.seq, i as u64 + 1);
        assert_eq!(&record.payload, payload);
        assert_eq!(record.partition, partition(i));
    }
    assert_eq!((records[8].partition.as_str(), records[8].kind, &records[8].payload[..]), ("3301968XYZ", 9, &b""[..]));
    assert_eq!(records[9].position, positions[1]);
    // Reading from the middle starts there.
    let tail: Vec<u64> = log.read_from(7).unwrap().map(|r| r.unwrap().position.seq).collect();
    assert_eq!(tail, [7, 8, 9, 10]);
    assert_eq!(log.read_from(11).unwrap().count(), 0);
}

#[test]
fn a_log_is_opened_by_one_writer_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    assert!(matches!(SegmentLog::open(dir.path(), Config::default()), Err(LogError::Locked { .. })));
    drop(log);
    SegmentLog::open(dir.path(), Config::default()).unwrap();
}

#[test]
fn one_group_is_one_sync_and_reads_back_as_one_group() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    fill(&mut log, &[100], 0);
    assert_eq!(log.stats().syncs, 1);
    fill(&mut log, &[1, 30], 100);
    assert_eq!((log.stats().groups, log.stats().syncs, log.stats().records), (3, 3, 131));
    let sizes: Vec<usize> = groups(log.read_from(1).unwrap()).map(|g| g.unwrap().len()).collect();
    assert_eq!(sizes, [100, 1, 30]);
    let firsts: Vec<u64> = groups(log.read_from(1).unwrap()).map(|g| g.unwrap()[0].group).collect();
    assert_eq!(firsts, [1, 101, 102]);
    assert!(log.append(&[]).unwrap().is_empty());
    assert_eq!(log.stats().syncs, 3, "nothing to append, nothing to sync");
}

#[test]
fn a_large_group_compressed_on_several_threads_reads_back_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    // 1 MB in one group: more than one thread compresses it where there are cores for that.
    let payloads: Vec<Vec<u8>> =
        (0..101).map(|i| format!("<message n=\"{i}\">{}</message>", "x".repeat(5000 + i * 97)).into_bytes()).collect();
    let entries: Vec<Entry<'_>> = payloads.iter().map(|p| Entry { partition: "P", kind: 0, payload: p }).collect();
    log.append(&entries).unwrap();
    assert_eq!(log.stats().syncs, 1);
    let back: Vec<Vec<u8>> = read_all(&log).into_iter().map(|r| r.payload).collect();
    assert_eq!(back, payloads);
}

#[test]
fn segments_roll_over_at_their_size_and_a_group_is_never_split() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), small_segments()).unwrap();
    let payloads = fill(&mut log, &[3; 40], 0);
    let segments = log.segment_paths();
    assert!(segments.len() > 3, "{} segments", segments.len());
    assert_eq!(log.stats().rollovers as usize, segments.len() - 1);
    drop(log);
    let log = SegmentLog::open(dir.path(), small_segments()).unwrap();
    let records = read_all(&log);
    assert_eq!(records.iter().map(|r| r.payload.clone()).collect::<Vec<_>>(), payloads);
    for record in &records {
        let group_segment = records[record.group as usize - 1].position.segment;
        assert_eq!(record.position.segment, group_segment, "record {} left its group", record.position.seq);
        let name = format!("{:020}.log", record.position.segment);
        assert!(segments.iter().any(|s| s.ends_with(&name)));
    }
    // Each segment is named by its first record.
    let firsts: Vec<u64> = records.iter().map(|r| r.position.segment).collect();
    for window in firsts.windows(2) {
        assert!(window[0] <= window[1]);
    }
    assert_eq!(log.read_from(100).unwrap().next().unwrap().unwrap().position.seq, 100);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn a_torn_tail_is_cut_back_to_the_last_whole_group_at_every_byte() {
    let original = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(original.path(), Config { train_after: 0, ..Config::default() }).unwrap();
    let kept = fill(&mut log, &[2, 1], 0);
    let last_group = log.append(&[
        Entry { partition: "A", kind: 0, payload: &payload(10) },
        Entry { partition: "A", kind: 0, payload: &payload(11) },
        Entry { partition: "A", kind: 0, payload: &payload(12) },
    ]);
    let last_group = last_group.unwrap();
    let segment = log.segment_paths().pop().unwrap();
    drop(log);
    let full = std::fs::metadata(&segment).unwrap().len();
    let last_record = last_group[2].offset;

    for length in last_record..full {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(original.path(), dir.path());
        let torn = dir.path().join(segment.file_name().unwrap());
        std::fs::OpenOptions::new().write(true).open(&torn).unwrap().set_len(length).unwrap();

        let mut log = SegmentLog::open(dir.path(), Config::default()).unwrap();
        let cut = log.cut().unwrap_or_else(|| panic!("length {length}: nothing cut"));
        assert_eq!(cut.offset, last_group[0].offset, "length {length}: the whole unfinished group goes");
        assert_eq!(cut.bytes, length - last_group[0].offset);
        assert_eq!(cut.whole_records, 2, "length {length}");
        assert_eq!(log.next_seq(), 4);
        let records = read_all(&log);
        assert_eq!(records.iter().map(|r| r.payload.clone()).collect::<Vec<_>>(), kept, "length {length}");
        // The log goes on where it was cut.
        let positions = log.append(&[Entry { partition: "B", kind: 0, payload: b"after" }]).unwrap();
        assert_eq!(positions[0].seq, 4);
        drop(log);
        let log = SegmentLog::open(dir.path(), Config::default()).unwrap();
        assert!(log.cut().is_none());
        assert_eq!(read_all(&log).last().unwrap().payload, b"after");
    }
}

#[test]
fn a_flipped_byte_in_the_last_record_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    fill(&mut log, &[2, 1], 0);
    let last = log.append(&[Entry { partition: "A", kind: 0, payload: &payload(3) }]).unwrap()[0];
    let segment = log.segment_paths().pop().unwrap();
    drop(log);
    flip(&segment, last.offset + 20);
    let log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    let cut = log.cut().expect("the damaged tail record is cut");
    assert_eq!((cut.offset, cut.whole_records), (last.offset, 0));
    assert!(cut.reason.contains("checksum"), "{}", cut.reason);
    assert_eq!(log.next_seq(), 4);
}

fn flip(path: &Path, at: u64) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[at as usize] ^= 0x40;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_flipped_byte_in_a_closed_segment_is_refused_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), small_segments()).unwrap();
    fill(&mut log, &[3; 20], 0);
    let records = read_all(&log);
    let segments = log.segment_paths();
    assert!(segments.len() >= 3);
    drop(log);
    // The second record of the first segment.
    let damaged = &records[1];
    flip(&segments[0], damaged.position.offset + 30);
    let error = SegmentLog::open(dir.path(), small_segments()).unwrap_err();
    match &error {
        LogError::Corrupt { segment, offset, reason } => {
            assert_eq!(segment, &segments[0]);
            assert_eq!(*offset, damaged.position.offset);
            assert!(reason.contains("checksum"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let shown = error.to_string();
    assert!(shown.contains(&segments[0].display().to_string()) && shown.contains(&damaged.position.offset.to_string()));
    // Nothing was cut or repaired: the damage is still there to be looked at.
    assert!(SegmentLog::open(dir.path(), small_segments()).is_err());
}

#[test]
fn damage_followed_by_later_groups_in_the_last_segment_is_refused_not_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    fill(&mut log, &[2, 2, 2], 0);
    let records = read_all(&log);
    let segment = log.segment_paths().pop().unwrap();
    drop(log);
    // The length field of record 3: the decoder cannot even find where it ends.
    flip(&segment, records[2].position.offset + 1);
    match SegmentLog::open(dir.path(), Config::default()).unwrap_err() {
        LogError::Corrupt { offset, reason, .. } => {
            assert_eq!(offset, records[2].position.offset);
            assert!(reason.contains("record 5"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn a_missing_segment_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), small_segments()).unwrap();
    fill(&mut log, &[3; 20], 0);
    let segments = log.segment_paths();
    drop(log);
    std::fs::remove_file(&segments[1]).unwrap();
    let error = SegmentLog::open(dir.path(), small_segments()).unwrap_err();
    assert!(matches!(&error, LogError::Corrupt { segment, .. } if segment == &segments[0]), "{error}");
    assert!(error.to_string().contains("missing"), "{error}");
}

#[test]
fn an_entry_larger_than_a_record_may_be_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    let huge = vec![b'x'; greenlane_log::record::MAX_BODY];
    let error = log
        .append(&[
            Entry { partition: "A", kind: 0, payload: b"fine" },
            Entry { partition: "A", kind: 0, payload: &huge },
        ])
        .unwrap_err();
    assert!(matches!(error, LogError::Refused { index: 1, .. }), "{error}");
    assert_eq!(log.next_seq(), 1);
    assert_eq!(log.stats().syncs, 0);
}

/// A few hundred messages of a simulated day, as the hub receives them.
fn traffic() -> Vec<(String, Vec<u8>)> {
    let simulation =
        greenlane_sim::generate(&greenlane_sim::SimConfig { parcels: 400, max_batch: 5, ..Default::default() })
            .unwrap();
    simulation.messages().map(|m| (m.sender_code, m.bytes)).collect()
}

#[test]
fn a_dictionary_is_trained_from_the_traffic_and_every_record_stays_readable() {
    let messages = traffic();
    assert!(messages.len() > 200, "{} messages", messages.len());
    let dir = tempfile::tempdir().unwrap();
    let config = Config { train_after: 100, dictionary_bytes: 16 * 1024, ..Config::default() };
    let mut log = SegmentLog::open(dir.path(), config.clone()).unwrap();
    for chunk in messages.chunks(20) {
        let entries: Vec<Entry<'_>> =
            chunk.iter().map(|(sender, bytes)| Entry { partition: sender, kind: 0, payload: bytes }).collect();
        log.append(&entries).unwrap();
    }
    let stats = log.stats();
    drop(log);
    let dictionaries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".zdict"))
        .collect();
    assert_eq!(dictionaries.len(), 1, "{dictionaries:?}");

    let log = SegmentLog::open(dir.path(), config).unwrap();
    let records = read_all(&log);
    assert_eq!(records.len(), messages.len());
    for (record, (sender, bytes)) in records.iter().zip(&messages) {
        assert_eq!((&record.partition, &record.payload), (sender, bytes));
    }
    // Compressed: the segments hold a fraction of the payload bytes.
    let disk = log.disk_bytes().unwrap();
    assert!(disk * 2 < stats.payload_bytes, "{disk} bytes on disk for {} of payload", stats.payload_bytes);
}

/// A dictionary trained elsewhere, as one shipped with the program would be.
fn trained_on_first(messages: &[(String, Vec<u8>)]) -> Vec<u8> {
    let samples: Vec<&[u8]> = messages.iter().take(200).map(|(_, b)| &b[..]).collect();
    zstd::dict::from_samples(&samples, 16 * 1024).unwrap()
}

#[test]
fn a_given_dictionary_is_kept_with_the_log_so_records_read_without_it() {
    let messages = traffic();
    let dictionary = trained_on_first(&messages);
    let dir = tempfile::tempdir().unwrap();
    let mut log = SegmentLog::open(dir.path(), Config { dictionary: Some(dictionary), ..Config::default() }).unwrap();
    let (sender, bytes) = &messages[300];
    log.append(&[Entry { partition: sender, kind: 0, payload: bytes }]).unwrap();
    drop(log);
    // Opened without saying which dictionary: the folder has it.
    let log = SegmentLog::open(dir.path(), Config::default()).unwrap();
    assert_eq!(&read_all(&log)[0].payload, bytes);
}

#[test]
fn a_damaged_dictionary_file_is_refused() {
    let dictionary = trained_on_first(&traffic());
    let dir = tempfile::tempdir().unwrap();
    drop(SegmentLog::open(dir.path(), Config { dictionary: Some(dictionary), ..Config::default() }).unwrap());
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "zdict"));
    flip(&file.unwrap(), 100);
    assert!(matches!(SegmentLog::open(dir.path(), Config::default()), Err(LogError::Corrupt { .. })));
}
