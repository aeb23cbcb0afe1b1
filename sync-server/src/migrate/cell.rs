//! One SQLite value on its way to PostgreSQL: read as SQLite stores it, then converted to the
//! column's PostgreSQL type ([`Kind`]). A value that does not convert is an error naming the
//! table and column, never the value (it may be personal data).

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use tokio_postgres::types::ToSql;

use super::tables::Kind;
use crate::store::packed::PackedChange;

/// A SQLite value.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Cell {
    pub(super) fn read(v: ValueRef<'_>) -> Cell {
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(n) => Cell::Int(n),
            ValueRef::Real(f) => Cell::Real(f),
            ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => Cell::Blob(b.to_vec()),
        }
    }

    fn sqlite_type(&self) -> &'static str {
        match self {
            Cell::Null => "NULL",
            Cell::Int(_) => "INTEGER",
            Cell::Real(_) => "REAL",
            Cell::Text(_) => "TEXT",
            Cell::Blob(_) => "BLOB",
        }
    }

    /// The PostgreSQL parameter for a column of `kind`; `Err` says why it does not convert.
    pub(super) fn into_param(self, kind: Kind) -> Result<Box<dyn ToSql + Sync + Send>, String> {
        let from = self.sqlite_type();
        let wrong = || format!("a SQLite {from} value cannot become {}", kind.sql_type());
        Ok(match (kind, self) {
            (Kind::Int8, Cell::Null) => Box::new(None::<i64>),
            (Kind::Int8, Cell::Int(n)) => Box::new(n),
            (Kind::Int4, Cell::Null) => Box::new(None::<i32>),
            (Kind::Int4, Cell::Int(n)) => {
                Box::new(i32::try_from(n).map_err(|_| "an integer out of range".to_owned())?)
            }
            (Kind::Bool, Cell::Null) => Box::new(None::<bool>),
            (Kind::Bool, Cell::Int(n @ (0 | 1))) => Box::new(n == 1),
            (Kind::Text, Cell::Null) => Box::new(None::<String>),
            (Kind::Text, Cell::Text(s)) => Box::new(s),
            (Kind::Uuid, Cell::Null) => Box::new(None::<uuid::Uuid>),
            (Kind::Uuid, Cell::Text(s)) => Box::new(
                uuid::Uuid::parse_str(&s).map_err(|_| "a text that is not a UUID".to_owned())?,
            ),
            (Kind::Time, Cell::Null) => Box::new(None::<DateTime<Utc>>),
            (Kind::Time, Cell::Text(s)) => Box::new(
                DateTime::parse_from_rfc3339(&s)
                    .map_err(|_| "a text that is not an RFC 3339 time".to_owned())?
                    .with_timezone(&Utc),
            ),
            (Kind::Date, Cell::Null) => Box::new(None::<chrono::NaiveDate>),
            (Kind::Date, Cell::Text(s)) => Box::new(
                chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .map_err(|_| "a text that is not a YYYY-MM-DD day".to_owned())?,
            ),
            (Kind::Bytea, Cell::Null) => Box::new(None::<Vec<u8>>),
            (Kind::Bytea, Cell::Blob(b)) => Box::new(b),
            (Kind::PackedChange, Cell::Blob(b)) => {
                // Checked here, not on the first pull from the new server.
                PackedChange::unpack(&b).map_err(|e| e.to_string())?;
                Box::new(b)
            }
            (Kind::PackedChange, Cell::Text(json)) => Box::new(
                PackedChange::pack(&json)
                    .ok_or_else(|| "a change too large to pack".to_owned())?
                    .as_bytes()
                    .to_vec(),
            ),
            _ => return Err(wrong()),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn values_that_do_not_fit_their_column_are_refused_without_showing_them() {
        let e = Cell::Text("3201010101010001".into())
            .into_param(Kind::Uuid)
            .err()
            .unwrap();
        assert!(!e.contains("3201"), "{e}");
        assert!(Cell::Int(2).into_param(Kind::Bool).is_err());
        assert!(Cell::Int(i64::MAX).into_param(Kind::Int4).is_err());
        assert!(Cell::Real(1.5).into_param(Kind::Int8).is_err());
        assert!(Cell::Blob(vec![9, 9])
            .into_param(Kind::PackedChange)
            .is_err());
    }

    #[test]
    fn an_old_plain_change_is_packed_and_a_packed_one_kept() {
        let json = r#"{"household":{"id":"x"}}"#;
        let packed = PackedChange::pack(json).unwrap().as_bytes().to_vec();
        assert!(Cell::Text(json.into())
            .into_param(Kind::PackedChange)
            .is_ok());
        assert!(Cell::Blob(packed).into_param(Kind::PackedChange).is_ok());
    }
}
