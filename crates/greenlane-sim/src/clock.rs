//! Message time: seconds after the simulated day's midnight, China Standard Time, written as
//! the CEB `appTime` (`YYYYMMDDhhmmss`) and the DXP envelope's `xs:dateTime`. No wall clock.

use time::{Date, Duration, PrimitiveDateTime};

fn at(day: Date, seconds: i64) -> PrimitiveDateTime {
    day.midnight() + Duration::seconds(seconds)
}

/// `YYYYMMDDhhmmss`.
pub(crate) fn stamp(day: Date, seconds: i64) -> String {
    let t = at(day, seconds);
    format!("{:04}{:02}{:02}{:02}{:02}{:02}", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// `YYYY-MM-DDThh:mm:ss` (no zone: the envelope's times are local, as terminal nodes write them).
pub(crate) fn iso(day: Date, seconds: i64) -> String {
    let t = at(day, seconds);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}
