//! Master air waybill numbers: an airline's 3-digit prefix and an 8-digit serial whose last digit
//! is the first seven modulo 7, and the airline stock ranges they are allocated from.

use std::fmt;
use std::str::FromStr;

/// An airline's IATA accounting prefix (`784` China Southern, `071` Ethiopian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Prefix(u16);

impl Prefix {
    pub fn new(value: u16) -> Option<Prefix> {
        (value <= 999).then_some(Prefix(value))
    }
    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

impl FromStr for Prefix {
    type Err = MawbError;
    fn from_str(s: &str) -> Result<Prefix, MawbError> {
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MawbError::Format(s.to_string()));
        }
        Ok(Prefix(s.parse().expect("three digits")))
    }
}

/// Why a MAWB number or stock range is refused. `Format` and `CheckDigit` are the sender's
/// fault (a mistyped or invented number); `Exhausted` and `NoStock` mean the airline's stock
/// given to greenlane is used up or missing and must be requested from the carrier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MawbError {
    #[error("{0:?} is not a MAWB number (3-digit prefix, optional '-', 8-digit serial)")]
    Format(String),
    #[error("{number}: check digit {found} should be {expected} (the first 7 serial digits modulo 7)")]
    CheckDigit { number: String, found: u8, expected: u8 },
    #[error("stock range {first}..={last} is not a range of 7-digit serials")]
    Range { first: u32, last: u32 },
    #[error("the stock of prefix {0} is used up")]
    Exhausted(Prefix),
    #[error("no stock of prefix {0} was given")]
    NoStock(Prefix),
}

/// A valid master air waybill number. Holds the 7-digit serial; the check digit is derived,
/// so an invalid number cannot be represented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mawb {
    prefix: Prefix,
    serial: u32,
}

/// The check digit the airlines' accounting rule gives a 7-digit serial: its value modulo 7
/// (an unweighted rule, so the digit is 0–6).
pub fn check_digit(serial: u32) -> u8 {
    (serial % 7) as u8
}

impl Mawb {
    /// `serial` is the 7 digits before the check digit.
    pub fn new(prefix: Prefix, serial: u32) -> Option<Mawb> {
        (serial <= 9_999_999).then_some(Mawb { prefix, serial })
    }
    pub fn prefix(self) -> Prefix {
        self.prefix
    }
    pub fn serial(self) -> u32 {
        self.serial
    }
    pub fn check_digit(self) -> u8 {
        check_digit(self.serial)
    }
}

/// `784-12345675`, the form Cargo-IMP and paper AWBs print.
impl fmt::Display for Mawb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:07}{}", self.prefix, self.serial, self.check_digit())
    }
}

impl FromStr for Mawb {
    type Err = MawbError;
    /// Accepts `78412345675` and `784-12345675`.
    fn from_str(s: &str) -> Result<Mawb, MawbError> {
        if !s.is_ascii() {
            return Err(MawbError::Format(s.to_string()));
        }
        let digits: Option<(&str, &str)> = match s.len() {
            11 => Some((&s[..3], &s[3..])),
            12 if s.as_bytes()[3] == b'-' => Some((&s[..3], &s[4..])),
            _ => None,
        };
        let (prefix, rest) = digits
            .filter(|(p, r)| p.bytes().chain(r.bytes()).all(|b| b.is_ascii_digit()))
            .ok_or_else(|| MawbError::Format(s.to_string()))?;
        let prefix: Prefix = prefix.parse()?;
        let serial: u32 = rest[..7].parse().expect("seven digits");
        let found = rest.as_bytes()[7] - b'0';
        let expected = check_digit(serial);
        if found != expected {
            return Err(MawbError::CheckDigit { number: s.to_string(), found, expected });
        }
        Ok(Mawb { prefix, serial })
    }
}

/// A range of an airline's stock handed to the hub (the carrier's head office gives stations
/// ranges, stations give forwarders sub-ranges); serials are handed out in order, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stock {
    prefix: Prefix,
    next: u32,
    last: u32,
    exhausted: bool,
}

impl Stock {
    /// Serials `first..=last`, each the 7 digits before the check digit.
    pub fn new(prefix: Prefix, first: u32, last: u32) -> Result<Stock, MawbError> {
        if first > last || last > 9_999_999 {
            return Err(MawbError::Range { first, last });
        }
        Ok(Stock { prefix, next: first, last, exhausted: false })
    }

    pub fn prefix(&self) -> Prefix {
        self.prefix
    }

    /// Serials not yet handed out.
    pub fn remaining(&self) -> u32 {
        if self.exhausted { 0 } else { self.last - self.next + 1 }
    }

    pub fn allocate(&mut self) -> Result<Mawb, MawbError> {
        if self.exhausted {
            return Err(MawbError::Exhausted(self.prefix));
        }
        let mawb = Mawb { prefix: self.prefix, serial: self.next };
        if self.next == self.last {
            self.exhausted = true;
        } else {
            self.next += 1;
        }
        Ok(mawb)
    }
}
