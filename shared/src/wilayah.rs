//! Kemendagri region codes (provinsi, kabupaten/kota, kecamatan, desa/kelurahan).
//!
//! The data ships in `assets/wilayah/wilayah.tsv` (generated from `../shared/data/wilayah` by
//! `cargo run -p pendata-shared --example gen_wilayah`; MIT, see `assets/wilayah/SOURCE.md`): one
//! line per region, `code<TAB>kind<TAB>name`, codes without dots, sorted by code. Because a code's
//! descendants all start with the code, sorted order puts them right after it, so looking up a
//! code is a binary search and listing the desa of a kecamatan is one contiguous slice: cheap
//! enough for every keystroke. The embedded copy is parsed once, borrowing its names.

use std::sync::OnceLock;

/// The embedded region list.
pub const EMBEDDED_TSV: &str = include_str!("../../assets/wilayah/wilayah.tsv");

/// The level and type of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegionKind {
    Province,
    Regency,
    City,
    District,
    Village,
    UrbanVillage,
    CustomaryVillage,
}

impl RegionKind {
    fn from_char(c: u8) -> Option<Self> {
        Some(match c {
            b'P' => Self::Province,
            b'B' => Self::Regency,
            b'K' => Self::City,
            b'C' => Self::District,
            b'D' => Self::Village,
            b'L' => Self::UrbanVillage,
            b'A' => Self::CustomaryVillage,
            _ => return None,
        })
    }

    /// The character used in the TSV file.
    pub const fn as_char(self) -> char {
        match self {
            Self::Province => 'P',
            Self::Regency => 'B',
            Self::City => 'K',
            Self::District => 'C',
            Self::Village => 'D',
            Self::UrbanVillage => 'L',
            Self::CustomaryVillage => 'A',
        }
    }

    /// The length of a code of this kind, without dots.
    pub const fn code_len(self) -> usize {
        match self {
            Self::Province => 2,
            Self::Regency | Self::City => 4,
            Self::District => 6,
            Self::Village | Self::UrbanVillage | Self::CustomaryVillage => 10,
        }
    }

    /// Label in Bahasa Indonesia.
    pub const fn label_id(self) -> &'static str {
        match self {
            Self::Province => "Provinsi",
            Self::Regency => "Kabupaten",
            Self::City => "Kota",
            Self::District => "Kecamatan",
            Self::Village => "Desa",
            Self::UrbanVillage => "Kelurahan",
            Self::CustomaryVillage => "Desa adat",
        }
    }
}

/// One region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region<'a> {
    /// Code without dots: 2, 4, 6 or 10 digits.
    pub code: &'a str,
    pub kind: RegionKind,
    pub name: &'a str,
}

impl Region<'_> {
    /// The code with dots, as in the Kemendagri decree (`11.01.01.2001`).
    pub fn dotted_code(&self) -> String {
        dotted(self.code)
    }
}

/// Insert the dots into a plain code of 2, 4, 6 or 10 digits.
pub fn dotted(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 3);
    for (i, c) in code.chars().enumerate() {
        if matches!(i, 2 | 4 | 6) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Why the region list could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("region list line {line}: {reason}")]
pub struct WilayahParseError {
    pub line: usize,
    pub reason: &'static str,
}

/// The region list, sorted by code.
#[derive(Debug, Clone)]
pub struct Wilayah<'a> {
    regions: Vec<Region<'a>>,
}

impl<'a> Wilayah<'a> {
    /// Parse the TSV form (`code<TAB>kind<TAB>name` per line, sorted by code).
    pub fn parse(tsv: &'a str) -> Result<Self, WilayahParseError> {
        let mut regions = Vec::with_capacity(tsv.len() / 24);
        for (i, line) in tsv.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let err = |reason| WilayahParseError {
                line: i + 1,
                reason,
            };
            let mut parts = line.splitn(3, '\t');
            let code = parts.next().ok_or(err("missing code"))?;
            let kind = parts
                .next()
                .and_then(|k| (k.len() == 1).then(|| k.as_bytes()[0]))
                .and_then(RegionKind::from_char)
                .ok_or(err("bad kind"))?;
            let name = parts.next().ok_or(err("missing name"))?;
            if code.len() != kind.code_len() || !code.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("code does not fit its kind"));
            }
            if let Some(prev) = regions.last().map(|r: &Region<'_>| r.code) {
                if prev >= code {
                    return Err(err("codes not sorted or duplicated"));
                }
            }
            regions.push(Region { code, kind, name });
        }
        Ok(Self { regions })
    }

    /// The list shipped with Pendata (Kemendagri 2025), parsed once.
    pub fn embedded() -> &'static Wilayah<'static> {
        static CELL: OnceLock<Wilayah<'static>> = OnceLock::new();
        // The embedded file is checked by this crate's tests; an empty list is the fallback so
        // that a broken build degrades to "unknown code" warnings instead of a panic.
        CELL.get_or_init(|| {
            Wilayah::parse(EMBEDDED_TSV).unwrap_or(Wilayah {
                regions: Vec::new(),
            })
        })
    }

    /// Number of regions of every level.
    pub fn len(&self) -> usize {
        self.regions.len()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }

    /// The region with this code (with or without dots).
    pub fn get(&self, code: &str) -> Option<Region<'a>> {
        let plain = strip_dots(code);
        self.regions
            .binary_search_by(|r| r.code.cmp(plain.as_ref()))
            .ok()
            .map(|i| self.regions[i])
    }

    /// The region and all its descendants, in code order.
    pub fn subtree(&self, code: &str) -> &[Region<'a>] {
        let plain = strip_dots(code);
        let plain = plain.as_ref();
        let start = self.regions.partition_point(|r| r.code < plain);
        let len = self.regions[start..].partition_point(|r| r.code.starts_with(plain));
        &self.regions[start..start + len]
    }

    /// The direct children of a region (kabupaten of a province, desa of a kecamatan, ...).
    /// The empty code lists the provinces.
    pub fn children(&self, code: &str) -> impl Iterator<Item = Region<'a>> + '_ {
        let plain = strip_dots(code).into_owned();
        let child_len = match plain.len() {
            0 => 2,
            2 => 4,
            4 => 6,
            6 => 10,
            _ => usize::MAX,
        };
        self.subtree(&plain)
            .iter()
            .filter(move |r| r.code.len() == child_len)
            .copied()
    }

    /// Every region of one kind.
    pub fn of_kind(&self, kind: RegionKind) -> impl Iterator<Item = Region<'a>> + '_ {
        self.regions.iter().filter(move |r| r.kind == kind).copied()
    }

    /// The region and its ancestors, from the province down.
    pub fn path(&self, code: &str) -> Vec<Region<'a>> {
        let plain = strip_dots(code);
        [2, 4, 6, 10]
            .into_iter()
            .filter(|n| *n <= plain.len())
            .filter_map(|n| self.get(&plain[..n]))
            .collect()
    }

    /// "Desa X, Kec. Y, Kabupaten Z, Provinsi W" for display; the code itself when unknown.
    pub fn describe(&self, code: &str) -> String {
        let path = self.path(code);
        if path.is_empty() {
            return code.to_string();
        }
        path.iter()
            .rev()
            .map(|r| match r.kind {
                RegionKind::Regency | RegionKind::City => r.name.to_string(),
                RegionKind::District => format!("Kec. {}", r.name),
                k => format!("{} {}", k.label_id(), r.name),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether `code` is a known desa/kelurahan.
    pub fn is_village(&self, code: &str) -> bool {
        self.get(code).is_some_and(|r| r.code.len() == 10)
    }

    /// Whether `code` is a known kecamatan.
    pub fn is_district(&self, code: &str) -> bool {
        self.get(code)
            .is_some_and(|r| r.kind == RegionKind::District)
    }
}

fn strip_dots(code: &str) -> std::borrow::Cow<'_, str> {
    if code.contains('.') {
        std::borrow::Cow::Owned(code.replace('.', ""))
    } else {
        std::borrow::Cow::Borrowed(code.trim())
    }
}

/// The desa (10-digit codes) of one kecamatan, read straight from the embedded region list
/// (`code<TAB>kind<TAB>name`, sorted by code, so a region's descendants follow it). A binary
/// search over the text's lines: the work list needs a dozen names, and parsing all 91,000
/// regions ([`Wilayah::embedded`]) would cost an app's start-up ~10 MB of memory and a few ms.
pub fn desa_in_tsv(tsv: &str, kecamatan: &str) -> Vec<(String, String)> {
    let bytes = tsv.as_bytes();
    let line_start = |i: usize| {
        bytes[..i]
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |p| p + 1)
    };
    let line_end = |i: usize| {
        bytes[i..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(bytes.len(), |p| i + p)
    };
    let code_at = |i: usize| {
        let line = &tsv[i..line_end(i)];
        line.split('\t').next().unwrap_or("")
    };
    // First line whose code is >= `kecamatan` (`lo` is always a line start).
    let (mut lo, mut hi) = (0, bytes.len());
    while lo < hi {
        let start = line_start((lo + hi) / 2).max(lo);
        if code_at(start) < kecamatan {
            lo = (line_end(start) + 1).min(bytes.len());
        } else {
            hi = start;
        }
    }
    tsv[lo..]
        .lines()
        .map(|l| l.splitn(3, '\t').collect::<Vec<_>>())
        .take_while(|f| f.first().is_some_and(|c| c.starts_with(kecamatan)))
        .filter(|f| f.len() == 3 && f[0].len() == 10)
        .map(|f| (f[0].to_string(), f[2].to_string()))
        .collect()
}
