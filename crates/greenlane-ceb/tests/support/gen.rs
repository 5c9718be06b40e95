//! A generator of schema-valid CEB messages for the property tests, driven by the reader's own
//! schema tables, and a serializer that writes one generated message in many surface styles.
//!
//! Values are built to sit inside the XSD facets (so xmllint must accept the canonical style) while
//! reaching for what breaks naive XML code: markup characters, Chinese and astral characters, inner
//! line breaks, decimals with signs and leading or trailing zeros, integers at the `xs:int` limits.

#![allow(dead_code)]

use greenlane_ceb::{CEB_NAMESPACE, CONSIGNEE_NAMESPACE, FieldSpec, Kind, MessageType, RecordSpec, Version};
use quick_xml::events::{BytesStart, Event};
use std::path::PathBuf;
use std::sync::OnceLock;

/// A minimal `ds:Signature` that the XMLDSig schema accepts: the import messages require one.
pub const SIGNATURE: &str = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:SignedInfo>\
<ds:CanonicalizationMethod Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/>\
<ds:SignatureMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#rsa-sha1\"/>\
<ds:Reference URI=\"\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2000/09/xmldsig#sha1\"/>\
<ds:DigestValue>SF/P+2sVsRQ9dJIqJSroW6ajb0Y=</ds:DigestValue></ds:Reference></ds:SignedInfo>\
<ds:SignatureValue>AI0wdcUHaaOR+FZ7W8lN6Frj</ds:SignatureValue></ds:Signature>";

/// A `fixed` or `default` value that the XSD puts on a simple element. The schema tables do not
/// carry these, so the generator learns them from the XSD itself.
#[derive(Debug, Clone)]
pub struct ValueConstraint {
    pub record: String,
    pub field: String,
    pub fixed: Option<String>,
    pub default: Option<String>,
}

pub fn xsd_path(export: bool, version: Version) -> PathBuf {
    let direction = if export { "export" } else { "import" };
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("xsd").join(format!("{direction}-{}.xsd", version.name()))
}

/// The value constraints of the XSD that defines messages of direction `export` in `version`.
pub fn value_constraints(export: bool, version: Version) -> &'static [ValueConstraint] {
    static ALL: OnceLock<Vec<(bool, Version, Vec<ValueConstraint>)>> = OnceLock::new();
    let all = ALL.get_or_init(|| {
        let mut all = Vec::new();
        for export in [true, false] {
            for version in Version::ALL {
                all.push((export, version, scan_constraints(&xsd_path(export, version))));
            }
        }
        all
    });
    &all.iter().find(|(e, v, _)| *e == export && *v == version).expect("four XSDs").2
}

/// Top-level `xs:element`s are the records; named `xs:element`s nested in them are their fields.
fn scan_constraints(xsd: &std::path::Path) -> Vec<ValueConstraint> {
    let text = std::fs::read_to_string(xsd).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let (mut depth, mut record, mut out) = (0usize, String::new(), Vec::new());
    let attr = |e: &BytesStart<'_>, key: &str| {
        e.attributes().flatten().find(|a| a.key.as_ref() == key).map(|a| a.value.into_owned())
    };
    let mut visit = |e: &BytesStart<'_>, depth: usize| {
        if e.local_name().as_ref() != "element" {
            return;
        }
        let Some(name) = attr(e, "name") else { return };
        if depth == 2 {
            record = name;
        } else if depth > 2 {
            let (fixed, default) = (attr(e, "fixed"), attr(e, "default"));
            if fixed.is_some() || default.is_some() {
                out.push(ValueConstraint { record: record.clone(), field: name, fixed, default });
            }
        }
    };
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => {
                depth += 1;
                visit(&e, depth);
            }
            Event::Empty(e) => visit(&e, depth + 1),
            Event::End(_) => depth -= 1,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// SplitMix64: proptest hands over one seed and the walk over the schema draws from it, so a
/// failing case is reproduced from the seed alone.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn digit(&mut self) -> char {
        char::from(b'0' + self.below(10) as u8)
    }

    fn nonzero_digit(&mut self) -> char {
        char::from(b'1' + self.below(9) as u8)
    }
}

/// Which whitespace a drawn string may hold inside (never at its ends: the reader trims values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inner {
    /// `whiteSpace="collapse"`: single spaces only.
    Spaces,
    /// An element's `xs:string`: any whitespace, CR included.
    Any,
    /// An attribute value: spaces and CR; LF and tab too when `Options::attribute_breaks` is set.
    Attribute,
}

/// How a text value is spelled in the document; every spelling must read to the same string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enc {
    Escaped,
    CData,
    CharRefs,
}

#[derive(Debug, Clone)]
pub enum Content {
    /// A simple value (possibly empty).
    Text(String, Enc),
    Children(Vec<Element>),
    /// The element is written as this markup instead, in its own namespace (a `ds:Signature`).
    Replaced(String),
    /// Markup in another namespace (an `ExtendMessage/Message` payload), written as is: it
    /// declares its own namespaces, so it is independent of the style's CEB prefix.
    Foreign(String),
}

/// An element in the CEB namespace.
#[derive(Debug, Clone)]
pub struct Element {
    pub name: &'static str,
    pub attrs: Vec<(&'static str, String, Enc)>,
    pub content: Content,
}

impl Element {
    /// The text of every simple element or attribute `record/field`, in document order.
    pub fn values_mut<'a>(&'a mut self, record: &str, field: &str, out: &mut Vec<&'a mut String>) {
        let here = self.name == record;
        for (name, value, _) in &mut self.attrs {
            if here && *name == field {
                out.push(value);
            }
        }
        if let Content::Children(children) = &mut self.content {
            for child in children {
                if here && child.name == field {
                    if let Content::Text(value, _) = &mut child.content {
                        out.push(value);
                    }
                } else {
                    child.values_mut(record, field, out);
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Upper bound on repeats of a repeatable element (beyond its minOccurs).
    pub max_repeat: u32,
    /// Draw enumerated export fields from the spec's code lists, so the message also reads under
    /// `Profile::Strict`.
    pub codes: bool,
    /// Fill `ExtendMessage/Message` with a payload (greenlane's buyer block or a foreign element).
    pub payloads: bool,
    /// Put LF and tab (as character references) inside attribute values; off by default because
    /// the writer does not yet escape them (see `attribute_line_breaks_round_trip`).
    pub attribute_breaks: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_repeat: 3, codes: false, payloads: true, attribute_breaks: false }
    }
}

/// Every message type with the spec versions that define it.
pub fn defined_pairs() -> Vec<(MessageType, Version)> {
    let mut pairs = Vec::new();
    for &ty in MessageType::ALL {
        for version in Version::ALL {
            if ty.spec(version).is_some() {
                pairs.push((ty, version));
            }
        }
    }
    pairs
}

pub struct Generator<'r> {
    pub rng: &'r mut Rng,
    pub version: Version,
    pub opts: Options,
    export: bool,
    constraints: &'static [ValueConstraint],
}

impl<'r> Generator<'r> {
    pub fn new(rng: &'r mut Rng, version: Version, opts: Options) -> Self {
        Generator { rng, version, opts, export: true, constraints: value_constraints(true, version) }
    }

    pub fn message(&mut self, ty: MessageType) -> Element {
        self.export = ty.is_export();
        self.constraints = value_constraints(self.export, self.version);
        let spec = ty.spec(self.version).expect("the caller picks a version that defines the message");
        self.record(spec)
    }

    fn record(&mut self, spec: &'static RecordSpec) -> Element {
        let mut attrs = Vec::new();
        for f in spec.fields.iter().filter(|f| f.attr) {
            if f.min > 0 || self.rng.one_in(2) {
                let value = self.scalar(spec, f, true);
                // Only a character reference survives attribute-value normalization as CR, LF or tab.
                let enc =
                    if self.rng.one_in(6) || value.contains(['\r', '\n', '\t']) { Enc::CharRefs } else { Enc::Escaped };
                attrs.push((f.name, value, enc));
            }
        }
        let mut children = Vec::new();
        for f in spec.fields.iter().filter(|f| !f.attr) {
            let count = self.count(f);
            for _ in 0..count {
                match f.kind {
                    Kind::Signature => children.push(Element {
                        name: f.name,
                        attrs: vec![],
                        content: Content::Replaced(SIGNATURE.to_owned()),
                    }),
                    Kind::Any => children.push(Element { name: f.name, attrs: vec![], content: self.payload() }),
                    Kind::Record(spec_fn) => {
                        let child = spec_fn(self.version).expect("a record's children exist in its version");
                        children.push(self.record(child));
                    }
                    _ => {
                        let value = self.scalar(spec, f, false);
                        let enc = match self.rng.below(8) {
                            0 => Enc::CData,
                            1 => Enc::CharRefs,
                            _ => Enc::Escaped,
                        };
                        // A literal CR would be read as LF (end-of-line normalization).
                        let enc = if value.contains('\r') {
                            Enc::CharRefs
                        } else if enc == Enc::CData && value.contains("]]>") {
                            Enc::Escaped
                        } else {
                            enc
                        };
                        children.push(Element { name: f.name, attrs: vec![], content: Content::Text(value, enc) });
                    }
                }
            }
        }
        Element { name: spec.name, attrs, content: Content::Children(children) }
    }

    fn count(&mut self, f: &FieldSpec) -> u32 {
        if matches!(f.kind, Kind::Signature) && f.min == 0 {
            return u32::from(self.rng.one_in(4));
        }
        if f.min == 0 && f.max == 1 {
            return u32::from(!self.rng.one_in(4));
        }
        let hi = f.max.min(f.min.max(self.opts.max_repeat));
        self.rng.range(u64::from(f.min), u64::from(hi)) as u32
    }

    pub fn scalar(&mut self, spec: &RecordSpec, f: &FieldSpec, attr: bool) -> String {
        if let Some(fixed) =
            self.constraints.iter().find(|c| c.record == spec.name && c.field == f.name).and_then(|c| c.fixed.as_ref())
        {
            return fixed.clone();
        }
        match f.kind {
            Kind::Text { min_len, max_len, collapse } => {
                if self.opts.codes
                    && self.export
                    && let Some(codes) = greenlane_ceb::allowed_values(spec.name, f.name, self.version)
                {
                    let fitting: Vec<&str> = codes
                        .iter()
                        .map(|(code, _)| *code)
                        .filter(|c| (min_len as usize..=max_len as usize).contains(&c.chars().count()))
                        .collect();
                    assert!(!fitting.is_empty(), "no code of {}/{} fits its length facets", spec.name, f.name);
                    return self.rng.pick(&fitting).to_string();
                }
                let inner = if collapse {
                    Inner::Spaces
                } else if attr {
                    Inner::Attribute
                } else {
                    Inner::Any
                };
                self.text(min_len, max_len, inner)
            }
            Kind::Decimal { total, frac } => self.decimal(total, frac),
            Kind::Int { total } => self.int(total),
            Kind::Record(_) | Kind::Signature | Kind::Any => unreachable!("{} is not a simple field", f.name),
        }
    }

    /// A string of a length within the facets. The reader trims values (and collapses inner
    /// whitespace where the schema says so), so only values that are already normal are drawn.
    pub fn text(&mut self, min_len: u32, max_len: u32, inner: Inner) -> String {
        const SPECIAL: &[char] = &[
            '&', '<', '>', '"', '\'', ']', ';', '#', '中', '国', '海', '关', '货', '物', '（', '）', 'é', '€', '𠮷',
            '😀', '\u{85}', '\u{2028}', '\u{a0}', ' ', ' ', '\n', '\t', '\r',
        ];
        const PLAIN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./:";
        let allowed: &[char] = match inner {
            Inner::Spaces => &[' '],
            Inner::Any => &[' ', '\n', '\t', '\r'],
            Inner::Attribute if self.opts.attribute_breaks => &[' ', '\n', '\t', '\r'],
            Inner::Attribute => &[' ', '\r'],
        };
        let hi = max_len.min(min_len.max(12));
        let n = self.rng.range(u64::from(min_len), u64::from(hi)) as usize;
        let spicy = self.rng.one_in(2);
        let mut chars: Vec<char> =
            (0..n)
                .map(|_| {
                    if spicy && self.rng.one_in(3) {
                        *self.rng.pick(SPECIAL)
                    } else {
                        char::from(*self.rng.pick(PLAIN))
                    }
                })
                .collect();
        for i in 0..chars.len() {
            let c = chars[i];
            if !matches!(c, ' ' | '\n' | '\t' | '\r') {
                continue;
            }
            let at_end = i == 0 || i + 1 == chars.len();
            let doubled = inner == Inner::Spaces && i > 0 && chars[i - 1] == ' ';
            if at_end || doubled || !allowed.contains(&c) {
                chars[i] = 'x';
            }
        }
        chars.into_iter().collect()
    }

    /// A decimal within `totalDigits`/`fractionDigits`, in any lexical form `xs:decimal` allows.
    pub fn decimal(&mut self, total: u32, frac: u32) -> String {
        if self.rng.one_in(8) {
            let int_digits = (total - frac) as usize;
            let largest = format!("{}.{}", "9".repeat(int_digits), "9".repeat(frac as usize));
            let smallest = format!("0.{}1", "0".repeat(frac as usize - 1));
            let edges = [
                "0".to_owned(),
                "0.0".to_owned(),
                "-0".to_owned(),
                "+0.00000".to_owned(),
                "0.".to_owned(),
                ".0".to_owned(),
                format!("-{largest}"),
                largest,
                smallest,
                "9".repeat(total as usize - frac as usize),
            ];
            return self.rng.pick(&edges).clone();
        }
        let f = self.rng.range(0, u64::from(frac)) as usize;
        let i = self.rng.range(0, u64::from(total) - f as u64) as usize;
        let mut int_part = String::new();
        if i > 0 {
            int_part.push(self.rng.nonzero_digit());
            for _ in 1..i {
                int_part.push(self.rng.digit());
            }
        } else if f == 0 || !self.rng.one_in(3) {
            int_part.push('0');
        }
        let mut frac_part = String::new();
        for k in 0..f {
            frac_part.push(if k + 1 == f { self.rng.nonzero_digit() } else { self.rng.digit() });
        }
        if self.rng.one_in(4) {
            int_part.insert_str(0, &"0".repeat(self.rng.range(1, 3) as usize));
        }
        if self.rng.one_in(4) {
            frac_part.push_str(&"0".repeat(self.rng.range(1, 3) as usize));
        }
        let mut out = String::new();
        match self.rng.below(8) {
            0 | 1 => out.push('-'),
            2 => out.push('+'),
            _ => {}
        }
        out.push_str(&int_part);
        if !frac_part.is_empty() {
            out.push('.');
            out.push_str(&frac_part);
        } else if !int_part.is_empty() && self.rng.one_in(6) {
            out.push('.');
        }
        out
    }

    /// An `xs:int` within `totalDigits`.
    pub fn int(&mut self, total: u32) -> String {
        if total >= 10 && self.rng.one_in(8) {
            return self.rng.pick(&["2147483647", "-2147483648", "+2147483647"]).to_string();
        }
        let d = self.rng.range(1, u64::from(total.min(10)));
        let mut value: i64 = 0;
        for _ in 0..d {
            value = value * 10 + self.rng.below(10) as i64;
        }
        let value = value.min(i64::from(i32::MAX));
        let mut out = String::new();
        match self.rng.below(8) {
            0 => out.push('-'),
            1 => out.push('+'),
            _ => {}
        }
        if self.rng.one_in(6) {
            out.push_str(&"0".repeat(self.rng.range(1, 3) as usize));
        }
        out.push_str(&value.to_string());
        out
    }

    fn payload(&mut self) -> Content {
        if !self.opts.payloads || self.rng.one_in(3) {
            return Content::Text(String::new(), Enc::Escaped);
        }
        if self.rng.one_in(3) {
            let text = char_refs(&self.text(1, 12, Inner::Any));
            let attr = char_refs(&self.text(0, 8, Inner::Attribute));
            return Content::Foreign(format!(
                "<x:Note xmlns:x=\"urn:example:note\" kind=\"{attr}\">{text}<x:Item n=\"1\"/>tail &amp; end</x:Note>"
            ));
        }
        let prefixed = self.rng.one_in(3);
        let (open, close, item) = if prefixed {
            (format!("<g:Consignees xmlns:g=\"{CONSIGNEE_NAMESPACE}\">"), "</g:Consignees>", "g:Consignee")
        } else {
            (format!("<Consignees xmlns=\"{CONSIGNEE_NAMESPACE}\">"), "</Consignees>", "Consignee")
        };
        let mut block = open;
        for i in 0..self.rng.range(1, 3) {
            // The buyer block trims Unicode whitespace (NBSP, U+2028 …), not just XML's.
            let mut solid = |max: u32| -> String {
                let text = self.text(1, max, Inner::Attribute);
                let n = text.chars().count();
                text.chars()
                    .enumerate()
                    .map(|(k, c)| if (k == 0 || k + 1 == n) && c.is_whitespace() { 'x' } else { c })
                    .collect()
            };
            let order_no = format!("{}-{i}", solid(10));
            let name = solid(10);
            let address = solid(20);
            let country = self.rng.pick(&["US", "DE", "JP", "GB", "CN"]);
            block.push_str(&format!(
                "<{item} orderNo=\"{}\" name=\"{}\" address=\"{}\" country=\"{country}\"",
                attribute(&order_no),
                attribute(&name),
                attribute(&address)
            ));
            if self.rng.one_in(2) {
                block.push_str(&format!(" telephone=\"+1 555 01{i}\""));
            }
            block.push_str("/>");
        }
        block.push_str(close);
        Content::Foreign(block)
    }
}

/// The surface form of a document: everything here is presentation, not content, and must not
/// change what the reader makes of it.
#[derive(Debug, Clone)]
pub struct Style {
    /// The CEB namespace prefix; `None` for the default namespace.
    pub prefix: Option<String>,
    pub newline: &'static str,
    pub bom: bool,
    pub declaration: bool,
    /// Indentation per level; `None` writes everything on one line.
    pub indent: Option<&'static str>,
    /// Whitespace around every simple value (the reader trims it; the XSD would count it).
    pub pad_values: bool,
    /// Comments and processing instructions between elements and inside values.
    pub comments: bool,
    pub quote: char,
    /// `<x/>` rather than `<x></x>` for empty content.
    pub self_close: bool,
    /// Attributes in reverse schema order, namespace declarations first, and an
    /// `xsi:schemaLocation` hint on the root.
    pub shuffle_attributes: bool,
}

impl Style {
    /// What a well-behaved sender writes; valid against the XSD.
    pub fn canonical() -> Style {
        Style {
            prefix: Some("ceb".into()),
            newline: "\n",
            bom: false,
            declaration: true,
            indent: Some("\t"),
            pad_values: false,
            comments: false,
            quote: '"',
            self_close: false,
            shuffle_attributes: false,
        }
    }

    pub fn random(rng: &mut Rng) -> Style {
        let prefix = match rng.below(4) {
            0 => None,
            1 => Some("ceb".to_owned()),
            _ => Some(rng.pick(&["c", "ns0", "CEB", "x_1", "customs.ceb", "中"]).to_string()),
        };
        Style {
            prefix,
            newline: if rng.one_in(2) { "\r\n" } else { "\n" },
            bom: rng.one_in(2),
            declaration: !rng.one_in(3),
            indent: *rng.pick(&[None, Some("\t"), Some("  "), Some(" \t ")]),
            pad_values: rng.one_in(2),
            comments: rng.one_in(3),
            quote: if rng.one_in(2) { '\'' } else { '"' },
            self_close: rng.one_in(2),
            shuffle_attributes: rng.one_in(2),
        }
    }

    fn qname(&self, local: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{p}:{local}"),
            None => local.to_owned(),
        }
    }
}

/// Escapes markup characters, and the quote that delimits attribute values.
pub fn escape(text: &str, quote: char) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quote == '"' => out.push_str("&quot;"),
            '\'' if quote == '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// An attribute value in double quotes: markup escaped, CR/LF/tab as character references.
pub fn attribute(text: &str) -> String {
    escape(text, '"').replace('\r', "&#13;").replace('\n', "&#10;").replace('\t', "&#9;")
}

/// Every character but ASCII letters and digits as a character reference.
pub fn char_refs(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if i % 2 == 0 {
            out.push_str(&format!("&#x{:X};", u32::from(c)));
        } else {
            out.push_str(&format!("&#{};", u32::from(c)));
        }
    }
    out
}

pub fn to_xml(root: &Element, style: &Style) -> String {
    let mut out = String::new();
    if style.bom {
        out.push('\u{feff}');
    }
    if style.declaration {
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        out.push_str(style.newline);
    }
    if style.comments {
        out.push_str("<!-- generated by greenlane's property tests -->");
        out.push_str(style.newline);
    }
    let ns = match &style.prefix {
        Some(p) => format!("xmlns:{p}"),
        None => "xmlns".to_owned(),
    };
    write_element(root, style, 0, Some(&ns), &mut out);
    out.push_str(style.newline);
    out
}

fn write_element(e: &Element, style: &Style, depth: usize, ns_decl: Option<&str>, out: &mut String) {
    if let Content::Replaced(xml) = &e.content {
        out.push_str(xml);
        return;
    }
    let q = style.quote;
    let name = style.qname(e.name);
    out.push('<');
    out.push_str(&name);
    let mut attributes: Vec<String> = e
        .attrs
        .iter()
        .map(|(key, value, enc)| {
            let value = match enc {
                Enc::CharRefs => char_refs(value),
                _ => escape(value, q),
            };
            format!(" {key}={q}{}{value}{}{q}", pad_attr(style), pad_attr(style))
        })
        .collect();
    if let Some(ns) = ns_decl {
        let mut declarations = vec![format!(" {ns}={q}{CEB_NAMESPACE}{q}")];
        if style.shuffle_attributes {
            declarations.push(format!(" xmlns:xsi={q}http://www.w3.org/2001/XMLSchema-instance{q}"));
            declarations.push(format!(" xsi:schemaLocation={q}{CEB_NAMESPACE} {}.xsd{q}", e.name));
        }
        attributes.extend(declarations);
    }
    if style.shuffle_attributes {
        attributes.reverse();
    }
    out.push_str(&attributes.concat());
    let pad = if style.pad_values { format!(" {}\t ", style.newline) } else { String::new() };
    match &e.content {
        Content::Text(value, _) if value.is_empty() && style.self_close => out.push_str("/>"),
        Content::Text(value, enc) => {
            out.push('>');
            out.push_str(&pad);
            let (head, tail) = split_for_comment(value, style, *enc);
            out.push_str(&spell(head, *enc, style));
            if let Some(tail) = tail {
                out.push_str("<!--split-->");
                out.push_str(&spell(tail, *enc, style));
            }
            out.push_str(&pad);
            close(&name, out);
        }
        Content::Children(children) if children.is_empty() && style.self_close => out.push_str("/>"),
        Content::Children(children) => {
            out.push('>');
            for (i, child) in children.iter().enumerate() {
                if style.comments && i % 3 == 1 {
                    break_line(style, depth + 1, out);
                    out.push_str(if i % 2 == 0 { "<!-- between elements -->" } else { "<?greenlane pi?>" });
                }
                break_line(style, depth + 1, out);
                write_element(child, style, depth + 1, None, out);
            }
            break_line(style, depth, out);
            close(&name, out);
        }
        Content::Replaced(_) => unreachable!("written above"),
        Content::Foreign(xml) => {
            out.push('>');
            out.push_str(&pad);
            out.push_str(xml);
            out.push_str(&pad);
            close(&name, out);
        }
    }
}

fn pad_attr(style: &Style) -> &'static str {
    if style.pad_values { " " } else { "" }
}

fn close(name: &str, out: &mut String) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn break_line(style: &Style, depth: usize, out: &mut String) {
    if let Some(indent) = style.indent {
        out.push_str(style.newline);
        for _ in 0..depth {
            out.push_str(indent);
        }
    }
}

/// A comment inside a value is not part of it: split some values around one.
fn split_for_comment<'v>(value: &'v str, style: &Style, enc: Enc) -> (&'v str, Option<&'v str>) {
    if !style.comments || enc != Enc::Escaped || value.chars().count() < 2 {
        return (value, None);
    }
    let mid = value.char_indices().nth(value.chars().count() / 2).map_or(0, |(i, _)| i);
    (&value[..mid], Some(&value[mid..]))
}

fn spell(value: &str, enc: Enc, style: &Style) -> String {
    match enc {
        Enc::Escaped => escape(value, style.quote).replace('\n', style.newline),
        Enc::CharRefs => char_refs(value),
        Enc::CData if value.is_empty() => String::new(),
        Enc::CData => format!("<![CDATA[{}]]>", value.replace('\n', style.newline)),
    }
}
