//! The SIKS-NG "Pemeringkatan Desil" export (DTSEN-REFERENCE §3.6): one row per person with
//! Nomor KK, NIK and Desil, and often more columns (names, addresses) that Pendata ignores.
//! Desil is BPS's number: Pendata reads it, never computes it.
//!
//! Read as a stream ([`DesilReader`] is an iterator over rows), so that a 100,000-row file
//! never sits in memory whole. Row errors give the line number and the reason, never a value
//! (it may be a NIK). Columns are found by name in any order; the separator is a comma or a
//! semicolon (what a spreadsheet saves with Indonesian regional settings); a byte-order mark
//! is skipped; a leading apostrophe (a spreadsheet's "keep as text" mark) is removed.

use std::io::{BufRead, Read};

use chrono::NaiveDate;

use crate::dtsen::codes::WelfareDecile;
use crate::nik::{parse_kk, parse_nik};
use crate::prelist::RowError;

/// One person's desil.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesilRow {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    pub kk_number: String,
    pub nik: String,
    pub desil: WelfareDecile,
}

/// A file that cannot be read as a desil export at all (as opposed to one bad row).
#[derive(Debug, thiserror::Error)]
pub enum DesilFileError {
    #[error("berkas kosong (the file is empty)")]
    Empty,
    #[error(
        "kolom {0} tidak ada di baris judul; yang dibutuhkan: Nomor KK, NIK, Desil \
         (column {0} is missing from the header; needed: Nomor KK, NIK, Desil)"
    )]
    MissingColumn(&'static str),
    #[error("berkas tidak terbaca: {0} (the file cannot be read)")]
    Io(#[from] std::io::Error),
}

impl DesilFileError {
    /// The stable code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            DesilFileError::Empty => "desil.empty",
            DesilFileError::MissingColumn(_) => "desil.missing_column",
            DesilFileError::Io(_) => "desil.io",
        }
    }
}

/// A header cell reduced to letters: `Nomor KK` → `nomorkk`, `NO_KK` → `nokk`.
fn header_key(cell: &str) -> String {
    cell.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn find(keys: &[String], names: &[&str], column: &'static str) -> Result<usize, DesilFileError> {
    keys.iter()
        .position(|k| names.contains(&k.as_str()))
        .ok_or(DesilFileError::MissingColumn(column))
}

/// The rows of a desil export, one at a time.
pub struct DesilReader<R: Read> {
    records: csv::StringRecordsIntoIter<R>,
    kk: usize,
    nik: usize,
    desil: usize,
    today: NaiveDate,
}

impl<R: BufRead> DesilReader<std::io::Chain<std::io::Cursor<Vec<u8>>, R>> {
    /// Reads the header line of `input` (to learn the separator and the columns) and returns
    /// the reader of the rows after it.
    pub fn new(mut input: R, today: NaiveDate) -> Result<Self, DesilFileError> {
        let mut first = Vec::new();
        input.read_until(b'\n', &mut first)?;
        if first.iter().all(u8::is_ascii_whitespace) {
            return Err(DesilFileError::Empty);
        }
        if first.starts_with(b"\xEF\xBB\xBF") {
            first.drain(..3);
        }
        let semicolons = first.iter().filter(|&&b| b == b';').count();
        let commas = first.iter().filter(|&&b| b == b',').count();
        let delimiter = if semicolons > commas { b';' } else { b',' };
        let mut records = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(std::io::Cursor::new(first).chain(input));
        let header = records
            .headers()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        let keys: Vec<String> = header.iter().map(header_key).collect();
        Ok(Self {
            kk: find(
                &keys,
                &["nomorkk", "nokk", "kk", "nomorkartukeluarga", "nkk"],
                "Nomor KK",
            )?,
            nik: find(&keys, &["nik", "nomornik", "noktp", "nomorinduk"], "NIK")?,
            desil: find(
                &keys,
                &["desil", "peringkatdesil", "desilnasional"],
                "Desil",
            )?,
            records: records.into_records(),
            today,
        })
    }
}

/// A cell as a number string: trimmed, a leading apostrophe removed.
fn number_cell(v: &str) -> &str {
    let v = v.trim();
    v.strip_prefix('\'').unwrap_or(v).trim()
}

/// A number a spreadsheet wrote in scientific notation (`3,20101E+15`) has lost its digits.
fn is_scientific(v: &str) -> bool {
    v.contains(['E', 'e']) && v.chars().any(|c| c.is_ascii_digit())
}

impl<R: Read> DesilReader<R> {
    fn row(&self, line: u64, rec: &csv::StringRecord) -> Result<DesilRow, String> {
        let get = |i: usize| number_cell(rec.get(i).unwrap_or(""));
        let (kk, nik, desil) = (get(self.kk), get(self.nik), get(self.desil));
        for (name, v) in [("Nomor KK", kk), ("NIK", nik)] {
            if is_scientific(v) {
                return Err(format!(
                    "{name}: tertulis sebagai angka ilmiah (mis. 3,2E+15) sehingga digitnya hilang; \
                     simpan kolom sebagai teks lalu ekspor ulang (written in scientific notation, \
                     its digits are lost; save the column as text and export again)"
                ));
            }
        }
        parse_kk(kk, self.today)
            .map_err(|e| format!("Nomor KK: {} ({})", e.message_id(), e.message_en()))?;
        parse_nik(nik, self.today, None)
            .map_err(|e| format!("NIK: {} ({})", e.message_id(), e.message_en()))?;
        let desil = desil
            .parse::<u8>()
            .ok()
            .and_then(WelfareDecile::from_code)
            .ok_or("Desil: angka 1-10 (a number 1-10)")?;
        Ok(DesilRow {
            line,
            kk_number: kk.to_owned(),
            nik: nik.to_owned(),
            desil,
        })
    }
}

impl<R: Read> Iterator for DesilReader<R> {
    type Item = Result<DesilRow, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let rec = match self.records.next()? {
                Ok(rec) => rec,
                Err(e) => {
                    return Some(Err(RowError {
                        line: e.position().map_or(0, |p| p.line()),
                        reason: "baris CSV rusak (malformed CSV row)".into(),
                    }))
                }
            };
            let line = rec.position().map_or(0, |p| p.line());
            // A spreadsheet often saves empty trailing rows (`;;`).
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            return Some(
                self.row(line, &rec)
                    .map_err(|reason| RowError { line, reason }),
            );
        }
    }
}

/// A family's desil: what Pendata keeps from the file (the NIK is checked, then dropped; it is
/// not needed to show a family's desil and must not be kept in a new place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyDesil {
    pub kk_number: String,
    pub desil: WelfareDecile,
}

/// A whole desil file, checked: one desil per family, or the reasons it cannot be taken.
#[derive(Debug, Default)]
pub struct DesilFile {
    /// One per KK, in order of first appearance.
    pub families: Vec<FamilyDesil>,
    /// Good rows read.
    pub rows: u64,
    /// The first [`MAX_REPORTED_ERRORS`] bad rows.
    pub errors: Vec<RowError>,
    /// Every bad row, reported or not.
    pub error_count: u64,
}

/// How many bad rows a [`DesilFile`] keeps to report (the count goes on).
pub const MAX_REPORTED_ERRORS: usize = 100;

impl DesilFile {
    /// Reads every row: a family's rows must agree on its desil (a disagreeing row is bad).
    /// Holds one entry per family, never the file.
    pub fn check<R: Read>(reader: DesilReader<R>) -> Self {
        let mut out = DesilFile::default();
        let mut seen: std::collections::HashMap<String, (usize, u64)> =
            std::collections::HashMap::new();
        for row in reader {
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    out.bad(e);
                    continue;
                }
            };
            match seen.get(&row.kk_number) {
                Some(&(i, first)) if out.families[i].desil != row.desil => out.bad(RowError {
                    line: row.line,
                    reason: format!(
                        "Desil: berbeda dengan baris {first} untuk Nomor KK yang sama \
                         (differs from line {first} for the same KK number)"
                    ),
                }),
                Some(_) => out.rows += 1,
                None => {
                    seen.insert(row.kk_number.clone(), (out.families.len(), row.line));
                    out.families.push(FamilyDesil {
                        kk_number: row.kk_number,
                        desil: row.desil,
                    });
                    out.rows += 1;
                }
            }
        }
        out
    }

    fn bad(&mut self, e: RowError) {
        self.error_count += 1;
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(e);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::codes::Sex;
    use crate::nik::make_nik;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()
    }

    fn nik(serial: u16) -> String {
        make_nik(
            "320101",
            Sex::Female,
            NaiveDate::from_ymd_opt(1980, 5, 17).unwrap(),
            serial,
        )
    }

    const KK: &str = "3201012503150001";

    fn rows(text: &str) -> Vec<Result<DesilRow, RowError>> {
        DesilReader::new(text.as_bytes(), today())
            .unwrap()
            .collect()
    }

    #[test]
    fn reads_the_siks_ng_columns_in_any_order_with_either_separator() {
        let comma = format!("Nama,NIK,Nomor KK,Desil\nSiti,{},{KK},3\n", nik(1));
        let semi = format!(
            "\u{feff}No;Nomor KK;NIK;Desil\n1;'{KK};'{};3\n;;;\n",
            nik(1)
        );
        for text in [comma, semi] {
            let got = rows(&text);
            assert_eq!(got.len(), 1, "{text}");
            let row = got[0].as_ref().unwrap();
            assert_eq!(
                (row.line, row.kk_number.as_str(), row.nik.as_str()),
                (2, KK, nik(1).as_str())
            );
            assert_eq!(row.desil, WelfareDecile::Decile3);
        }
    }

    #[test]
    fn bad_rows_say_their_line_and_reason_without_the_number() {
        let text = format!(
            "Nomor KK,NIK,Desil\n{KK},{},11\n{KK},1234,2\n{KK},3.20101E+15,2\n{KK},{},10\n",
            nik(1),
            nik(2)
        );
        let got = rows(&text);
        let errors: Vec<&RowError> = got.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3, 4]);
        assert!(errors[0].reason.starts_with("Desil"));
        assert!(errors[1].reason.starts_with("NIK"));
        assert!(errors[2].reason.contains("angka ilmiah"));
        for e in &errors {
            assert!(!e.reason.contains("1234") && !e.reason.contains(&nik(1)));
        }
        assert_eq!(got[3].as_ref().unwrap().desil, WelfareDecile::Decile10);
    }

    #[test]
    fn a_file_without_the_columns_is_refused_whole() {
        let err = DesilReader::new("Nama,NIK\nSiti,1\n".as_bytes(), today())
            .err()
            .unwrap();
        assert_eq!(err.code(), "desil.missing_column");
        assert!(err.to_string().contains("Nomor KK"));
        let err = DesilReader::new("".as_bytes(), today()).err().unwrap();
        assert_eq!(err.code(), "desil.empty");
    }

    /// Makes a desil file of `rows` rows on demand and counts the bytes handed out.
    struct Generated {
        next_row: u32,
        rows: u32,
        pending: Vec<u8>,
        handed_out: std::rc::Rc<std::cell::Cell<usize>>,
    }

    impl Read for Generated {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.pending.is_empty() {
                if self.next_row == 0 {
                    self.pending = b"Nomor KK,NIK,Desil\n".to_vec();
                } else if self.next_row <= self.rows {
                    let i = self.next_row;
                    let line = format!("{KK},{},{}\n", nik((i % 9000 + 1) as u16), i % 10 + 1);
                    self.pending = line.into_bytes();
                } else {
                    return Ok(0);
                }
                self.next_row += 1;
            }
            let n = buf.len().min(self.pending.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            self.handed_out.set(self.handed_out.get() + n);
            Ok(n)
        }
    }

    #[test]
    fn a_long_file_is_read_as_a_stream() {
        let handed_out = std::rc::Rc::new(std::cell::Cell::new(0));
        let file = Generated {
            next_row: 0,
            rows: 100_000,
            pending: Vec::new(),
            handed_out: handed_out.clone(),
        };
        let mut reader = DesilReader::new(std::io::BufReader::new(file), today()).unwrap();
        for _ in 0..10 {
            reader.next().unwrap().unwrap();
        }
        // 100,000 rows are ~3.5 MB; ten rows must not have pulled more than a few buffers.
        assert!(
            handed_out.get() < 64 * 1024,
            "{} bytes read",
            handed_out.get()
        );
        let mut n = 10u64;
        for (i, row) in reader.enumerate() {
            assert_eq!(row.unwrap().line, i as u64 + 12);
            n += 1;
        }
        assert_eq!(n, 100_000);
    }

    #[test]
    fn a_family_has_one_desil() {
        let text = format!(
            "Nomor KK,NIK,Desil\n{KK},{},4\n{KK},{},4\n{KK},{},5\n3201012503150002,{},9\n",
            nik(1),
            nik(2),
            nik(3),
            nik(4)
        );
        let file = DesilFile::check(DesilReader::new(text.as_bytes(), today()).unwrap());
        assert_eq!(file.rows, 3);
        assert_eq!(file.error_count, 1);
        assert_eq!(file.errors[0].line, 4);
        assert!(file.errors[0].reason.contains("baris 2"));
        assert_eq!(
            file.families,
            [
                FamilyDesil {
                    kk_number: KK.into(),
                    desil: WelfareDecile::Decile4
                },
                FamilyDesil {
                    kk_number: "3201012503150002".into(),
                    desil: WelfareDecile::Decile9
                }
            ]
        );
    }
}
