//! Reading timestamps quickly.
//!
//! A household carries about twenty RFC 3339 timestamps (each photo's, each geotag's, the
//! interview's), and chrono's `Deserialize` for `DateTime<Utc>` reads each with its general,
//! lenient parser. These read the strict RFC 3339 form every device writes with chrono's
//! hand-written parser first and fall back to the lenient one, so exactly the same strings
//! are accepted, with the same values (tested below). For `#[serde(deserialize_with)]`.

use chrono::{DateTime, Utc};
use serde::de::{self, Deserializer, Visitor};

/// Parses like chrono's `Deserialize` for `DateTime<Utc>`, strict RFC 3339 first.
pub fn parse_utc(s: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => Ok(t.with_timezone(&Utc)),
        Err(_) => s.parse::<DateTime<Utc>>(),
    }
}

struct UtcVisitor;

impl Visitor<'_> for UtcVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an RFC 3339 date and time")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        parse_utc(s).map_err(E::custom)
    }
}

/// `deserialize_with` for `DateTime<Utc>`.
pub fn utc<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(UtcVisitor)
}

struct OptUtcVisitor;

impl<'de> Visitor<'de> for OptUtcVisitor {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an RFC 3339 date and time or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        utc(d).map(Some)
    }
}

/// `deserialize_with` for `Option<DateTime<Utc>>` (with `#[serde(default)]`, so that a
/// missing key is `None` as for a plain `Option`).
pub fn opt_utc<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    d.deserialize_option(OptUtcVisitor)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Quick {
        #[serde(deserialize_with = "utc")]
        t: DateTime<Utc>,
        #[serde(default, deserialize_with = "opt_utc")]
        o: Option<DateTime<Utc>>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Chrono {
        t: DateTime<Utc>,
        o: Option<DateTime<Utc>>,
    }

    /// Whatever the string, the quick reading accepts and refuses what chrono's does, with the
    /// same value.
    #[test]
    fn reads_exactly_what_chrono_reads() {
        let cases = [
            "2026-11-20T02:14:10Z",
            "2026-11-20T02:14:10.123Z",
            "2026-11-20T02:14:10.123456789Z",
            "2026-11-20T09:14:10+07:00",
            "2026-11-20T09:14:10.5-03:30",
            "2026-11-20t02:14:10z",
            "2026-11-20 02:14:10Z",
            "2026-11-20T02:14:10 Z",
            "2026-11-20T02:14:10+0700",
            "2026-11-20T02:14:10",
            "2026-11-20",
            "2016-12-31T23:59:60Z",
            "2026-02-30T00:00:00Z",
            "2026-11-20T24:00:00Z",
            "+12026-11-20T02:14:10Z",
            "2026-11-20T02:14:10Z trailing",
            " 2026-11-20T02:14:10Z",
            "",
            "garbage",
        ];
        let mut accepted = 0;
        for case in cases {
            let json = format!(r#"{{"t":"{case}","o":"{case}"}}"#);
            let quick = serde_json::from_str::<Quick>(&json).ok();
            let chrono = serde_json::from_str::<Chrono>(&json).ok();
            assert_eq!(
                quick.as_ref().map(|q| (q.t, q.o)),
                chrono.as_ref().map(|c| (c.t, c.o)),
                "{case}"
            );
            accepted += usize::from(chrono.is_some());
        }
        assert!(accepted >= 5 && accepted < cases.len(), "{accepted}");
        for json in [
            r#"{"t":"2026-11-20T02:14:10Z","o":null}"#,
            r#"{"t":"2026-11-20T02:14:10Z"}"#,
        ] {
            let quick: Quick = serde_json::from_str(json).unwrap();
            assert_eq!(quick.o, None);
        }
        assert!(serde_json::from_str::<Quick>(r#"{"t":1}"#).is_err());
        assert!(serde_json::from_str::<Quick>(r#"{"t":"2026-11-20T02:14:10Z","o":1}"#).is_err());
    }
}
