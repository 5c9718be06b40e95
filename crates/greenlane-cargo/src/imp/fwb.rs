//! FWB/17, the master air waybill message: the consignment, its flights and routing, shipper
//! and consignee, rate lines with chargeable weight and goods, special handling codes.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{
    Consignment, Lines, RawSegment, ReadError, WriteError, check_raw, check_text, decimal, is_alnum, is_alpha, number,
    split, tag_of,
};

const MESSAGE: &str = "FWB/17";

/// Segments FWB/17 defines that greenlane keeps verbatim.
const RAW_TAGS: &[&str] = &[
    "AGT", "SSR", "NFY", "ACC", "CVD", "OTH", "PPD", "COL", "CER", "ISU", "OSI", "CDC", "REF", "COR", "COI", "SII",
    "ARD", "NOM", "SRI", "OPI", "OCI",
];
/// Free-text segments whose text may run on over lines that do not start with '/'.
const FREE_TEXT: &[&str] = &["SSR", "OSI"];
const PARTY_TAGS: &[&str] = &["NAM", "ADR", "LOC"];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fwb {
    pub consignment: Consignment,
    /// FLT: booked flights and their day of the month.
    pub flights: Vec<(String, u8)>,
    /// RTG: each destination airport and the carrier flying to it.
    pub routing: Vec<(String, Option<String>)>,
    pub shipper: Option<Party>,
    pub consignee: Option<Party>,
    pub rates: Vec<RateLine>,
    /// SPH: special handling codes (ELI, ELM, MAG, GEN…).
    pub handling: Vec<String>,
    pub other: Vec<RawSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Party {
    pub account: Option<String>,
    pub name: Vec<String>,
    pub address: Vec<String>,
    pub place: String,
    pub state: Option<String>,
    /// ISO 3166 alpha-2.
    pub country: String,
    pub postcode: Option<String>,
    /// (type, number), e.g. ("TE", "4653425").
    pub contacts: Vec<(String, String)>,
}

/// One RTD rate line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RateLine {
    pub pieces: u32,
    pub weight: super::Weight,
    /// Rate class code: Q quantity, N normal, C specific commodity, U/E ULD rates…
    pub class: Option<char>,
    /// S: the commodity item number of a specific commodity rate (`SN100`: `N100`).
    pub commodity: Option<String>,
    pub chargeable: Option<Decimal>,
    pub rate: Option<Decimal>,
    pub total: Option<Decimal>,
    pub details: Vec<RateDetail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RateDetail {
    /// NG (goods) or NC (consolidation): the nature and quantity of goods.
    Goods { consolidation: bool, text: String },
    /// NV: the volume.
    Volume(super::Volume),
    /// NS: shipper's load and count (pieces inside the consignment's pieces).
    Slac(u32),
    /// Any other detail line, as written after its line number.
    Other(String),
}

/// Reads every FWB/17 in `text`.
pub fn read_all(text: &str) -> Result<Vec<Fwb>, ReadError> {
    split(text, MESSAGE)?.into_iter().map(read_one).collect()
}

/// Reads a text holding exactly one FWB/17.
pub fn read(text: &str) -> Result<Fwb, ReadError> {
    super::exactly_one(read_all(text)?, MESSAGE)
}

fn read_one(mut l: Lines<'_>) -> Result<Fwb, ReadError> {
    let line = l.next().ok_or_else(|| l.err("no consignment line"))?;
    let (consignment, rest) =
        Consignment::parse(line).ok_or_else(|| l.err(format!("{line:?} is not an AWB consignment line")))?;
    if !rest.is_empty() {
        return Err(l.err("unexpected fields after the quantity"));
    }
    let mut fwb = Fwb {
        consignment,
        flights: Vec::new(),
        routing: Vec::new(),
        shipper: None,
        consignee: None,
        rates: Vec::new(),
        handling: Vec::new(),
        other: Vec::new(),
    };
    while let Some(line) = l.next() {
        let fields: Vec<&str> = line.split('/').collect();
        match fields[0] {
            "FLT" if line.len() > 4 => {
                if fields.len() % 2 != 1 {
                    return Err(l.err("FLT needs a flight and a day for each leg"));
                }
                for pair in fields[1..].chunks(2) {
                    let day = number(pair[1]).filter(|d| (1..=31).contains(d) && pair[1].len() == 2);
                    match day {
                        Some(d) if is_flight(pair[0]) => fwb.flights.push((pair[0].to_string(), d as u8)),
                        _ => return Err(l.err(format!("{}/{} is not a flight and day", pair[0], pair[1]))),
                    }
                }
                no_continuation(&mut l)?;
            }
            "RTG" if line.len() > 4 => {
                for f in &fields[1..] {
                    if f.len() != 3 && f.len() != 5
                        || !is_alpha(&f[..3.min(f.len())], 3)
                        || (f.len() == 5 && !is_alnum(&f[3..]))
                    {
                        return Err(l.err(format!("{f:?} is not an airport and carrier")));
                    }
                    fwb.routing.push((f[..3].to_string(), (f.len() == 5).then(|| f[3..].to_string())));
                }
                no_continuation(&mut l)?;
            }
            "SHP" | "CNE" => {
                let party = read_party(&mut l, &fields)?;
                let slot = if fields[0] == "SHP" { &mut fwb.shipper } else { &mut fwb.consignee };
                if slot.replace(party).is_some() {
                    return Err(l.err(format!("{} appears twice", fields[0])));
                }
            }
            "RTD" if fields.len() > 2 => fwb.rates.push(read_rate(&mut l, &fields)?),
            "SPH" if line.len() > 4 => {
                for f in &fields[1..] {
                    if !is_alpha(f, 3) {
                        return Err(l.err(format!("{f:?} is not a special handling code")));
                    }
                    fwb.handling.push(f.to_string());
                }
                no_continuation(&mut l)?;
            }
            tag => {
                let Some(tag) = tag_of(line, RAW_TAGS) else {
                    return Err(l.err(format!("{tag:?} is not an FWB/17 segment")));
                };
                let mut lines = vec![line.to_string()];
                loop {
                    match l.peek() {
                        Some(n) if n.starts_with('/') => lines.push(n.to_string()),
                        // A party the message does not model: its name, address and place lines.
                        Some(n) if tag == "NFY" && tag_of(n, PARTY_TAGS).is_some() => lines.push(n.to_string()),
                        Some(n) if FREE_TEXT.contains(&tag) && tag_of(n, RAW_TAGS).is_none() && !is_known(n) => {
                            lines.push(n.to_string())
                        }
                        _ => break,
                    }
                    l.next();
                }
                fwb.other.push(RawSegment { lines });
            }
        }
    }
    Ok(fwb)
}

fn is_known(line: &str) -> bool {
    tag_of(line, &["FLT", "RTG", "SHP", "CNE", "RTD", "SPH"]).is_some()
}

fn is_flight(s: &str) -> bool {
    (3..=8).contains(&s.len()) && is_alnum(s)
}

fn no_continuation(l: &mut Lines<'_>) -> Result<(), ReadError> {
    if l.peek().is_some_and(|n| n.starts_with('/')) {
        l.next();
        return Err(l.err("this segment has no continuation lines"));
    }
    Ok(())
}

fn read_party(l: &mut Lines<'_>, fields: &[&str]) -> Result<Party, ReadError> {
    let account = match fields.len() {
        1 => None,
        2 if !fields[1].is_empty() => Some(fields[1].to_string()),
        _ => return Err(l.err("a party line holds at most an account number")),
    };
    let mut name = Vec::new();
    let mut address = Vec::new();
    let (mut place, mut state, mut country, mut postcode, mut contacts) = (None, None, None, None, Vec::new());
    for tag in ["NAM", "ADR", "LOC"] {
        let line = l
            .next()
            .filter(|n| tag_of(n, &[tag]).is_some())
            .ok_or_else(|| l.err(format!("{} needs {tag}", fields[0])))?;
        let f: Vec<&str> = line.split('/').collect();
        match tag {
            "NAM" | "ADR" => {
                let into = if tag == "NAM" { &mut name } else { &mut address };
                if f.len() != 2 || f[1].is_empty() {
                    return Err(l.err(format!("{tag} holds one text")));
                }
                into.push(f[1].to_string());
                for c in l.continuations() {
                    if c.len() < 2 || c[1..].contains('/') {
                        return Err(l.err(format!("{c:?} is not a {tag} continuation")));
                    }
                    into.push(c[1..].to_string());
                }
            }
            _ => {
                if !(2..=3).contains(&f.len()) || f[1].is_empty() || f.get(2).is_some_and(|s| s.is_empty()) {
                    return Err(l.err("LOC holds a place and an optional state"));
                }
                place = Some(f[1].to_string());
                state = f.get(2).map(|s| s.to_string());
                let c = l.next().filter(|n| n.starts_with('/')).ok_or_else(|| l.err("LOC needs a country line"))?;
                let f: Vec<&str> = c[1..].split('/').collect();
                if !is_alpha(f[0], 2)
                    || f.len() == 3
                    || f.len() > 2 && f[2..].iter().any(|s| s.is_empty())
                    || f.len() % 2 == 1 && f.len() > 1
                {
                    return Err(l.err(format!("{c:?} is not /country[/postcode[/contact type/number…]]")));
                }
                country = Some(f[0].to_string());
                postcode = f.get(1).filter(|p| !p.is_empty()).map(|p| p.to_string());
                contacts = f.get(2..).unwrap_or(&[]).chunks(2).map(|p| (p[0].to_string(), p[1].to_string())).collect();
            }
        }
    }
    Ok(Party {
        account,
        name,
        address,
        place: place.expect("LOC read"),
        state,
        country: country.expect("LOC read"),
        postcode,
        contacts,
    })
}

fn read_rate(l: &mut Lines<'_>, fields: &[&str]) -> Result<RateLine, ReadError> {
    if fields[1] != "1" {
        return Err(l.err("an RTD segment opens with rate line 1"));
    }
    let (mut pieces, mut weight, mut class, mut commodity, mut chargeable, mut rate, mut total) =
        (None, None, None, None, None, None, None);
    for f in &fields[2..] {
        let bad = || l.err(format!("{f:?} is not a rate field"));
        let (head, value) = f.split_at_checked(1).ok_or_else(bad)?;
        match head {
            "P" => pieces = Some(number(value).ok_or_else(bad)?),
            "K" | "L" => {
                let unit = if head == "K" { super::WeightUnit::Kilogram } else { super::WeightUnit::Pound };
                weight = Some(super::Weight { unit, value: decimal(value).ok_or_else(bad)? });
            }
            "C" if value.len() == 1 && value.as_bytes()[0].is_ascii_uppercase() => class = value.chars().next(),
            "W" => chargeable = Some(decimal(value).ok_or_else(bad)?),
            "R" => rate = Some(decimal(value).ok_or_else(bad)?),
            "T" => total = Some(decimal(value).ok_or_else(bad)?),
            "S" if is_alnum(value) => commodity = Some(value.to_string()),
            _ => return Err(bad()),
        }
    }
    let (Some(pieces), Some(weight)) = (pieces, weight) else {
        return Err(l.err("a rate line needs pieces (P) and a weight (K or L)"));
    };
    let mut details = Vec::new();
    for c in l.continuations() {
        let mut body = &c[1..];
        // Numbers count the detail lines, but sub-lines (NU, NO…) go unnumbered in real
        // messages, so the number is read past and the writer renumbers.
        if let Some((n, rest)) = body.split_once('/')
            && number(n).is_some()
        {
            body = rest;
        }
        let detail = match body.split_once('/') {
            Some(("NG" | "NC", text)) if !text.is_empty() => {
                RateDetail::Goods { consolidation: body.starts_with("NC"), text: text.to_string() }
            }
            Some(("NV", v)) => {
                let q = super::Quantity::parse(&format!("T1K0{v}")).and_then(|q| q.volume);
                RateDetail::Volume(q.ok_or_else(|| l.err(format!("{v:?} is not a volume")))?)
            }
            Some(("NS", n)) => RateDetail::Slac(number(n).ok_or_else(|| l.err(format!("{n:?} is not a piece count")))?),
            _ if body.is_empty() => return Err(l.err("an empty rate detail")),
            _ => RateDetail::Other(body.to_string()),
        };
        details.push(detail);
    }
    Ok(RateLine { pieces, weight, class, commodity, chargeable, rate, total, details })
}

/// Writes one FWB/17, refusing values the text could not carry.
pub fn write(fwb: &Fwb) -> Result<String, WriteError> {
    check(fwb)?;
    let mut out = String::from(MESSAGE);
    out.push('\n');
    fwb.consignment.write(&mut out);
    out.push('\n');
    if !fwb.flights.is_empty() {
        out.push_str("FLT");
        for (f, d) in &fwb.flights {
            let _ = write!(out, "/{f}/{d:02}");
        }
        out.push('\n');
    }
    if !fwb.routing.is_empty() {
        out.push_str("RTG");
        for (a, c) in &fwb.routing {
            let _ = write!(out, "/{a}{}", c.as_deref().unwrap_or(""));
        }
        out.push('\n');
    }
    for (tag, party) in [("SHP", &fwb.shipper), ("CNE", &fwb.consignee)] {
        if let Some(p) = party {
            write_party(&mut out, tag, p);
        }
    }
    for r in &fwb.rates {
        let unit = match r.weight.unit {
            super::WeightUnit::Kilogram => 'K',
            super::WeightUnit::Pound => 'L',
        };
        let _ = write!(out, "RTD/1/P{}/{unit}{}", r.pieces, r.weight.value);
        if let Some(c) = r.class {
            let _ = write!(out, "/C{c}");
        }
        if let Some(c) = &r.commodity {
            let _ = write!(out, "/S{c}");
        }
        for (k, v) in [('W', r.chargeable), ('R', r.rate), ('T', r.total)] {
            if let Some(v) = v {
                let _ = write!(out, "/{k}{v}");
            }
        }
        out.push('\n');
        for (i, d) in r.details.iter().enumerate() {
            out.push('/');
            if i > 0 {
                let _ = write!(out, "{}/", i + 1);
            }
            match d {
                RateDetail::Goods { consolidation, text } => {
                    let _ = write!(out, "{}/{text}", if *consolidation { "NC" } else { "NG" });
                }
                RateDetail::Volume(v) => {
                    let mut q = String::new();
                    super::Quantity {
                        code: super::ShipmentCode::Total,
                        pieces: 1,
                        weight: super::Weight::kg(Decimal::ZERO),
                        volume: Some(*v),
                        total_pieces: None,
                    }
                    .write(&mut q);
                    let _ = write!(out, "NV/{}", &q["T1K0".len()..]);
                }
                RateDetail::Slac(n) => {
                    let _ = write!(out, "NS/{n}");
                }
                RateDetail::Other(s) => out.push_str(s),
            }
            out.push('\n');
        }
    }
    if !fwb.handling.is_empty() {
        let _ = writeln!(out, "SPH/{}", fwb.handling.join("/"));
    }
    for seg in &fwb.other {
        for line in &seg.lines {
            out.push_str(line);
            out.push('\n');
        }
    }
    // Raw segments and free text can hold lines the reader would group differently; what does
    // not read back to the same message is refused rather than sent.
    if read(&out).as_ref() != Ok(fwb) {
        return Err(WriteError { message: MESSAGE, reason: "the text would not read back to the same message".into() });
    }
    Ok(out)
}

fn write_party(out: &mut String, tag: &str, p: &Party) {
    out.push_str(tag);
    if let Some(a) = &p.account {
        let _ = write!(out, "/{a}");
    }
    out.push('\n');
    for (t, lines) in [("NAM", &p.name), ("ADR", &p.address)] {
        for (i, s) in lines.iter().enumerate() {
            let _ = writeln!(out, "{}/{s}", if i == 0 { t } else { "" });
        }
    }
    let _ = write!(out, "LOC/{}", p.place);
    if let Some(s) = &p.state {
        let _ = write!(out, "/{s}");
    }
    let _ = write!(out, "\n/{}", p.country);
    if p.postcode.is_some() || !p.contacts.is_empty() {
        let _ = write!(out, "/{}", p.postcode.as_deref().unwrap_or(""));
    }
    for (t, n) in &p.contacts {
        let _ = write!(out, "/{t}/{n}");
    }
    out.push('\n');
}

fn check(fwb: &Fwb) -> Result<(), WriteError> {
    let bad = |reason: String| Err(WriteError { message: MESSAGE, reason });
    fwb.consignment.check(MESSAGE)?;
    for (f, d) in &fwb.flights {
        if !is_flight(f) || !(1..=31).contains(d) {
            return bad(format!("flight {f}/{d}"));
        }
    }
    for (a, c) in &fwb.routing {
        if !is_alpha(a, 3) || c.as_ref().is_some_and(|c| c.len() != 2 || !is_alnum(c)) {
            return bad(format!("routing {a} {c:?}"));
        }
    }
    for p in [&fwb.shipper, &fwb.consignee].into_iter().flatten() {
        if p.name.is_empty() || p.address.is_empty() || !is_alpha(&p.country, 2) {
            return bad("a party needs a name, an address and a 2-letter country".into());
        }
        for (what, s, max) in p
            .name
            .iter()
            .map(|s| ("name", s, 35))
            .chain(p.address.iter().map(|s| ("address", s, 35)))
            .chain([("place", &p.place, 17)])
            .chain(p.state.iter().map(|s| ("state", s, 9)))
        {
            check_text(MESSAGE, what, s, max)?;
        }
        for code in p.account.iter().chain(p.postcode.iter()).chain(p.contacts.iter().flat_map(|(t, n)| [t, n])) {
            if !is_alnum(code) || code.len() > 25 {
                return bad(format!("party code {code:?}"));
            }
        }
    }
    for r in &fwb.rates {
        let decimals = [Some(r.weight.value), r.chargeable, r.rate, r.total];
        if decimals.into_iter().flatten().any(|d| decimal(&d.to_string()).is_none())
            || r.class.is_some_and(|c| !c.is_ascii_uppercase())
            || r.commodity.as_ref().is_some_and(|c| !is_alnum(c))
        {
            return bad("a rate line value is not a Cargo-IMP decimal or code".into());
        }
        for d in &r.details {
            match d {
                RateDetail::Goods { text, .. } => check_text(MESSAGE, "goods", text, 20)?,
                RateDetail::Volume(v) => super::Quantity {
                    code: super::ShipmentCode::Total,
                    pieces: 1,
                    weight: super::Weight::kg(Decimal::ZERO),
                    volume: Some(*v),
                    total_pieces: None,
                }
                .check(MESSAGE)?,
                RateDetail::Slac(_) => {}
                RateDetail::Other(s) => {
                    let first = s.split('/').next().unwrap_or("");
                    if s.is_empty()
                        || number(first).is_some()
                        || ["NG", "NC", "NV", "NS"].contains(&first)
                        || s.chars().any(|c| c.is_control() || c == '\n')
                    {
                        return bad(format!("rate detail {s:?} would read back as something else"));
                    }
                }
            }
        }
    }
    for h in &fwb.handling {
        if !is_alpha(h, 3) {
            return bad(format!("special handling code {h:?}"));
        }
    }
    for seg in &fwb.other {
        check_raw(MESSAGE, seg, RAW_TAGS)?;
    }
    Ok(())
}
