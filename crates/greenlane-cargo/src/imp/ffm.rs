//! FFM/8, the flight manifest a carrier sends per flight leg: the flight, each point of
//! unloading, the ULDs loaded for it with their consignments, and the bulk consignments.

use std::fmt::Write as _;

use super::{Consignment, Lines, ReadError, WriteError, check_text, is_alnum, is_alpha, number, split, tag_of};

const MESSAGE: &str = "FFM/8";

/// Lines that belong to the consignment above them (dimensions, other service information,
/// customs origin, other customs information, special service requests).
const SUB_TAGS: &[&str] = &["DIM", "OSI", "COR", "OCI", "SSR", "SCI", "MOV"];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ffm {
    /// Message part number: a long manifest is sent in parts.
    pub part: u32,
    pub flight: String,
    /// Scheduled departure day and month, optionally with time: `17APR`, `01JAN0400`.
    pub date: String,
    pub departure: String,
    /// Fields after the departure airport (aircraft registration, onward dates), as written.
    pub flight_extra: Vec<String>,
    pub points: Vec<Unloading>,
    /// `LAST` closes the manifest; false means `CONT`: another part follows.
    pub last: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unloading {
    pub airport: String,
    /// Fields after the airport (`NIL` for nothing to unload, arrival dates), as written.
    pub extra: Vec<String>,
    /// Consignments loaded loose, before any ULD of this point.
    pub bulk: Vec<Item>,
    pub ulds: Vec<Uld>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uld {
    /// Type, serial and owner: `PMC98669KZ`, `AKE01063CV`, optionally `-M` and the like.
    pub id: String,
    /// Fields after the id on the ULD line (loading indicators, contour, weight remarks).
    pub extra: Vec<String>,
    /// Continuation lines of the ULD, without their '/'.
    pub continuation: Vec<String>,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Item {
    pub consignment: Consignment,
    /// Manifest description of goods (after the quantity).
    pub goods: String,
    /// Special handling codes (ELI, ELM, MAG…), the consignment's first continuation line.
    pub handling: Vec<String>,
    /// Further lines of the consignment (DIM, OSI, OCI…, onward movement) as written.
    pub other: Vec<String>,
}

pub fn read_all(text: &str) -> Result<Vec<Ffm>, ReadError> {
    split(text, MESSAGE)?.into_iter().map(read_one).collect()
}

pub fn read(text: &str) -> Result<Ffm, ReadError> {
    super::exactly_one(read_all(text)?, MESSAGE)
}

fn valid_uld(id: &str) -> bool {
    let (base, suffix) = id.split_once('-').unwrap_or((id, ""));
    let b = base.as_bytes();
    id.is_ascii()
        && (9..=10).contains(&b.len())
        && b[0].is_ascii_uppercase()
        && is_alnum(&base[..3])
        && base[3..b.len() - 2].bytes().all(|c| c.is_ascii_digit())
        && is_alnum(&base[b.len() - 2..])
        && (suffix.is_empty() || is_alpha(suffix, 1))
}

fn valid_date(d: &str) -> bool {
    d.is_ascii()
        && (d.len() == 5 || d.len() == 9)
        && d[..2].bytes().all(|b| b.is_ascii_digit())
        && is_alpha(&d[2..5], 3)
        && d[5..].bytes().all(|b| b.is_ascii_digit())
}

fn is_codes(line: &str) -> bool {
    line.len() > 1 && line[1..].split('/').all(|c| is_alpha(c, 3))
}

fn read_one(mut l: Lines<'_>) -> Result<Ffm, ReadError> {
    let line = l.next().ok_or_else(|| l.err("no flight line"))?;
    let f: Vec<&str> = line.split('/').collect();
    if f.len() < 4
        || number(f[0]).is_none()
        || !(3..=8).contains(&f[1].len())
        || !is_alnum(f[1])
        || !valid_date(f[2])
        || !is_alpha(f[3], 3)
    {
        return Err(l.err(format!("{line:?} is not part/flight/date/airport")));
    }
    let mut ffm = Ffm {
        part: number(f[0]).expect("checked"),
        flight: f[1].to_string(),
        date: f[2].to_string(),
        departure: f[3].to_string(),
        flight_extra: f[4..].iter().map(|s| s.to_string()).collect(),
        points: Vec::new(),
        last: false,
    };
    let mut ended = false;
    while let Some(line) = l.next() {
        if ended {
            return Err(l.err("nothing may follow LAST or CONT"));
        }
        if line == "LAST" || line == "CONT" {
            ffm.last = line == "LAST";
            ended = true;
            continue;
        }
        let fields: Vec<&str> = line.split('/').collect();
        let starts_item = line.as_bytes()[0].is_ascii_digit();
        if starts_item {
            let (consignment, rest) =
                Consignment::parse(line).ok_or_else(|| l.err(format!("{line:?} is not a consignment line")))?;
            if rest.len() != 1 || rest[0].is_empty() {
                return Err(l.err("a manifest consignment line ends with its description of goods"));
            }
            let mut item = Item { consignment, goods: rest[0].to_string(), handling: Vec::new(), other: Vec::new() };
            let mut first = true;
            loop {
                match l.peek() {
                    Some(n) if n.starts_with('/') && first && is_codes(n) => {
                        item.handling = n[1..].split('/').map(str::to_string).collect();
                    }
                    Some(n) if n.starts_with('/') || tag_of(n, SUB_TAGS).is_some() => item.other.push(n.to_string()),
                    _ => break,
                }
                first = false;
                l.next();
            }
            let point =
                ffm.points.last_mut().ok_or_else(|| l.err("a consignment before the first point of unloading"))?;
            match point.ulds.last_mut() {
                Some(uld) => uld.items.push(item),
                None => point.bulk.push(item),
            }
        } else if fields[0] == "ULD" {
            if fields.len() < 2 || !valid_uld(fields[1]) {
                return Err(l.err(format!("{line:?} is not ULD/<type><serial><owner>")));
            }
            let continuation = l.continuations().into_iter().map(|c| c[1..].to_string()).collect();
            let point = ffm.points.last_mut().ok_or_else(|| l.err("a ULD before the first point of unloading"))?;
            point.ulds.push(Uld {
                id: fields[1].to_string(),
                extra: fields[2..].iter().map(|s| s.to_string()).collect(),
                continuation,
                items: Vec::new(),
            });
        } else if is_alpha(fields[0], 3) && tag_of(line, SUB_TAGS).is_none() {
            ffm.points.push(Unloading {
                airport: fields[0].to_string(),
                extra: fields[1..].iter().map(|s| s.to_string()).collect(),
                bulk: Vec::new(),
                ulds: Vec::new(),
            });
        } else {
            return Err(l.err(format!("{line:?} is not a point of unloading, ULD or consignment")));
        }
    }
    if !ended {
        return Err(l.err("the manifest ends without LAST or CONT"));
    }
    Ok(ffm)
}

pub fn write(ffm: &Ffm) -> Result<String, WriteError> {
    let bad = |reason: String| Err(WriteError { message: MESSAGE, reason });
    let plain = |s: &String| !s.contains('/') && !s.chars().any(char::is_control) && !s.ends_with(' ');
    if !(3..=8).contains(&ffm.flight.len())
        || !is_alnum(&ffm.flight)
        || !valid_date(&ffm.date)
        || !is_alpha(&ffm.departure, 3)
    {
        return bad(format!("flight {} {} {}", ffm.flight, ffm.date, ffm.departure));
    }
    let mut out = format!("FFM/8\n{}/{}/{}/{}", ffm.part, ffm.flight, ffm.date, ffm.departure);
    for e in &ffm.flight_extra {
        let _ = write!(out, "/{e}");
    }
    out.push('\n');
    let write_item = |out: &mut String, it: &Item| -> Result<(), WriteError> {
        it.consignment.check(MESSAGE)?;
        check_text(MESSAGE, "goods", &it.goods, 40)?;
        if it.handling.iter().any(|h| !is_alpha(h, 3)) {
            return Err(WriteError { message: MESSAGE, reason: format!("handling codes {:?}", it.handling) });
        }
        it.consignment.write(out);
        let _ = writeln!(out, "/{}", it.goods);
        if !it.handling.is_empty() {
            let _ = writeln!(out, "/{}", it.handling.join("/"));
        }
        for o in &it.other {
            let _ = writeln!(out, "{o}");
        }
        Ok(())
    };
    for p in &ffm.points {
        if !is_alpha(&p.airport, 3)
            || tag_of(&p.airport, SUB_TAGS).is_some()
            || p.airport == "ULD"
            || !p.extra.iter().all(plain)
        {
            return bad(format!("point of unloading {}", p.airport));
        }
        out.push_str(&p.airport);
        for e in &p.extra {
            let _ = write!(out, "/{e}");
        }
        out.push('\n');
        for it in &p.bulk {
            write_item(&mut out, it)?;
        }
        for u in &p.ulds {
            if !valid_uld(&u.id) || !u.extra.iter().all(plain) {
                return bad(format!("ULD {}", u.id));
            }
            let _ = write!(out, "ULD/{}", u.id);
            for e in &u.extra {
                let _ = write!(out, "/{e}");
            }
            out.push('\n');
            for c in &u.continuation {
                let _ = writeln!(out, "/{c}");
            }
            for it in &u.items {
                write_item(&mut out, it)?;
            }
        }
    }
    out.push_str(if ffm.last { "LAST\n" } else { "CONT\n" });
    if read(&out).as_ref() != Ok(ffm) {
        return bad("the text would not read back to the same message".into());
    }
    Ok(out)
}
