//! The libFuzzer target for the reader: any bytes read to Ok or Err under both profiles (never a
//! panic), and whatever reads is written and read back to the same message.

#![no_main]

use greenlane_ceb::{Profile, ReadOptions, read_with, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for profile in [Profile::Strict, Profile::Schema] {
        let Ok(parsed) = read_with(data, &ReadOptions { profile, ..ReadOptions::default() }) else {
            continue;
        };
        // The writer checks the same facets the reader does, so it must accept anything that read.
        let xml = write(&parsed.message, parsed.version)
            .unwrap_or_else(|e| panic!("the writer refuses what the reader accepted: {e}"));
        let again = read_with(
            xml.as_bytes(),
            &ReadOptions { version: Some(parsed.version), profile, ..ReadOptions::default() },
        )
        .unwrap_or_else(|e| panic!("re-reading the written XML fails: {e}\n{xml}"));
        assert_eq!(again.message, parsed.message, "write → read changed the message:\n{xml}");
    }
});
