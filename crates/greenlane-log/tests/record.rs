//! Properties of the record decoder: what is encoded decodes to itself, any prefix of a record is
//! "cut short", any damage is refused, and no input makes it panic.

use greenlane_log::record::{self, Codec, DecodeError, Header};
use proptest::prelude::*;

fn header() -> impl Strategy<Value = Header> {
    (1u64..u64::MAX / 2, 1u32..1000, any::<u8>(), 0u8..3, 1u32..u32::MAX).prop_flat_map(
        |(group, group_len, kind, codec, dict)| {
            (0..u64::from(group_len)).prop_map(move |i| Header {
                seq: group + i,
                group,
                group_len,
                kind,
                codec: match codec {
                    0 => Codec::Stored,
                    1 => Codec::Zstd,
                    _ => Codec::ZstdDict(dict),
                },
                raw_len: 0,
            })
        },
    )
}

proptest! {
    #[test]
    fn an_encoded_record_decodes_to_itself(
        mut header in header(),
        partition in "\\PC{0,20}",
        stored in proptest::collection::vec(any::<u8>(), 0..300),
        raw_len in any::<u32>(),
    ) {
        header.raw_len = if header.codec == Codec::Stored { stored.len() as u32 } else { raw_len };
        let mut buf = b"prefix".to_vec();
        record::encode(&mut buf, &header, &partition, &stored);
        let (found, used) = record::decode(&buf[6..]).unwrap();
        prop_assert_eq!(used, buf.len() - 6);
        prop_assert_eq!(&found.header, &header);
        prop_assert_eq!(found.partition, partition.as_str());
        prop_assert_eq!(found.stored, &stored[..]);
    }

    #[test]
    fn every_prefix_of_a_record_is_cut_short(
        header in header(),
        stored in proptest::collection::vec(any::<u8>(), 0..100),
        cut in any::<prop::sample::Index>(),
    ) {
        let header = Header { codec: Codec::Stored, raw_len: stored.len() as u32, ..header };
        let mut buf = Vec::new();
        record::encode(&mut buf, &header, "P", &stored);
        let cut = cut.index(buf.len());
        let is_incomplete = matches!(record::decode(&buf[..cut]), Err(DecodeError::Incomplete { .. }));
        prop_assert!(is_incomplete);
    }

    #[test]
    fn a_damaged_record_is_refused(
        header in header(),
        stored in proptest::collection::vec(any::<u8>(), 1..100),
        at in any::<prop::sample::Index>(),
        mask in 1u8..,
    ) {
        let header = Header { codec: Codec::Zstd, raw_len: 7, ..header };
        let mut buf = Vec::new();
        record::encode(&mut buf, &header, "P", &stored);
        let at = at.index(buf.len());
        buf[at] ^= mask;
        prop_assert!(record::decode(&buf).is_err());
    }

    #[test]
    fn any_bytes_decode_or_are_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok((found, used)) = record::decode(&bytes) {
            let mut again = Vec::new();
            record::encode(&mut again, &found.header, found.partition, found.stored);
            prop_assert_eq!(&again[..], &bytes[..used]);
        }
        let scan = record::scan(&bytes, 0, 1);
        prop_assert!(scan.end <= bytes.len());
        prop_assert_eq!(scan.stop.is_none(), scan.end == bytes.len());
    }

    #[test]
    fn a_run_of_records_scans_whole(sizes in proptest::collection::vec(0usize..50, 1..20)) {
        let mut buf = Vec::new();
        for (i, size) in sizes.iter().enumerate() {
            let header = Header {
                seq: i as u64 + 1, group: i as u64 + 1, group_len: 1, kind: 0, codec: Codec::Stored,
                raw_len: *size as u32,
            };
            record::encode(&mut buf, &header, "P", &vec![b'x'; *size]);
        }
        let scan = record::scan(&buf, 0, 1);
        prop_assert_eq!(scan.records.len(), sizes.len());
        prop_assert_eq!(scan.end, buf.len());
        prop_assert!(scan.stop.is_none());
        // Starting at the wrong sequence number is refused at the first record.
        prop_assert_eq!(record::scan(&buf, 0, 2).records.len(), 0);
    }
}
