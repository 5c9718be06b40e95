//! FHL/5, the house list of a master air waybill: the MAWB with its totals, and each house
//! waybill (a bag or parcel of the consolidation) with pieces, weight, goods and tariff codes.

use std::fmt::Write as _;

use super::{
    Consignment, Lines, RawSegment, ReadError, ShipmentCode, WriteError, check_raw, check_text, is_alnum, number,
    split, tag_of,
};

const MESSAGE: &str = "FHL/5";

/// Segments of a house that greenlane keeps verbatim.
const RAW_TAGS: &[&str] = &["OCI", "SHP", "CNE", "CVD", "NAM", "ADR", "LOC", "CTC"];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fhl {
    /// MBI: the master waybill and its totals (always a total, `T`).
    pub master: Consignment,
    pub houses: Vec<House>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct House {
    /// HAWB number: forwarder-assigned, 1–12 letters and digits, no check digit.
    pub hawb: String,
    pub origin: String,
    pub destination: String,
    pub pieces: u32,
    pub weight: super::Weight,
    /// Shipper's load and count.
    pub slac: Option<u32>,
    pub goods: String,
    /// Continuation lines of HBS (special handling codes and the like), without their '/'.
    pub extra: Vec<String>,
    /// TXT: free-text description lines.
    pub text: Vec<String>,
    /// HTS: harmonised tariff codes.
    pub tariff: Vec<String>,
    pub other: Vec<RawSegment>,
}

pub fn read_all(text: &str) -> Result<Vec<Fhl>, ReadError> {
    split(text, MESSAGE)?.into_iter().map(read_one).collect()
}

pub fn read(text: &str) -> Result<Fhl, ReadError> {
    super::exactly_one(read_all(text)?, MESSAGE)
}

fn read_one(mut l: Lines<'_>) -> Result<Fhl, ReadError> {
    let line = l.next().ok_or_else(|| l.err("no MBI line"))?;
    let (master, rest) = line
        .strip_prefix("MBI/")
        .and_then(Consignment::parse)
        .filter(|(c, rest)| rest.is_empty() && c.quantity.code == ShipmentCode::Total)
        .ok_or_else(|| l.err(format!("{line:?} is not MBI/<AWB><origin><destination>/T<pieces>K<weight>")))?;
    debug_assert!(rest.is_empty());
    let mut houses: Vec<House> = Vec::new();
    while let Some(line) = l.next() {
        let f: Vec<&str> = line.split('/').collect();
        if f[0] == "HBS" {
            houses.push(read_house(&mut l, &f)?);
            continue;
        }
        let Some(house) = houses.last_mut() else {
            return Err(l.err(format!("{:?} before the first HBS", f[0])));
        };
        match f[0] {
            "TXT" if f.len() == 2 && !f[1].is_empty() => {
                house.text.push(f[1].to_string());
                for c in l.continuations() {
                    house.text.push(c[1..].to_string());
                }
                if house.text.iter().any(|t| t.is_empty() || t.contains('/')) {
                    return Err(l.err("TXT lines hold one text each"));
                }
            }
            "HTS" if f.len() == 2 && valid_tariff(f[1]) => {
                house.tariff.push(f[1].to_string());
                if l.peek().is_some_and(|n| n.starts_with('/')) {
                    l.next();
                    return Err(l.err("HTS has no continuation lines"));
                }
            }
            tag => {
                if tag_of(line, RAW_TAGS).is_none() {
                    return Err(l.err(format!("{tag:?} is not an FHL/5 segment")));
                }
                let mut lines = vec![line.to_string()];
                lines.extend(l.continuations().into_iter().map(str::to_string));
                house.other.push(RawSegment { lines });
            }
        }
    }
    Ok(Fhl { master, houses })
}

fn valid_tariff(s: &str) -> bool {
    (6..=18).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn read_house(l: &mut Lines<'_>, f: &[&str]) -> Result<House, ReadError> {
    // HBS/AEI12345678/SINJFK/1/K400/4/COMPUTER PARTS
    if f.len() != 7 {
        return Err(l.err("HBS holds HAWB/origin+destination/pieces/weight/SLAC/goods"));
    }
    let bad = |what: &str| l.err(format!("HBS {what} is not valid"));
    if !is_alnum(f[1]) || f[1].len() > 12 {
        return Err(bad("HAWB number"));
    }
    if !(f[2].len() == 6 && super::is_alpha(f[2], 6)) {
        return Err(bad("origin and destination"));
    }
    let pieces = number(f[3]).ok_or_else(|| bad("piece count"))?;
    let weight = match f[4].split_at_checked(1).unwrap_or(("", "")) {
        ("K", v) => {
            super::Weight { unit: super::WeightUnit::Kilogram, value: super::decimal(v).ok_or_else(|| bad("weight"))? }
        }
        ("L", v) => {
            super::Weight { unit: super::WeightUnit::Pound, value: super::decimal(v).ok_or_else(|| bad("weight"))? }
        }
        _ => return Err(bad("weight")),
    };
    let slac = if f[5].is_empty() { None } else { Some(number(f[5]).ok_or_else(|| bad("SLAC"))?) };
    if f[6].is_empty() {
        return Err(bad("nature of goods"));
    }
    let extra = l.continuations().into_iter().map(|c| c[1..].to_string()).collect();
    Ok(House {
        hawb: f[1].to_string(),
        origin: f[2][..3].to_string(),
        destination: f[2][3..].to_string(),
        pieces,
        weight,
        slac,
        goods: f[6].to_string(),
        extra,
        text: Vec::new(),
        tariff: Vec::new(),
        other: Vec::new(),
    })
}

pub fn write(fhl: &Fhl) -> Result<String, WriteError> {
    let bad = |reason: String| Err(WriteError { message: MESSAGE, reason });
    fhl.master.check(MESSAGE)?;
    if fhl.master.quantity.code != ShipmentCode::Total {
        return bad("MBI carries the whole consignment".into());
    }
    let mut out = String::from("FHL/5\nMBI/");
    fhl.master.write(&mut out);
    out.push('\n');
    for h in &fhl.houses {
        if !is_alnum(&h.hawb)
            || h.hawb.len() > 12
            || !super::is_alpha(&h.origin, 3)
            || !super::is_alpha(&h.destination, 3)
        {
            return bad(format!("house {} {}{}", h.hawb, h.origin, h.destination));
        }
        check_text(MESSAGE, "goods", &h.goods, 40)?;
        // Descriptions run on over lines as typed, leading spaces included.
        if h.text.iter().any(|t| {
            t.is_empty() || t.len() > 70 || t.contains('/') || t.ends_with(' ') || t.chars().any(char::is_control)
        }) {
            return bad("a TXT line is empty, too long or holds '/'".into());
        }
        if h.extra.iter().any(|e| e.is_empty() || e.chars().any(char::is_control)) {
            return bad("an empty or broken HBS continuation".into());
        }
        if let Some(t) = h.tariff.iter().find(|t| !valid_tariff(t)) {
            return bad(format!("tariff code {t:?}"));
        }
        for seg in &h.other {
            check_raw(MESSAGE, seg, RAW_TAGS)?;
        }
        let unit = if h.weight.unit == super::WeightUnit::Kilogram { 'K' } else { 'L' };
        let slac = h.slac.map(|s| s.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "HBS/{}/{}{}/{}/{unit}{}/{slac}/{}",
            h.hawb, h.origin, h.destination, h.pieces, h.weight.value, h.goods
        );
        for e in &h.extra {
            let _ = writeln!(out, "/{e}");
        }
        for (i, t) in h.text.iter().enumerate() {
            let _ = writeln!(out, "{}/{t}", if i == 0 { "TXT" } else { "" });
        }
        for t in &h.tariff {
            let _ = writeln!(out, "HTS/{t}");
        }
        for seg in &h.other {
            for line in &seg.lines {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if read(&out).as_ref() != Ok(fhl) {
        return bad("the text would not read back to the same message".into());
    }
    Ok(out)
}
