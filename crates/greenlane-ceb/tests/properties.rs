//! Property tests of the reader and writer: schema-driven generated messages read, round-trip and
//! validate against the official XSD in every surface style a sender may use; mutated samples and
//! arbitrary bytes never panic the reader; decimals round-trip exactly and are refused outside
//! their facets, by the reader, the writer and xmllint alike; and the schema profile's verdict on
//! number edge cases, fixed and default values, well-formedness and namespaces is xmllint's.

#[path = "support/gen.rs"]
mod generator;
mod support;

use generator::{Element, Generator, Options, Rng, Style, defined_pairs, to_xml, value_constraints};
use greenlane_ceb::{
    DxpEnvelope, Message, MessageType, Profile, ReadOptions, Version, WriteError, read_with, wrap_in_envelope, write,
};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed};
use rust_decimal::Decimal;
use std::sync::OnceLock;
use support::{samples, xmllint, xsd_for};

/// A fixed seed and case count keep CI runs fast and comparable; `PROPTEST_RNG_SEED` and
/// `PROPTEST_CASES` still explore further locally. Failures are not persisted because the
/// regression file would land in the source tree.
fn config(cases: u32) -> Config {
    let env = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() { env.cases } else { cases },
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            env.rng_seed
        } else {
            RngSeed::Fixed(0x6772_6565_6e6c_616e)
        },
        failure_persistence: None,
        ..env
    }
}

fn opts(version: Option<Version>, profile: Profile) -> ReadOptions {
    ReadOptions { version, profile, ..ReadOptions::default() }
}

fn generate(ty: MessageType, version: Version, seed: u64, options: Options) -> Element {
    Generator::new(&mut Rng::new(seed), version, options).message(ty)
}

fn read_schema(xml: &str, version: Version) -> Result<Message, String> {
    read_with(xml.as_bytes(), &opts(Some(version), Profile::Schema)).map(|p| p.message).map_err(|e| e.to_string())
}

/// Read → write → read gives the same message, and writing that again gives the same text.
fn assert_round_trip(message: &Message, version: Version, profile: Profile) -> Result<String, TestCaseError> {
    let xml = write(message, version).map_err(|e| TestCaseError::fail(format!("writing what was read: {e}")))?;
    let again = read_with(xml.as_bytes(), &opts(Some(version), profile))
        .map_err(|e| TestCaseError::fail(format!("re-reading what was written: {e}\n{xml}")))?;
    prop_assert_eq!(&again.message, message, "written:\n{}", xml);
    let rewritten = write(&again.message, version).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&rewritten, &xml, "writing is not deterministic");
    Ok(xml)
}

// ----- generated valid messages -------------------------------------------------------------------

/// Every message type of both versions, three generated messages each, checked by libxml2: the
/// generator's input and the writer's output must both be schema-valid. Failures are collected so
/// one run names every message type that breaks.
#[test]
fn every_message_type_generates_schema_valid_xml_that_round_trips() {
    let mut failures = Vec::new();
    let pairs = defined_pairs();
    assert!(pairs.len() >= 60, "only {} message/version pairs", pairs.len());
    for (i, &(ty, version)) in pairs.iter().flat_map(|p| [p; 3]).enumerate() {
        let label = format!("{} (spec {version}) case {i}", ty.code());
        let options = Options { codes: i % 2 == 0, ..Options::default() };
        let xml = to_xml(&generate(ty, version, 0x5eed_0000 + i as u64, options), &Style::canonical());
        let xsd = xsd_for(ty, version);
        if let Err(e) = xmllint(&xml, &xsd) {
            failures.push(format!("{label}: xmllint refuses the generated input:\n{e}\n{xml}"));
            continue;
        }
        let message = match read_schema(&xml, version) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{label}: xmllint accepts but greenlane refuses: {e}\n{xml}"));
                continue;
            }
        };
        let written = match write(&message, version) {
            Ok(w) => w,
            Err(e) => {
                failures.push(format!("{label}: write fails: {e}"));
                continue;
            }
        };
        if let Err(e) = xmllint(&written, &xsd) {
            failures.push(format!("{label}: xmllint refuses the written output:\n{e}\n{written}"));
        }
        match read_schema(&written, version) {
            Ok(again) if again == message => {}
            Ok(again) => failures.push(format!("{label}: round trip differs:\n{message:#?}\nvs\n{again:#?}")),
            Err(e) => failures.push(format!("{label}: re-reading the written output: {e}\n{written}")),
        }
    }
    assert!(failures.is_empty(), "{} failures:\n\n{}", failures.len(), failures.join("\n\n"));
}

proptest! {
    #![proptest_config(config(1024))]

    #[test]
    fn generated_messages_read_and_round_trip(
        (ty, version) in select(defined_pairs()),
        seed in any::<u64>(),
        codes in any::<bool>(),
    ) {
        let xml = to_xml(&generate(ty, version, seed, Options { codes, ..Options::default() }), &Style::canonical());
        let message = read_schema(&xml, version).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(message.message_type(), ty);
        assert_round_trip(&message, version, Profile::Schema)?;
        // Left to detect the version, the reader may settle on the other one when the message
        // fits both, but the content it reads is the same.
        let auto = read_with(xml.as_bytes(), &opts(None, Profile::Schema))
            .map_err(|e| TestCaseError::fail(format!("auto-detected version: {e}")))?;
        prop_assert_eq!(&auto.message, &message);
        if codes && ty.is_export() {
            // Drawn from the code lists, the message meets the strict profile too, and reads the same.
            let strict = read_with(xml.as_bytes(), &opts(Some(version), Profile::Strict))
                .map_err(|e| TestCaseError::fail(format!("strict: {e}\n{xml}")))?;
            prop_assert_eq!(&strict.message, &message);
            assert_round_trip(&message, version, Profile::Strict)?;
        }
    }

    /// Prefix, default namespace, CRLF, BOM, declaration, indentation, whitespace around values,
    /// comments, quotes, empty-element syntax, CDATA and character references are presentation:
    /// the message read must not change.
    #[test]
    fn surface_style_does_not_change_the_message(
        (ty, version) in select(defined_pairs()),
        seed in any::<u64>(),
        style_seed in any::<u64>(),
        enveloped in any::<bool>(),
    ) {
        let root = generate(ty, version, seed, Options::default());
        let canonical = read_schema(&to_xml(&root, &Style::canonical()), version)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let style = Style::random(&mut Rng::new(style_seed));
        let mut xml = to_xml(&root, &style);
        if enveloped {
            let envelope = DxpEnvelope {
                cop_msg_id: "0f1e2d3c-prop".into(),
                sender_id: "DXPENT0000000001".into(),
                receiver_ids: vec!["DXPEDCCEB0000002".into()],
                creat_time: "2024-05-01T10:00:00".into(),
                msg_type: ty.code().into(),
                file_name: None,
            };
            xml = wrap_in_envelope(&envelope, &xml);
            // Terminal nodes wrap the base64 at 76 columns.
            let (start, end) = (xml.find("<dxp:Data>").unwrap() + 10, xml.find("</dxp:Data>").unwrap());
            let data: Vec<&str> =
                xml.as_bytes()[start..end].chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
            xml = format!("{}{}{}", &xml[..start], data.join(style.newline), &xml[end..]);
        }
        let styled = read_with(xml.as_bytes(), &opts(Some(version), Profile::Schema))
            .map_err(|e| TestCaseError::fail(format!("{style:?}: {e}\n{xml}")))?;
        prop_assert_eq!(styled.envelope.is_some(), enveloped);
        prop_assert_eq!(&styled.message, &canonical, "{:?}\n{}", style, xml);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// A line feed or tab in an attribute value can only arrive as a character reference; the
    /// writer must escape it again, or attribute-value normalization turns it into a space.
    #[test]
    fn attribute_line_breaks_round_trip(
        (ty, version) in select(defined_pairs()),
        seed in any::<u64>(),
    ) {
        let options = Options { attribute_breaks: true, ..Options::default() };
        let xml = to_xml(&generate(ty, version, seed, options), &Style::canonical());
        let message = read_schema(&xml, version).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        assert_round_trip(&message, version, Profile::Schema)?;
    }
}

// ----- robustness --------------------------------------------------------------------------------

/// Markup that tends to confuse a reader, inserted at random places.
const TOKENS: &[&[u8]] = &[
    b"<",
    b">",
    b"&",
    b"]]>",
    b"<!DOCTYPE x [<!ENTITY e \"boom\">]>",
    b"<!DOCTYPE",
    b"&e;",
    b"&amp;",
    b"&#0;",
    b"&#11;",
    b"&#10;",
    b"&#x110000;",
    b"&#xD800;",
    b"&#99999999999;",
    b"<![CDATA[",
    b"<!--",
    b"-->",
    b"<?xml version=\"1.0\"?>",
    b"<?",
    b"?>",
    b"</",
    b"/>",
    b"\"",
    b"'",
    b"=",
    b":",
    b"xmlns=\"urn:other\"",
    b"xmlns:ceb=\"urn:other\"",
    b"\xEF\xBB\xBF",
    b"\0",
    b"\xFF\xFE",
    b"\xE4\xB8",
    b"\r",
    b"<ceb:Order>",
    b"</ceb:Order>",
    b"<ceb:ExtendMessage><ceb:name/><ceb:version/><ceb:Message>",
    b"<ceb:Message><a/><b/></ceb:Message>",
    b"<dxp:DxpMsg xmlns:dxp=\"http://www.chinaport.gov.cn/dxp\">",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Delete { at: usize, len: usize },
    Insert { at: usize, token: usize },
    Truncate { at: usize },
    Duplicate { from: usize, len: usize, to: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        (any::<usize>(), 1..64usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 1..400usize, any::<usize>()).prop_map(|(from, len, to)| Mutation::Duplicate { from, len, to }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let pos = |at: usize, len: usize| at % (len + 1);
    match *m {
        Mutation::Flip { at, mask } if !bytes.is_empty() => {
            let i = at % bytes.len();
            bytes[i] ^= mask;
        }
        Mutation::Flip { .. } => {}
        Mutation::Delete { at, len } => {
            let start = pos(at, bytes.len());
            let end = (start + len).min(bytes.len());
            bytes.drain(start..end);
        }
        Mutation::Insert { at, token } => {
            let i = pos(at, bytes.len());
            bytes.splice(i..i, TOKENS[token].iter().copied());
        }
        Mutation::Truncate { at } => bytes.truncate(pos(at, bytes.len())),
        Mutation::Duplicate { from, len, to } => {
            let start = pos(from, bytes.len());
            let slice = bytes[start..(start + len).min(bytes.len())].to_vec();
            let i = pos(to, bytes.len());
            bytes.splice(i..i, slice);
        }
    }
}

/// The samples, plus one of them in a DXP envelope so mutations reach the envelope reader.
fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let mut all: Vec<Vec<u8>> = samples().iter().map(|(path, _)| std::fs::read(path).unwrap()).collect();
        let sample = String::from_utf8(all[0].clone()).unwrap();
        let envelope = DxpEnvelope {
            cop_msg_id: "m".into(),
            sender_id: "s".into(),
            receiver_ids: vec!["r".into()],
            creat_time: "2024-01-01T00:00:00".into(),
            msg_type: "CEB303".into(),
            file_name: Some("f.xml".into()),
        };
        all.push(wrap_in_envelope(&envelope, &sample).into_bytes());
        all
    })
}

/// Reading any bytes returns Ok or Err (a panic fails the test), and whatever reads is written
/// and read back unchanged: the writer must accept everything the reader accepts.
fn read_safely(bytes: &[u8]) -> Result<(), TestCaseError> {
    for profile in [Profile::Strict, Profile::Schema] {
        if let Ok(parsed) = read_with(bytes, &opts(None, profile)) {
            assert_round_trip(&parsed.message, parsed.version, profile)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(4096))]

    /// Mostly the official samples; every third case a generated message in a random style,
    /// which brings CDATA, character references, comments and extension payloads to mutate.
    #[test]
    fn mutated_messages_never_panic(
        sample in any::<prop::sample::Index>(),
        generated in prop::option::weighted(0.33, (select(defined_pairs()), any::<u64>())),
        mutations in prop::collection::vec(mutation(), 1..=4),
    ) {
        let mut bytes = match generated {
            Some(((ty, version), seed)) => {
                let root = generate(ty, version, seed, Options::default());
                to_xml(&root, &Style::random(&mut Rng::new(seed.rotate_left(17)))).into_bytes()
            }
            None => sample.get(corpus()).clone(),
        };
        for m in &mutations {
            apply(&mut bytes, m);
        }
        read_safely(&bytes)?;
    }

}

proptest! {
    #![proptest_config(config(2048))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        read_safely(&bytes)?;
    }

    /// Random bytes rarely get past the prolog; a CEB root followed by markup soup does.
    #[test]
    fn markup_soup_never_panics(
        root in select(MessageType::ALL.to_vec()),
        soup in prop::collection::vec((0..TOKENS.len(), "[a-zA-Z0-9 .:_-]{0,6}"), 0..40),
    ) {
        let mut bytes = format!(
            "<ceb:{} guid=\"{}\" version=\"1.0\" xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\">",
            root.root_name(),
            "A".repeat(36)
        )
        .into_bytes();
        for (token, text) in &soup {
            bytes.extend_from_slice(TOKENS[*token]);
            bytes.extend_from_slice(text.as_bytes());
        }
        read_safely(&bytes)?;
    }
}

// ----- decimals ----------------------------------------------------------------------------------

/// The value of an `xs:decimal` lexical form, computed without the crate's parser: the digits as
/// a mantissa and the written fraction length as the scale.
fn oracle(text: &str) -> Decimal {
    let unsigned = text.trim_start_matches(['+', '-']);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = format!("{int}{frac}");
    let mantissa: i128 = if digits.is_empty() { 0 } else { digits.parse().unwrap() };
    let value = Decimal::from_i128_with_scale(mantissa, frac.len() as u32);
    if text.starts_with('-') { -value } else { value }
}

/// A CEB303 whose every `OrderHead/goodsValue` is replaced by the next of `values` (cycling).
fn order_with_goods_values(version: Version, seed: u64, values: &[String]) -> (String, usize) {
    let mut root = generate(MessageType::Ceb303, version, seed, Options::default());
    let mut slots = Vec::new();
    root.values_mut("OrderHead", "goodsValue", &mut slots);
    let count = slots.len();
    for (i, slot) in slots.into_iter().enumerate() {
        *slot = values[i % values.len()].clone();
    }
    (to_xml(&root, &Style::canonical()), count)
}

fn goods_values(message: &Message) -> Vec<Decimal> {
    let Message::Ceb303(m) = message else { panic!("not a CEB303") };
    m.orders.iter().map(|o| o.order_head.goods_value).collect()
}

/// A decimal that breaks `totalDigits=19`/`fractionDigits=5` in exactly one way, with the fault
/// code expected for it.
fn out_of_facets(rng: &mut Rng) -> (String, &'static str) {
    let digits = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(
                |k| if k == 0 { char::from(b'1' + rng.below(9) as u8) } else { char::from(b'0' + rng.below(10) as u8) },
            )
            .collect()
    };
    let sign = if rng.one_in(2) { "-" } else { "" };
    if rng.one_in(2) {
        let int_len = rng.range(1, 8) as usize;
        let int = if rng.one_in(2) { "0".to_owned() } else { digits(rng, int_len) };
        let frac_len = rng.range(6, 10) as usize;
        let frac: String = digits(rng, frac_len).chars().rev().collect();
        (format!("{sign}{int}.{frac}"), "ceb.fraction_digits")
    } else {
        let frac_len = rng.range(0, 5) as usize;
        let int_len = 19 - frac_len + rng.range(1, 4) as usize;
        let int = digits(rng, int_len);
        let frac: String = digits(rng, frac_len).chars().rev().collect();
        let text = if frac.is_empty() { format!("{sign}{int}") } else { format!("{sign}{int}.{frac}") };
        (text, "ceb.total_digits")
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn decimals_within_facets_round_trip_exactly(
        version in select(Version::ALL.to_vec()),
        seed in any::<u64>(),
        value_seed in any::<u64>(),
    ) {
        let mut rng = Rng::new(value_seed);
        let mut draw = Generator::new(&mut rng, version, Options::default());
        let values: Vec<String> = (0..4).map(|_| draw.decimal(19, 5)).collect();
        let (xml, count) = order_with_goods_values(version, seed, &values);
        let message = read_schema(&xml, version).map_err(|e| TestCaseError::fail(format!("{values:?}: {e}")))?;
        let read = goods_values(&message);
        prop_assert_eq!(read.len(), count);
        for (i, value) in read.iter().enumerate() {
            let text = &values[i % values.len()];
            prop_assert_eq!(*value, oracle(text), "read {:?}", text);
        }
        let written = write(&message, version).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let again = goods_values(&read_schema(&written, version).map_err(TestCaseError::fail)?);
        for (a, b) in read.iter().zip(&again) {
            // Same value and same scale: the writer spells the decimal as it was read.
            prop_assert_eq!(a, b);
            prop_assert_eq!(a.to_string(), b.to_string());
        }
    }

    #[test]
    fn decimals_outside_facets_are_refused_by_reader_and_writer(
        version in select(Version::ALL.to_vec()),
        seed in any::<u64>(),
        value_seed in any::<u64>(),
    ) {
        let (bad, code) = out_of_facets(&mut Rng::new(value_seed));
        let (xml, _) = order_with_goods_values(version, seed, std::slice::from_ref(&bad));
        let err = read_with(xml.as_bytes(), &opts(Some(version), Profile::Schema))
            .err()
            .ok_or_else(|| TestCaseError::fail(format!("the reader accepts goodsValue {bad:?}")))?;
        prop_assert_eq!(err.code(), code, "{}", err);
        prop_assert!(err.path.ends_with("OrderHead/goodsValue"), "{}", err);

        let (good, _) = order_with_goods_values(version, seed, &["1".to_owned()]);
        let mut message = read_schema(&good, version).map_err(TestCaseError::fail)?;
        let Message::Ceb303(m) = &mut message else { unreachable!() };
        m.orders[0].order_head.goods_value = oracle(&bad);
        match write(&message, version) {
            Err(WriteError::Value { path, fault }) => {
                prop_assert_eq!(fault.code(), code);
                prop_assert!(path.ends_with("OrderHead/goodsValue"), "{}", path);
            }
            other => prop_assert!(false, "the writer gives {:?} for goodsValue {:?}", other.map(|_| ()), bad),
        }
    }
}

/// The facet boundaries, and lexical forms at the edge of `xs:decimal` and `xs:int`: greenlane's
/// verdict must be xmllint's.
#[test]
fn number_boundaries_agree_with_xmllint() {
    let decimals = [
        "9999999999999999999",
        "99999999999999999999",
        "99999999999999.99999",
        "999999999999999.9999",
        "999999999999999.99999",
        "-99999999999999.99999",
        "0.00001",
        "0.000001",
        "1.100000",
        "1.10000000000000000000000000000000",
        "000000000000000000000000000000000001",
        "0000000000000000000000000000000000001.5",
        "-0",
        "+.5",
        "5.",
        ".",
        "",
        "1e5",
        " 12.5 ",
        "1 000",
        "+-1",
        "0x10",
        "١",
        "NaN",
        "INF",
    ];
    let ints = [
        "999999999",
        "1000000000",
        "-999999999",
        "+0",
        "-0",
        "0000000000000000000001",
        "2147483648",
        "1.0",
        "",
        // Not " 7 ": xs:int collapses whitespace, yet libxml2 refuses it under a totalDigits
        // restriction (while it accepts " 12.5 " for xs:decimal); greenlane's trimming is right.
        "+",
        "1_000",
    ];
    let mut disagreements = Vec::new();
    let mut check = |ty: MessageType, version: Version, record: &str, field: &str, value: &str| {
        let mut root = generate(ty, version, 7, Options::default());
        let mut slots = Vec::new();
        root.values_mut(record, field, &mut slots);
        assert!(!slots.is_empty(), "{record}/{field} not generated");
        for slot in slots {
            *slot = value.to_owned();
        }
        let xml = to_xml(&root, &Style::canonical());
        let ours = read_schema(&xml, version);
        let theirs = xmllint(&xml, &xsd_for(ty, version));
        if ours.is_ok() != theirs.is_ok() {
            disagreements.push(format!(
                "{field} {value:?} (spec {version}): greenlane {}, xmllint {}",
                ours.map_or_else(|e| format!("refuses ({e})"), |_| "accepts".into()),
                theirs.map_or_else(|e| format!("refuses ({})", e.trim()), |_| "accepts".into()),
            ));
        }
    };
    for version in Version::ALL {
        for value in decimals {
            check(MessageType::Ceb303, version, "OrderHead", "goodsValue", value);
        }
        for value in ints {
            check(MessageType::Ceb507, version, "ArrivalHead", "msgCount", value);
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The XSDs' `fixed` values (import `currency` 142, 202205 `fFlag`/`iFlag` 3) and `default` values
/// (an empty `<appStatus/>` or `<freight/>` takes the default): the schema tables do not carry
/// them, but the schema profile promises xmllint's verdict.
#[test]
fn xsd_fixed_and_default_values_agree_with_xmllint() {
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for export in [true, false] {
        for version in Version::ALL {
            for c in value_constraints(export, version) {
                let value = match (&c.fixed, &c.default) {
                    (Some(fixed), _) => {
                        let first = if fixed.starts_with('1') { '2' } else { '1' };
                        format!("{first}{}", &fixed[1..])
                    }
                    (None, Some(_)) => String::new(),
                    (None, None) => unreachable!(),
                };
                // The first message of this direction and version, and the first seed, whose
                // generated instance holds the field.
                let found = defined_pairs()
                    .into_iter()
                    .filter(|(ty, v)| ty.is_export() == export && *v == version)
                    .find_map(|(ty, _)| {
                        (0..8).find_map(|seed| {
                            let mut root = generate(ty, version, seed, Options::default());
                            let mut slots = Vec::new();
                            root.values_mut(&c.record, &c.field, &mut slots);
                            if slots.is_empty() {
                                return None;
                            }
                            for slot in slots {
                                *slot = value.clone();
                            }
                            Some((ty, to_xml(&root, &Style::canonical())))
                        })
                    });
                let Some((ty, xml)) = found else {
                    panic!(
                        "no generated {} {version} message holds {}/{}",
                        if export { "export" } else { "import" },
                        c.record,
                        c.field
                    )
                };
                checked += 1;
                let ours = read_schema(&xml, version);
                let theirs = xmllint(&xml, &xsd_for(ty, version));
                if ours.is_ok() != theirs.is_ok() {
                    disagreements.push(format!(
                        "{} (spec {version}) {}/{} = {value:?} ({}): greenlane {}, xmllint {}",
                        ty.code(),
                        c.record,
                        c.field,
                        match &c.fixed {
                            Some(f) => format!("fixed {f:?}"),
                            None => format!("default {:?}", c.default.as_deref().unwrap_or("")),
                        },
                        ours.map_or_else(|e| format!("refuses ({e})"), |_| "accepts".into()),
                        theirs.map_or_else(
                            |e| format!("refuses ({})", e.lines().next().unwrap_or("").trim()),
                            |_| "accepts".into()
                        ),
                    ));
                }
            }
        }
    }
    assert!(checked >= 20, "only {checked} constraints checked");
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}

/// Documents that are not well-formed XML, or that put elements in the wrong namespace: the schema
/// profile must refuse what xmllint refuses. Deliberate tolerances (whitespace around values,
/// attributes of other vocabularies) are not probed here.
#[test]
fn well_formedness_and_namespaces_agree_with_xmllint() {
    let (ty, version) = (MessageType::Ceb303, Version::V2018);
    let mut root = generate(ty, version, 11, Options { codes: true, ..Options::default() });
    // The extension block is appended by the cases that probe it.
    if let generator::Content::Children(children) = &mut root.content {
        children.retain(|c| c.name != "ExtendMessage");
    }
    let mut slots = Vec::new();
    root.values_mut("OrderHead", "ebpName", &mut slots);
    for slot in slots {
        *slot = "SENTINEL".into();
    }
    let base = to_xml(&root, &Style::canonical());
    assert!(read_schema(&base, version).is_ok() && xmllint(&base, &xsd_for(ty, version)).is_ok());
    let value = |raw: &str| base.replacen("SENTINEL", raw, 1);
    let element = |raw: &str| base.replacen("<ceb:ebpName>SENTINEL</ceb:ebpName>", raw, 1);
    let guid = root.attrs.iter().find(|(k, _, _)| *k == "guid").map(|(_, v, _)| generator::escape(v, '"')).unwrap();
    let guid_as = |raw: &str| base.replacen(&format!("guid=\"{guid}\""), &format!("guid=\"{raw}\""), 1);
    let extension = |payload: &str| {
        let block = format!(
            "<ceb:ExtendMessage><ceb:name>n</ceb:name><ceb:version>1</ceb:version><ceb:Message>{payload}</ceb:Message></ceb:ExtendMessage>"
        );
        base.replacen("</ceb:CEB303Message>", &format!("{block}</ceb:CEB303Message>"), 1)
    };
    let buyer = |name: &str| {
        extension(&format!(
            "<Consignees xmlns=\"urn:greenlane:consignee:1\"><Consignee orderNo=\"1\" name=\"{name}\" address=\"a\" country=\"US\"/></Consignees>"
        ))
    };
    let cases: Vec<(&str, String)> = vec![
        ("C0 control character U+0001 in a value", value("a\u{1}b")),
        ("character reference &#1;", value("a&#1;b")),
        ("character reference &#0;", value("a&#0;b")),
        ("character reference &#xFFFE;", value("a&#xFFFE;b")),
        ("noncharacter U+FFFE in a value", value("a\u{FFFE}b")),
        ("literal ]]> in a value", value("a]]>b")),
        ("character reference &#x10FFFF; (allowed)", value("a&#x10FFFF;b")),
        ("character reference &#x110000;", value("a&#x110000;b")),
        ("character reference &#xD800;", value("a&#xD800;b")),
        ("DEL U+007F in a value (allowed)", value("a\u{7F}b")),
        ("child element in another namespace", element("<o:ebpName xmlns:o=\"urn:other\">x</o:ebpName>")),
        ("child element in no namespace", element("<ebpName>x</ebpName>")),
        ("child element with an undeclared prefix", element("<zz:ebpName>x</zz:ebpName>")),
        ("ceb prefix rebound to another namespace", element("<ceb:ebpName xmlns:ceb=\"urn:other\">x</ceb:ebpName>")),
        ("default namespace set to another namespace", element("<ebpName xmlns=\"urn:other\">x</ebpName>")),
        ("end tag with another prefix of the same namespace", {
            let e = "<ceb:ebpName xmlns:c2=\"http://www.chinaport.gov.cn/ceb\">x</c2:ebpName>";
            element(e)
        }),
        (
            "root element in no namespace",
            base.replace(" xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\"", "").replace("ceb:", ""),
        ),
        ("root element with an undeclared prefix", base.replace(" xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\"", "")),
        ("whitespace before the XML declaration", format!("\n{base}")),
        ("\"--\" inside a comment", base.replacen("<ceb:Order>", "<!-- a -- b --><ceb:Order>", 1)),
        (
            "'<' in an attribute value",
            base.replacen(&format!("guid=\"{guid}\""), &format!("guid=\"<{}\"", &"A".repeat(35)), 1),
        ),
        (
            "duplicated attribute",
            base.replacen(&format!("guid=\"{guid}\""), &format!("guid=\"{guid}\" guid=\"{guid}\""), 1),
        ),
        (
            "attribute without quotes",
            base.replacen(&format!("guid=\"{guid}\""), &format!("guid={}", "A".repeat(36)), 1),
        ),
        ("two root elements", format!("{base}<ceb:CEB303Message/>")),
        ("a second XML declaration", base.replacen("<ceb:Order>", "<?xml version=\"1.0\"?><ceb:Order>", 1)),
        ("mismatched end tag", element("<ceb:ebpName>x</ceb:ebpNameX>")),
        ("character reference &#11; in an attribute value", guid_as(&format!("&#11;{}", "A".repeat(35)))),
        ("character reference &#1; in an attribute value", guid_as(&format!("&#1;{}", "A".repeat(35)))),
        ("C0 control character U+0001 in an attribute value", guid_as(&format!("\u{1}{}", "A".repeat(35)))),
        ("character reference &#xFFFE; in an attribute value", guid_as(&format!("&#xFFFE;{}", "A".repeat(35)))),
        ("buyer block as a baseline (allowed)", buyer("Ann")),
        ("character reference &#1; in a buyer-block attribute", buyer("A&#1;nn")),
        ("character reference &#11; in an extension element's text", extension("<x:N xmlns:x=\"urn:x\">a&#11;b</x:N>")),
        (
            "character reference &#11; in an extension element's attribute",
            extension("<x:N xmlns:x=\"urn:x\" k=\"a&#11;b\"/>"),
        ),
        ("C0 control character in an extension element's text", extension("<x:N xmlns:x=\"urn:x\">a\u{1}b</x:N>")),
    ];
    let mut disagreements = Vec::new();
    for (label, xml) in &cases {
        let ours = read_schema(xml, version);
        let theirs = xmllint(xml, &xsd_for(ty, version));
        // Whatever the reader lets through, the writer must still turn into schema-valid XML.
        if let Ok(message) = &ours {
            match write(message, version) {
                Err(e) => disagreements.push(format!("{label}: the writer refuses what the reader accepted: {e}")),
                Ok(written) => {
                    if let Err(e) = xmllint(&written, &xsd_for(ty, version)) {
                        let first = e.lines().next().unwrap_or("").to_owned();
                        disagreements.push(format!("{label}: the writer emits XML that xmllint refuses: {first}"));
                    }
                }
            }
        }
        if ours.is_ok() != theirs.is_ok() {
            disagreements.push(format!(
                "{label}: greenlane {}, xmllint {}",
                ours.map_or_else(|e| format!("refuses ({e})"), |_| "accepts".into()),
                theirs.map_or_else(
                    |e| format!("refuses ({})", e.lines().next().unwrap_or("").trim()),
                    |_| "accepts".into()
                ),
            ));
        }
    }
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}

/// Not a check: writes generated messages (every type and version, canonical and random styles)
/// as extra seeds for the fuzzer, which the official samples alone do not reach: valid import
/// messages, CDATA, character references, buyer blocks, signatures. See `fuzz/README.md`.
#[test]
fn fuzz_seeds_read_and_can_be_written_out() {
    // Every seed must be a message the reader takes, or it would seed the fuzzer with noise. With
    // FUZZ_SEED_DIR set, the seeds are also written there (see fuzz/README.md).
    let dir = std::env::var_os("FUZZ_SEED_DIR").map(std::path::PathBuf::from);
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir).unwrap();
    }
    for (i, (ty, version)) in defined_pairs().into_iter().enumerate() {
        for k in 0..3u64 {
            let seed = (i as u64) << 8 | k;
            let root = generate(ty, version, seed, Options { codes: k == 0, ..Options::default() });
            let style = if k == 0 { Style::canonical() } else { Style::random(&mut Rng::new(seed)) };
            let xml = to_xml(&root, &style);
            let opts = ReadOptions { version: Some(version), profile: Profile::Schema, ..ReadOptions::default() };
            assert!(read_with(xml.as_bytes(), &opts).is_ok(), "seed {} {version} {k} does not read", ty.code());
            if let Some(dir) = &dir {
                let name = format!("generated-{}-{version}-{k}.xml", ty.code());
                std::fs::write(dir.join(name), xml).unwrap();
            }
        }
    }
}
