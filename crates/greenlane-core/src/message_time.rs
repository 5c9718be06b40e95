//! Message time: the `appTime` a sender writes (`YYYYMMDDhhmmss`, China Standard Time), the only
//! clock greenlane's rules read, so that a replay decides exactly as the first run did.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// China Standard Time, in which customs writes every CEB time.
const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+8 is a valid offset"),
};

/// A point in message time, in whole seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MessageTime(pub i64);

/// A time that is not a real `YYYYMMDDhhmmss` instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a time of the form YYYYMMDDhhmmss")]
pub struct MessageTimeError {
    pub value: String,
}

impl MessageTime {
    /// Parses a CEB `appTime` (14 digits, China Standard Time).
    pub fn parse_app_time(value: &str) -> Result<MessageTime, MessageTimeError> {
        let bad = || MessageTimeError { value: value.to_owned() };
        if value.len() != 14 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n = |range: std::ops::Range<usize>| value[range].parse::<u32>().map_err(|_| bad());
        let month = Month::try_from(n(4..6)? as u8).map_err(|_| bad())?;
        let date = Date::from_calendar_date(n(0..4)? as i32, month, n(6..8)? as u8).map_err(|_| bad())?;
        let clock = Time::from_hms(n(8..10)? as u8, n(10..12)? as u8, n(12..14)? as u8).map_err(|_| bad())?;
        Ok(MessageTime(PrimitiveDateTime::new(date, clock).assume_offset(CST).unix_timestamp()))
    }

    /// The time as a CEB `appTime`.
    pub fn to_app_time(self) -> String {
        let t = self.in_china();
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    /// The time as a CEB `returnTime` (`yyyyMMddHHmmssfff`).
    pub fn to_return_time(self) -> String {
        format!("{}000", self.to_app_time())
    }

    /// RFC 3339 with the +08:00 offset, as the Decision JSON carries it.
    pub fn to_rfc3339(self) -> String {
        self.in_china().format(&Rfc3339).unwrap_or_else(|_| self.0.to_string())
    }

    /// The calendar month (`YYYYMM`) in China, which summary declarations are grouped by.
    pub fn month(self) -> u32 {
        let t = self.in_china();
        t.year() as u32 * 100 + u32::from(u8::from(t.month()))
    }

    pub fn plus_seconds(self, seconds: i64) -> MessageTime {
        MessageTime(self.0.saturating_add(seconds))
    }

    fn in_china(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.0).unwrap_or(OffsetDateTime::UNIX_EPOCH).to_offset(CST)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_time_is_china_standard_time() {
        let t = MessageTime::parse_app_time("20261129103000").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-29T10:30:00+08:00");
        assert_eq!(t.0, 1_795_919_400, "2026-11-29T02:30:00Z");
        assert_eq!(t.to_app_time(), "20261129103000");
        assert_eq!(t.to_return_time(), "20261129103000000");
        assert_eq!(t.month(), 202611);
    }

    #[test]
    fn impossible_times_are_refused() {
        for bad in ["20261329103000", "20260230103000", "20261129246000", "2026112910300", "2026-11-29 10:"] {
            assert!(MessageTime::parse_app_time(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn app_time_round_trips(seconds in 0i64..4_102_444_800) {
            let t = MessageTime(seconds);
            proptest::prop_assert_eq!(MessageTime::parse_app_time(&t.to_app_time()).unwrap(), t);
        }
    }
}
