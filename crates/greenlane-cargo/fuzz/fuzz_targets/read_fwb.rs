//! The libFuzzer target for the FWB reader: any text reads to Ok or Err (never a panic), and
//! every message that reads and that the writer accepts writes back to text that reads the same.

#![no_main]

use greenlane_cargo::imp::fwb;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(all) = fwb::read_all(text) else { return };
    for message in all {
        // The writer may refuse what it could not write faithfully; what it writes must read back.
        if let Ok(written) = fwb::write(&message) {
            let again = fwb::read(&written).unwrap_or_else(|e| panic!("re-reading the written text fails: {e}\n{written}"));
            assert_eq!(again, message, "write → read changed the message:\n{written}");
        }
    }
});
