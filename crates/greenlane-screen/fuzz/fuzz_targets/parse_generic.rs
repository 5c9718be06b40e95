//! The libFuzzer target for the generic list CSV parser (see `check.rs`).

#![no_main]

mod check;

libfuzzer_sys::fuzz_target!(|data: &[u8]| check::parses_or_names_the_file("fuzz.list.csv", data));
