//! Data-driven tests over China Customs' official sample messages: each sample in, what greenlane
//! makes of it out (`*.expected` beside the sample, regenerated with `UPDATE_EXPECT=1`); and for
//! each sample that reads, parse → write → parse gives the same values and the written XML
//! validates against the official XSD with xmllint.

mod support;

use greenlane_ceb::{Message, Parsed, Profile, ReadOptions, Version, read_with, write};
use support::{samples, xmllint, xsd_for};

fn describe(result: &Result<Parsed, greenlane_ceb::ReadError>) -> String {
    match result {
        Ok(parsed) => format!(
            "ok {} (spec {}){}",
            parsed.message.message_type().code(),
            parsed.version,
            if parsed.envelope.is_some() { ", in a DXP envelope" } else { "" }
        ),
        Err(e) => format!("error [{}] {e}", e.code()),
    }
}

fn options(version: Version, profile: Profile) -> ReadOptions {
    ReadOptions { version: Some(version), profile, ..ReadOptions::default() }
}

#[test]
fn every_sample_reads_as_expected() {
    for (path, version) in samples() {
        let bytes = std::fs::read(&path).unwrap();
        let schema = read_with(&bytes, &options(version, Profile::Schema));
        let strict = read_with(&bytes, &options(version, Profile::Strict));
        let actual = format!("schema: {}\nstrict: {}\n", describe(&schema), describe(&strict));
        expect_test::expect_file![path.with_extension("expected")].assert_eq(&actual);
    }
}

/// The samples that the published spec gets wrong must fail for the reason they are wrong.
#[test]
fn known_invalid_202205_samples_name_their_fault() {
    let dir = support::crate_dir().join("tests/data/samples-202205");
    let read = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        read_with(&bytes, &options(Version::V202205, Profile::Schema)).unwrap_err()
    };
    for name in ["303", "403", "505", "507", "509", "603", "605", "607"] {
        let err = read(&format!("CEB{name}Message.xml"));
        assert_eq!(err.code(), "ceb.too_many", "CEB{name}: {err}");
        assert!(err.to_string().contains("<BaseTransfer>"), "CEB{name}: {err}");
    }
    let err = read("CEB214Message.xml");
    assert_eq!(err.code(), "ceb.unknown_message", "{err}");
    assert!(err.to_string().contains("<CEB214>"), "{err}");
    let err = read("CEB792Message.xml");
    assert_eq!(err.code(), "ceb.missing_element", "{err}");
    assert!(err.to_string().contains("<gseqno>"), "{err}");
    assert!(err.path.ends_with("SummaryResult[1]/SummaryResultList[1]"), "{err}");
    assert!(err.to_string().contains("found <gnum>"), "{err}");
}

#[test]
fn written_samples_round_trip_and_validate_against_the_official_xsd() {
    let mut checked = 0;
    for (path, version) in samples() {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(parsed) = read_with(&bytes, &options(version, Profile::Schema)) else {
            continue;
        };
        let xml = write(&parsed.message, version).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let again = read_with(xml.as_bytes(), &options(version, Profile::Schema))
            .unwrap_or_else(|e| panic!("{}: re-reading what we wrote: {e}\n{xml}", path.display()));
        assert_eq!(again.message, parsed.message, "{}", path.display());
        let xsd = xsd_for(parsed.message.message_type(), version);
        xmllint(&xml, &xsd).unwrap_or_else(|e| panic!("{}: written XML is not schema-valid:\n{e}", path.display()));
        checked += 1;
    }
    assert!(checked >= 55, "only {checked} samples round-tripped");
}

#[test]
fn the_samples_that_xmllint_accepts_are_exactly_those_greenlane_reads() {
    // The reader's schema profile claims to enforce what the XSD enforces: compare verdicts.
    for (path, version) in samples() {
        let text = std::fs::read_to_string(&path).unwrap();
        let ours = read_with(text.as_bytes(), &options(version, Profile::Schema));
        let ty = match &ours {
            Ok(p) => p.message.message_type(),
            Err(e) => match e.message_type {
                Some(t) => t,
                None => continue, // not a CEB root at all: nothing to compare against
            },
        };
        let theirs = xmllint(text.trim_start_matches('\u{feff}'), &xsd_for(ty, version));
        assert_eq!(
            ours.is_ok(),
            theirs.is_ok(),
            "{}: greenlane {:?} vs xmllint {:?}",
            path.display(),
            ours.err(),
            theirs.err()
        );
    }
}

#[test]
fn auto_detection_reads_every_valid_sample() {
    for (path, version) in samples() {
        let bytes = std::fs::read(&path).unwrap();
        if read_with(&bytes, &options(version, Profile::Schema)).is_err() {
            continue;
        }
        let auto = read_with(&bytes, &ReadOptions { profile: Profile::Schema, ..ReadOptions::default() });
        assert!(auto.is_ok(), "{}: {:?}", path.display(), auto.err());
        let Ok(Parsed { message, .. }) = auto else { unreachable!() };
        assert!(!matches!(message, Message::Ceb900(_)) || path.ends_with("CEB900Message.xml"));
    }
}
