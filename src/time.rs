//! Time as the record keeps it: a [`Stamp`] is an instant with the UTC offset of the
//! laptop that made it, written as RFC 3339 and ordered as an instant, never as text —
//! a laptop on +08:00 next to one left on UTC must agree which change came last. A
//! review date is a [`chrono::NaiveDate`], written YYYY-MM-DD.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, FixedOffset, Local, NaiveDate, SecondsFormat};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use chrono::NaiveDate as Date;

/// An instant with the offset it was recorded at.
#[derive(Debug, Clone, Copy)]
pub struct Stamp(DateTime<FixedOffset>);

impl Stamp {
    /// Now, with this machine's offset.
    pub fn now() -> Stamp {
        Stamp(Local::now().fixed_offset())
    }

    /// Reads RFC 3339 with an offset (`2026-11-23T09:30:00+08:00`); nothing else.
    pub fn parse(s: &str) -> Option<Stamp> {
        DateTime::parse_from_rfc3339(s.trim()).ok().map(Stamp)
    }

    pub fn from_datetime(t: DateTime<FixedOffset>) -> Stamp {
        Stamp(t)
    }

    pub fn datetime(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// RFC 3339 with milliseconds and the offset, as stored.
    pub fn rfc3339(&self) -> String {
        self.0.to_rfc3339_opts(SecondsFormat::Millis, false)
    }

    /// For people: `2026-11-23 09:30`, in the offset it was recorded at.
    pub fn minute(&self) -> String {
        self.0.format("%Y-%m-%d %H:%M").to_string()
    }

    /// For people, to the second: `2026-11-23 09:30:05`.
    pub fn second(&self) -> String {
        self.0.format("%Y-%m-%d %H:%M:%S").to_string()
    }

    /// The day it was recorded, where it was recorded.
    pub fn date(&self) -> NaiveDate {
        self.0.date_naive()
    }
}

/// Equal when the same instant, whatever the offsets.
impl PartialEq for Stamp {
    fn eq(&self, other: &Stamp) -> bool {
        self.0 == other.0
    }
}

impl Eq for Stamp {}

impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Stamp) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// By instant (`DateTime` compares in UTC).
impl Ord for Stamp {
    fn cmp(&self, other: &Stamp) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl std::hash::Hash for Stamp {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.timestamp_nanos_opt().hash(h);
    }
}

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
        let s = String::deserialize(d)?;
        Stamp::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("时间 `{s}` 不是带时区的 RFC 3339 时间"))
        })
    }
}

/// Today, on this machine's calendar.
pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// A stored timestamp written before stamps were typed, made a [`Stamp`]: RFC 3339
/// as it is; one without an offset is taken as this machine's local time, which is
/// how the laptop that wrote it meant it. `None` when it is no time at all.
pub fn migrate_stamp(s: &str) -> Option<Stamp> {
    if let Some(t) = Stamp::parse(s) {
        return Some(t);
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(s.trim(), f).ok())?;
    naive
        .and_local_timezone(Local)
        .earliest()
        .map(|t| Stamp(t.fixed_offset()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_order_as_instants_across_offsets() {
        // 09:30 in Beijing is 01:30 UTC: earlier than 02:00 UTC, though it sorts later as text.
        let beijing = Stamp::parse("2026-11-23T09:30:00+08:00").unwrap();
        let utc = Stamp::parse("2026-11-23T02:00:00+00:00").unwrap();
        assert!(beijing.rfc3339() > utc.rfc3339());
        assert!(beijing < utc);
        let same = Stamp::parse("2026-11-23T01:30:00Z").unwrap();
        assert_eq!(beijing, same);
        assert_eq!(beijing.minute(), "2026-11-23 09:30");
    }

    #[test]
    fn only_offset_times_parse_and_old_ones_migrate() {
        assert!(Stamp::parse("2026-11-23T09:30:00").is_none());
        assert!(Stamp::parse("昨天").is_none());
        let m = migrate_stamp("2026-11-23T09:30:00").unwrap();
        assert_eq!(
            m.datetime().naive_local().to_string(),
            "2026-11-23 09:30:00"
        );
        assert!(migrate_stamp("昨天").is_none());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Stamp>(&json).unwrap(), m);
    }
}
