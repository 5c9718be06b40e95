//! Cargo-IMP, the IATA line-oriented teletype text of air cargo: the pieces FWB/17, FHL/5 and
//! FFM/8 share (AWB consignment lines, quantities, weights, volumes), splitting a mailbox text
//! into messages and lines, and the errors of reading and writing.
//!
//! The message structs mirror the text (a segment a field, codes as codes); what greenlane's own
//! consolidation means by them is built in the consolidation. Segments greenlane does not model
//! are kept verbatim (`RawSegment`) and written back after the modelled ones.

pub mod ffm;
pub mod fhl;
pub mod fwb;

use std::fmt::Write as _;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::mawb::{Mawb, MawbError, Prefix};

/// Why a text is not a readable message: always the sender's fault (the bytes are as they
/// arrived; nothing here can fail on its own).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} line {line}: {reason}")]
pub struct ReadError {
    /// The message type being read, e.g. `FWB/17`.
    pub message: &'static str,
    /// 1-based line in the text given to the reader.
    pub line: usize,
    pub reason: String,
}

/// Why greenlane refuses to write a message: a value that the text could not carry faithfully
/// (a `/` or a line break inside a field, a code of the wrong shape). A bug in the caller, since
/// greenlane builds its messages from checked documents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot write {message}: {reason}")]
pub struct WriteError {
    pub message: &'static str,
    pub reason: String,
}

/// An AWB number as a message carries it: a 3-digit prefix and 8 digits. Its check digit is
/// not enforced here, because real mailboxes and handbooks carry numbers that fail it; turning it
/// into a `Mawb` (`AwbNumber::mawb`) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AwbNumber {
    pub prefix: Prefix,
    /// All 8 digits, check digit included.
    pub serial: u32,
}

impl AwbNumber {
    pub fn mawb(self) -> Result<Mawb, MawbError> {
        self.to_string().parse()
    }
}

impl From<Mawb> for AwbNumber {
    fn from(m: Mawb) -> AwbNumber {
        AwbNumber { prefix: m.prefix(), serial: m.serial() * 10 + u32::from(m.check_digit()) }
    }
}

impl std::fmt::Display for AwbNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:08}", self.prefix, self.serial)
    }
}

/// The unit a weight is given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeightUnit {
    Kilogram,
    Pound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Weight {
    pub unit: WeightUnit,
    pub value: Decimal,
}

impl Weight {
    pub fn kg(value: Decimal) -> Weight {
        Weight { unit: WeightUnit::Kilogram, value }
    }
}

/// A volume and its unit code (`MC` cubic metres, `CF` cubic feet, `CI` cubic inches, `CC`
/// cubic centimetres), or, instead of a volume, a density group (`DG`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Volume {
    CubicMetres(Decimal),
    CubicFeet(Decimal),
    CubicInches(Decimal),
    CubicCentimetres(Decimal),
    DensityGroup(u8),
}

/// How much of a consignment a line covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShipmentCode {
    /// T: the whole consignment.
    Total,
    /// P: part of it (fewer pieces on this flight).
    Part,
    /// S: the whole consignment split over more than one ULD or bulk on the same flight.
    Split,
    /// D: a part consignment divided over more than one ULD.
    Divided,
    /// M: multi-shipment.
    Multi,
}

impl ShipmentCode {
    fn letter(self) -> char {
        match self {
            ShipmentCode::Total => 'T',
            ShipmentCode::Part => 'P',
            ShipmentCode::Split => 'S',
            ShipmentCode::Divided => 'D',
            ShipmentCode::Multi => 'M',
        }
    }
}

/// `T2K30MC0.33`, `D4K400MC1.6T12`: pieces, weight, volume and, for a part, the total pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Quantity {
    pub code: ShipmentCode,
    pub pieces: u32,
    pub weight: Weight,
    pub volume: Option<Volume>,
    /// The consignment's total pieces, given when `code` is not `Total`.
    pub total_pieces: Option<u32>,
}

/// The line that opens a consignment: `618-12345675SINJFK/T7K1000`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Consignment {
    pub awb: AwbNumber,
    pub origin: String,
    pub destination: String,
    pub quantity: Quantity,
}

/// A segment kept as it came: its lines, the first starting with its tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RawSegment {
    pub lines: Vec<String>,
}

/// A cursor over a message's lines with their line numbers in the whole text.
pub(crate) struct Lines<'a> {
    pub message: &'static str,
    pub lines: Vec<(usize, &'a str)>,
    pub at: usize,
}

impl<'a> Lines<'a> {
    pub fn peek(&self) -> Option<&'a str> {
        self.lines.get(self.at).map(|l| l.1)
    }
    pub fn next(&mut self) -> Option<&'a str> {
        let l = self.peek();
        self.at += 1;
        l
    }
    /// The line number of the line last taken (or of the end).
    pub fn line(&self) -> usize {
        let i = self.at.saturating_sub(1).min(self.lines.len().saturating_sub(1));
        self.lines.get(i).map_or(1, |l| l.0)
    }
    pub fn err(&self, reason: impl Into<String>) -> ReadError {
        ReadError { message: self.message, line: self.line(), reason: reason.into() }
    }
    /// Takes the continuation lines (`/…`) that follow.
    pub fn continuations(&mut self) -> Vec<&'a str> {
        let mut out = Vec::new();
        while let Some(l) = self.peek().filter(|l| l.starts_with('/')) {
            out.push(l);
            self.at += 1;
        }
        out
    }
}

/// Splits a text holding several messages of one type (a mailbox dump, the shared samples) into
/// one `Lines` each. Blank lines separate messages and are otherwise ignored.
pub(crate) fn split<'a>(text: &'a str, message: &'static str) -> Result<Vec<Lines<'a>>, ReadError> {
    let mut out: Vec<Lines<'a>> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim_end_matches(' ');
        if line.is_empty() {
            continue;
        }
        if let Some(c) = line.chars().find(|c| c.is_control()) {
            return Err(ReadError { message, line: i + 1, reason: format!("control character {c:?}") });
        }
        if line == message {
            out.push(Lines { message, lines: Vec::new(), at: 0 });
        }
        match out.last_mut() {
            Some(m) => m.lines.push((i + 1, line)),
            None => {
                return Err(ReadError {
                    message,
                    line: i + 1,
                    reason: format!("expected {message} as the first line"),
                });
            }
        }
    }
    if out.is_empty() {
        return Err(ReadError { message, line: 1, reason: format!("no {message} message") });
    }
    for m in &mut out {
        m.at = 1;
    }
    Ok(out)
}

/// The one message of a text that must hold exactly one.
pub(crate) fn exactly_one<T>(mut all: Vec<T>, message: &'static str) -> Result<T, ReadError> {
    if all.len() != 1 {
        return Err(ReadError { message, line: 1, reason: format!("{} messages where one was expected", all.len()) });
    }
    Ok(all.remove(0))
}

pub(crate) fn is_alpha(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_uppercase())
}

pub(crate) fn is_alnum(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// A decimal as Cargo-IMP writes it: digits with an optional point, no sign, no exponent.
pub(crate) fn decimal(s: &str) -> Option<Decimal> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let ok = !int.is_empty()
        && int.len() <= 12
        && frac.len() <= 6
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        && (s.contains('.') <= !frac.is_empty());
    if ok { Decimal::from_str(s).ok() } else { None }
}

pub(crate) fn number(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// Reads the leading decimal of `s`, returning it and the rest.
fn take_decimal(s: &str) -> Option<(Decimal, &str)> {
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    Some((decimal(&s[..end])?, &s[end..]))
}

fn take_number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    Some((number(&s[..end])?, &s[end..]))
}

impl Quantity {
    pub(crate) fn parse(s: &str) -> Option<Quantity> {
        let code = match s.as_bytes().first()? {
            b'T' => ShipmentCode::Total,
            b'P' => ShipmentCode::Part,
            b'S' => ShipmentCode::Split,
            b'D' => ShipmentCode::Divided,
            b'M' => ShipmentCode::Multi,
            _ => return None,
        };
        let (pieces, rest) = take_number(&s[1..])?;
        let unit = match rest.as_bytes().first()? {
            b'K' => WeightUnit::Kilogram,
            b'L' => WeightUnit::Pound,
            _ => return None,
        };
        let (value, mut rest) = take_decimal(&rest[1..])?;
        let mut volume = None;
        if let Some(unit) = rest.get(..2) {
            let make: Option<fn(Decimal) -> Volume> = match unit {
                "MC" => Some(Volume::CubicMetres),
                "CF" => Some(Volume::CubicFeet),
                "CI" => Some(Volume::CubicInches),
                "CC" => Some(Volume::CubicCentimetres),
                _ => None,
            };
            if let Some(make) = make {
                let (v, r) = take_decimal(&rest[2..])?;
                volume = Some(make(v));
                rest = r;
            } else if unit == "DG" {
                let end = rest[2..].find(|c: char| !c.is_ascii_digit()).map_or(rest.len(), |e| e + 2);
                let g = &rest[2..end];
                if g.is_empty() || g.len() > 2 {
                    return None;
                }
                volume = Some(Volume::DensityGroup(g.parse().ok()?));
                rest = &rest[end..];
            }
        }
        let mut total_pieces = None;
        if let Some(t) = rest.strip_prefix('T') {
            let (n, r) = take_number(t)?;
            total_pieces = Some(n);
            rest = r;
        }
        if !rest.is_empty() || (code == ShipmentCode::Total) != total_pieces.is_none() {
            return None;
        }
        Some(Quantity { code, pieces, weight: Weight { unit, value }, volume, total_pieces })
    }

    pub(crate) fn write(&self, out: &mut String) {
        let unit = match self.weight.unit {
            WeightUnit::Kilogram => 'K',
            WeightUnit::Pound => 'L',
        };
        let _ = write!(out, "{}{}{unit}{}", self.code.letter(), self.pieces, self.weight.value);
        match self.volume {
            Some(Volume::CubicMetres(v)) => write!(out, "MC{v}"),
            Some(Volume::CubicFeet(v)) => write!(out, "CF{v}"),
            Some(Volume::CubicInches(v)) => write!(out, "CI{v}"),
            Some(Volume::CubicCentimetres(v)) => write!(out, "CC{v}"),
            Some(Volume::DensityGroup(g)) => write!(out, "DG{g}"),
            None => Ok(()),
        }
        .expect("writing to a String");
        if let Some(t) = self.total_pieces {
            let _ = write!(out, "T{t}");
        }
    }

    pub(crate) fn check(&self, message: &'static str) -> Result<(), WriteError> {
        let bad = |reason: String| Err(WriteError { message, reason });
        let decimals = [self.weight.value].into_iter().chain(match self.volume {
            Some(
                Volume::CubicMetres(v) | Volume::CubicFeet(v) | Volume::CubicInches(v) | Volume::CubicCentimetres(v),
            ) => Some(v),
            _ => None,
        });
        for d in decimals {
            if decimal(&d.to_string()).is_none() {
                return bad(format!("{d} is not a Cargo-IMP decimal"));
            }
        }
        if let Some(Volume::DensityGroup(g)) = self.volume
            && g > 99
        {
            return bad(format!("density group {g}"));
        }
        if self.pieces > 999_999_999 || self.total_pieces.is_some_and(|t| t > 999_999_999) {
            return bad("piece count over 9 digits".into());
        }
        if (self.code == ShipmentCode::Total) == self.total_pieces.is_some() {
            return bad(format!("{:?} with total pieces {:?}", self.code, self.total_pieces));
        }
        Ok(())
    }
}

impl Consignment {
    /// `618-12345675SINJFK/T7K1000`; returns the consignment and the fields after the quantity.
    pub(crate) fn parse(line: &str) -> Option<(Consignment, Vec<&str>)> {
        let b = line.as_bytes();
        if b.len() < 19 || b[3] != b'-' || b[18] != b'/' {
            return None;
        }
        // Byte offsets: everything up to the '/' must be ASCII, or slicing would split a character.
        if !line[..18].is_ascii() {
            return None;
        }
        let prefix: Prefix = line[..3].parse().ok()?;
        let serial = &line[4..12];
        if !serial.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let (origin, destination) = (&line[12..15], &line[15..18]);
        if !is_alpha(origin, 3) || !is_alpha(destination, 3) {
            return None;
        }
        let mut fields = line[19..].split('/');
        let quantity = Quantity::parse(fields.next()?)?;
        Some((
            Consignment {
                awb: AwbNumber { prefix, serial: serial.parse().ok()? },
                origin: origin.to_string(),
                destination: destination.to_string(),
                quantity,
            },
            fields.collect(),
        ))
    }

    pub(crate) fn write(&self, out: &mut String) {
        let _ = write!(out, "{}{}{}/", self.awb, self.origin, self.destination);
        self.quantity.write(out);
    }

    pub(crate) fn check(&self, message: &'static str) -> Result<(), WriteError> {
        if self.awb.serial > 99_999_999 || !is_alpha(&self.origin, 3) || !is_alpha(&self.destination, 3) {
            return Err(WriteError {
                message,
                reason: format!("consignment {} {}{}", self.awb, self.origin, self.destination),
            });
        }
        self.quantity.check(message)
    }
}

/// A free-text field: it must not carry the field separator or a line break, and Cargo-IMP
/// text is upper case.
pub(crate) fn check_text(message: &'static str, what: &str, s: &str, max: usize) -> Result<(), WriteError> {
    let ok = !s.is_empty()
        && s.len() <= max
        && !s.starts_with(' ')
        && !s.ends_with(' ')
        && s.bytes()
            .all(|b| matches!(b, b'A'..=b'Z' | b'0'..=b'9' | b' ' | b'.' | b'-' | b',' | b'(' | b')' | b'&' | b'\''));
    if ok {
        Ok(())
    } else {
        Err(WriteError { message, reason: format!("{what} {s:?} is not Cargo-IMP text of 1–{max} characters") })
    }
}

/// A raw segment's lines must be lines; whether they read back as the same segment is checked
/// by the writers, which read what they wrote.
pub(crate) fn check_raw(message: &'static str, seg: &RawSegment, tags: &[&str]) -> Result<(), WriteError> {
    let bad = |reason: String| Err(WriteError { message, reason });
    let Some(first) = seg.lines.first() else { return bad("an empty segment".into()) };
    if !tags.iter().any(|t| first.starts_with(t) && first[t.len()..].chars().next().is_none_or(|c| c == '/')) {
        return bad(format!("segment {first:?} does not start with a known tag"));
    }
    for l in &seg.lines {
        if l.is_empty() || l.ends_with(' ') || l.chars().any(|c| c.is_control()) {
            return bad(format!("line {l:?}"));
        }
    }
    Ok(())
}

/// The tag of a line (`NAM/…` → `NAM`), if it starts with one of `tags`.
pub(crate) fn tag_of<'t>(line: &str, tags: &[&'t str]) -> Option<&'t str> {
    tags.iter().copied().find(|t| line.starts_with(t) && (line.len() == 3 || line.as_bytes()[3] == b'/'))
}
