//! Photo kinds (the SIKS-Droid stereotypes), photo references and the checklist rule.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{MemberId, Sha256Hex};
use crate::model::{Geotag, Household, RecordKind};

/// The kind of a photo, spelled on the wire as the SIKS-Droid stereotype (`"F-RUMAH"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PhotoKind {
    #[serde(rename = "F-RUMAH")]
    Rumah,
    /// The inside of the house (DTSEN ground check).
    #[serde(rename = "F-RUMAH-DALAM")]
    RumahDalam,
    #[serde(rename = "F-DINDING")]
    Dinding,
    #[serde(rename = "F-LANTAI")]
    Lantai,
    #[serde(rename = "F-ATAP")]
    Atap,
    #[serde(rename = "F-DAPUR")]
    Dapur,
    #[serde(rename = "F-JAMBAN")]
    Jamban,
    #[serde(rename = "F-KK")]
    Kk,
    #[serde(rename = "F-KTP")]
    Ktp,
    #[serde(rename = "F-KRT")]
    Krt,
    /// Berita acara musdes/muskel, for new proposals.
    #[serde(rename = "F-BERITA-ACARA")]
    BeritaAcara,
    /// A PBI-JK case: the faskes letter (surat keterangan berobat) that shows a need for care
    /// (DTSEN-REFERENCE §3.3; required).
    #[serde(rename = "F-SURAT-FASKES")]
    SuratFaskes,
    /// A PBI-JK case: the desa's SKTM (surat keterangan tidak mampu; optional).
    #[serde(rename = "F-SKTM")]
    Sktm,
    /// A PKH graduation case: the statement letter (resignation, or for graduasi paksa the
    /// desa's letter that the family is mampu) (§3.4).
    #[serde(rename = "F-SURAT-GRADUASI")]
    SuratGraduasi,
}

impl PhotoKind {
    /// The nine kinds SIKS-Droid asks for in verivali, in checklist order.
    pub const VERIVALI_NINE: [PhotoKind; 9] = [
        PhotoKind::Rumah,
        PhotoKind::Dinding,
        PhotoKind::Lantai,
        PhotoKind::Atap,
        PhotoKind::Dapur,
        PhotoKind::Jamban,
        PhotoKind::Kk,
        PhotoKind::Ktp,
        PhotoKind::Krt,
    ];
    /// The minimum for a new proposal: KK, KTP and the house front.
    pub const USULAN_MINIMUM: [PhotoKind; 3] = [PhotoKind::Kk, PhotoKind::Ktp, PhotoKind::Rumah];
    /// The DTSEN ground check's checklist: the house front, its inside and the KK
    /// (DTSEN-REFERENCE.md §3.1).
    pub const GROUND_CHECK: [PhotoKind; 3] =
        [PhotoKind::Rumah, PhotoKind::RumahDalam, PhotoKind::Kk];
    /// Every kind a household or a family form takes (the DTKS export has one column for each;
    /// the case documents below are not among them).
    pub const FORM_KINDS: [PhotoKind; 11] = [
        PhotoKind::Rumah,
        PhotoKind::RumahDalam,
        PhotoKind::Dinding,
        PhotoKind::Lantai,
        PhotoKind::Atap,
        PhotoKind::Dapur,
        PhotoKind::Jamban,
        PhotoKind::Kk,
        PhotoKind::Ktp,
        PhotoKind::Krt,
        PhotoKind::BeritaAcara,
    ];
    /// Every kind.
    pub const ALL: [PhotoKind; 14] = [
        PhotoKind::Rumah,
        PhotoKind::RumahDalam,
        PhotoKind::Dinding,
        PhotoKind::Lantai,
        PhotoKind::Atap,
        PhotoKind::Dapur,
        PhotoKind::Jamban,
        PhotoKind::Kk,
        PhotoKind::Ktp,
        PhotoKind::Krt,
        PhotoKind::BeritaAcara,
        PhotoKind::SuratFaskes,
        PhotoKind::Sktm,
        PhotoKind::SuratGraduasi,
    ];

    /// The stereotype as spelled by SIKS-Droid, e.g. `"F-RUMAH"`.
    pub const fn stereotype(self) -> &'static str {
        match self {
            PhotoKind::Rumah => "F-RUMAH",
            PhotoKind::RumahDalam => "F-RUMAH-DALAM",
            PhotoKind::Dinding => "F-DINDING",
            PhotoKind::Lantai => "F-LANTAI",
            PhotoKind::Atap => "F-ATAP",
            PhotoKind::Dapur => "F-DAPUR",
            PhotoKind::Jamban => "F-JAMBAN",
            PhotoKind::Kk => "F-KK",
            PhotoKind::Ktp => "F-KTP",
            PhotoKind::Krt => "F-KRT",
            PhotoKind::BeritaAcara => "F-BERITA-ACARA",
            PhotoKind::SuratFaskes => "F-SURAT-FASKES",
            PhotoKind::Sktm => "F-SKTM",
            PhotoKind::SuratGraduasi => "F-SURAT-GRADUASI",
        }
    }

    /// Parse a stereotype (case-insensitive, with or without the `F-` prefix).
    pub fn parse(s: &str) -> Option<Self> {
        let up = s.trim().to_ascii_uppercase();
        let up = up.strip_prefix("F-").unwrap_or(&up);
        Self::ALL
            .into_iter()
            .find(|k| k.stereotype().strip_prefix("F-") == Some(up))
    }

    /// Label in Bahasa Indonesia.
    pub const fn label_id(self) -> &'static str {
        match self {
            PhotoKind::Rumah => "Rumah tampak depan",
            PhotoKind::RumahDalam => "Bagian dalam rumah",
            PhotoKind::Dinding => "Dinding",
            PhotoKind::Lantai => "Lantai",
            PhotoKind::Atap => "Atap",
            PhotoKind::Dapur => "Dapur",
            PhotoKind::Jamban => "Jamban",
            PhotoKind::Kk => "Kartu Keluarga",
            PhotoKind::Ktp => "KTP",
            PhotoKind::Krt => "Kepala rumah tangga",
            PhotoKind::BeritaAcara => "Berita acara musdes",
            PhotoKind::SuratFaskes => "Surat keterangan berobat (faskes)",
            PhotoKind::Sktm => "SKTM dari desa",
            PhotoKind::SuratGraduasi => "Surat pernyataan graduasi",
        }
    }

    /// Label in English.
    pub const fn label_en(self) -> &'static str {
        match self {
            PhotoKind::Rumah => "House front",
            PhotoKind::RumahDalam => "House inside",
            PhotoKind::Dinding => "Wall",
            PhotoKind::Lantai => "Floor",
            PhotoKind::Atap => "Roof",
            PhotoKind::Dapur => "Kitchen",
            PhotoKind::Jamban => "Latrine",
            PhotoKind::Kk => "Family card (KK)",
            PhotoKind::Ktp => "Identity card (KTP)",
            PhotoKind::Krt => "Head of household",
            PhotoKind::BeritaAcara => "Musdes minutes",
            PhotoKind::SuratFaskes => "Health facility letter",
            PhotoKind::Sktm => "Village certificate of poverty (SKTM)",
            PhotoKind::SuratGraduasi => "Graduation statement letter",
        }
    }

    /// Whether the photo shows an identity document (personal data, kept legible: larger size).
    pub const fn is_document(self) -> bool {
        matches!(
            self,
            PhotoKind::Kk
                | PhotoKind::Ktp
                | PhotoKind::BeritaAcara
                | PhotoKind::SuratFaskes
                | PhotoKind::Sktm
                | PhotoKind::SuratGraduasi
        )
    }
}

impl std::fmt::Display for PhotoKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.stereotype())
    }
}

/// A photo attached to a household: the bytes travel separately, addressed by their hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhotoRef {
    pub kind: PhotoKind,
    /// SHA-256 of the stored (processed) JPEG bytes.
    pub sha256: Sha256Hex,
    /// Size of the stored JPEG in bytes.
    pub bytes: u64,
    pub width: u32,
    pub height: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geotag: Option<Geotag>,
    #[serde(deserialize_with = "crate::time::utc")]
    pub taken_at: DateTime<Utc>,
    /// The member shown (for F-KTP and F-KRT), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<MemberId>,
}

/// The photo kinds a household still needs before it can be final, in checklist order.
/// A verivali household interviewed in full (hasil 1) needs all nine kinds; a new proposal needs
/// F-KK, F-KTP and F-RUMAH; other verivali results need none.
pub fn missing_photo_kinds(h: &Household) -> Vec<PhotoKind> {
    let required: &[PhotoKind] = match h.kind {
        RecordKind::UsulanBaru { .. } => &PhotoKind::USULAN_MINIMUM,
        RecordKind::Verivali { .. } if h.is_full_interview() => &PhotoKind::VERIVALI_NINE,
        RecordKind::Verivali { .. } => &[],
    };
    required
        .iter()
        .copied()
        .filter(|k| !h.photos.iter().any(|p| p.kind == *k))
        .collect()
}

/// The checklist as (kind, present) pairs for display: the nine kinds for verivali, the
/// minimum plus the berita acara for a new proposal.
pub fn photo_checklist(h: &Household) -> Vec<(PhotoKind, bool)> {
    let kinds: &[PhotoKind] = match h.kind {
        RecordKind::UsulanBaru { .. } => &[
            PhotoKind::Kk,
            PhotoKind::Ktp,
            PhotoKind::Rumah,
            PhotoKind::BeritaAcara,
        ],
        RecordKind::Verivali { .. } => &PhotoKind::VERIVALI_NINE,
    };
    kinds
        .iter()
        .map(|k| (*k, h.photos.iter().any(|p| p.kind == *k)))
        .collect()
}

/// Why the bytes of a photo a record references cannot be used on the device (a storage
/// cleaner removed the file, the browser evicted site data, a backup was half restored, the
/// file was damaged). The record keeps the reference; only a retake mends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalPhotoProblem {
    /// No file for the photo.
    Missing,
    /// The file is there but could not be read (I/O error, not decryptable).
    Unreadable,
    /// The file was read but its bytes are not the photo's (SHA-256 mismatch).
    Damaged,
}

impl LocalPhotoProblem {
    /// Every problem, in a fixed order.
    pub const ALL: [LocalPhotoProblem; 3] = [
        LocalPhotoProblem::Missing,
        LocalPhotoProblem::Unreadable,
        LocalPhotoProblem::Damaged,
    ];

    /// The stored spelling (`missing`, `unreadable`, `damaged`).
    pub const fn as_str(self) -> &'static str {
        match self {
            LocalPhotoProblem::Missing => "missing",
            LocalPhotoProblem::Unreadable => "unreadable",
            LocalPhotoProblem::Damaged => "damaged",
        }
    }

    /// Parse the stored spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The stable code of the finding (`photo.not_on_device`, `photo.unreadable_on_device`,
    /// `photo.damaged_on_device`).
    pub const fn code(self) -> &'static str {
        match self {
            LocalPhotoProblem::Missing => "photo.not_on_device",
            LocalPhotoProblem::Unreadable => "photo.unreadable_on_device",
            LocalPhotoProblem::Damaged => "photo.damaged_on_device",
        }
    }
}
