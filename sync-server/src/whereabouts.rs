//! Where the households really are (issue 21 §3): the positions of a wilayah's records, grouped
//! by desa, judged by the shared rule (`pendata_shared::month::geo`: far from the desa's median
//! position by a robust distance; a photo's position far from the record's own). The dashboard's
//! map page draws them (`dashboard/map.rs`).
//!
//! The records are read with [`crate::store::each_exported`], one page at a time, and only their
//! positions are kept: a kecamatan of ten thousand households is parsed once per page view
//! (docs/dashboard.md gives the cost). Nothing here is stored.

use std::collections::BTreeMap;

use pendata_shared::model::{GeoSource, Geotag};
use pendata_shared::month::geo::{desa_outliers, photo_disagreement, GeoRules, Position};
use pendata_shared::{HouseholdId, Questionnaire};

use crate::store::{each_exported, ExportHousehold, RecordStore, Scope, StoreError};

/// One photo that carries a position.
#[derive(Debug, Clone, PartialEq)]
pub struct PhotoPoint {
    /// The photo kind's stereotype (F-RUMAH, F-KK, …).
    pub kind: &'static str,
    pub position: Position,
    /// Read from the photo's EXIF, or the phone's GPS when it was taken.
    pub source: GeoSource,
}

/// One record with a position.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub id: HouseholdId,
    pub desa_code: String,
    pub head_name: String,
    pub questionnaire: Questionnaire,
    pub position: Position,
    pub photos: Vec<PhotoPoint>,
}

/// Why a record is flagged.
#[derive(Debug, Clone, PartialEq)]
pub enum Flag {
    /// Farther from its desa's median position than the desa's spread allows.
    FarFromDesa { distance_m: f64, threshold_m: f64 },
    /// A photo whose position lies this far from the record's.
    PhotoElsewhere {
        kind: &'static str,
        source: GeoSource,
        distance_m: f64,
    },
}

/// A record with its flags.
#[derive(Debug, Clone, PartialEq)]
pub struct Flagged {
    pub point: Point,
    pub flags: Vec<Flag>,
}

impl Flagged {
    /// The largest distance among its flags (the table is sorted by it).
    pub fn worst_m(&self) -> f64 {
        self.flags
            .iter()
            .map(|f| match f {
                Flag::FarFromDesa { distance_m, .. } | Flag::PhotoElsewhere { distance_m, .. } => {
                    *distance_m
                }
            })
            .fold(0.0, f64::max)
    }
}

/// The positions of one area, judged.
#[derive(Debug, Default)]
pub struct Survey {
    /// desa code → its positioned records.
    pub desas: BTreeMap<String, Vec<Point>>,
    /// Flagged records, the farthest first.
    pub flagged: Vec<Flagged>,
    /// Records (current, not withdrawn) without a position of their own.
    pub unpositioned: u64,
}

impl Survey {
    /// Whether the record is flagged.
    pub fn is_flagged(&self, id: HouseholdId) -> bool {
        self.flagged.iter().any(|f| f.point.id == id)
    }
}

fn position(g: &Geotag) -> Option<Position> {
    let ok = g.latitude.is_finite()
        && g.longitude.is_finite()
        && (-90.0..=90.0).contains(&g.latitude)
        && (-180.0..=180.0).contains(&g.longitude);
    ok.then(|| Position::new(g.latitude, g.longitude))
}

/// The record's position and its photos' positions; `None` without a current record or without
/// a position of its own. `Err(())` for a withdrawn or never-sent record (not counted at all).
fn point_of(e: &ExportHousehold) -> Result<Option<Point>, ()> {
    let s = &e.summary;
    if s.deleted || s.current_revision.is_none() {
        return Err(());
    }
    let (geotag, photos, head) = match (&e.household, &e.family) {
        (Some(h), _) => (h.geotag.as_ref(), &h.photos, crate::store::head_name_of(h)),
        (None, Some(f)) => (f.geotag.as_ref(), &f.photos, f.head_name().to_owned()),
        (None, None) => return Err(()),
    };
    let Some(position) = geotag.and_then(position) else {
        return Ok(None);
    };
    let photos = photos
        .iter()
        .filter_map(|p| {
            let g = p.geotag.as_ref()?;
            Some(PhotoPoint {
                kind: p.kind.stereotype(),
                position: self::position(g)?,
                source: g.source,
            })
        })
        .collect();
    Ok(Some(Point {
        id: s.id,
        desa_code: s.desa_code.clone(),
        head_name: head,
        questionnaire: s.questionnaire,
        position,
        photos,
    }))
}

/// Judges the records' positions: per desa with [`desa_outliers`], each photo with
/// [`photo_disagreement`].
pub fn judge(points: Vec<Point>, unpositioned: u64, rules: &GeoRules) -> Survey {
    let mut desas: BTreeMap<String, Vec<Point>> = BTreeMap::new();
    for p in points {
        desas.entry(p.desa_code.clone()).or_default().push(p);
    }
    let mut flagged = Vec::new();
    for points in desas.values() {
        let keyed: Vec<(usize, Position)> = points
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.position))
            .collect();
        let mut flags: BTreeMap<usize, Vec<Flag>> = BTreeMap::new();
        for o in desa_outliers(&keyed, rules) {
            flags.entry(o.key).or_default().push(Flag::FarFromDesa {
                distance_m: o.distance_m,
                threshold_m: o.threshold_m,
            });
        }
        for (i, p) in points.iter().enumerate() {
            for photo in &p.photos {
                if let Some(d) = photo_disagreement(p.position, photo.position, rules) {
                    flags.entry(i).or_default().push(Flag::PhotoElsewhere {
                        kind: photo.kind,
                        source: photo.source,
                        distance_m: d,
                    });
                }
            }
        }
        for (i, f) in flags {
            flagged.push(Flagged {
                point: points[i].clone(),
                flags: f,
            });
        }
    }
    flagged.sort_by(|a, b| b.worst_m().total_cmp(&a.worst_m()));
    Survey {
        desas,
        flagged,
        unpositioned,
    }
}

/// Reads every record inside `scope` and judges their positions.
pub fn survey(
    store: &dyn RecordStore,
    scope: &Scope,
    rules: &GeoRules,
) -> Result<Survey, StoreError> {
    let mut points = Vec::new();
    let mut unpositioned = 0u64;
    each_exported(store, scope, |e| {
        match point_of(&e) {
            Ok(Some(p)) => points.push(p),
            Ok(None) => unpositioned += 1,
            Err(()) => {}
        }
        Ok::<(), StoreError>(())
    })?;
    Ok(judge(points, unpositioned, rules))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn point(desa: &str, lat: f64, lon: f64) -> Point {
        Point {
            id: HouseholdId::new(),
            desa_code: desa.into(),
            head_name: "x".into(),
            questionnaire: Questionnaire::DtksBdt,
            position: Position::new(lat, lon),
            photos: Vec::new(),
        }
    }

    #[test]
    fn outliers_are_judged_per_desa_and_photos_against_their_record() {
        let mut points: Vec<Point> = (0..6)
            .map(|i| point("3201022001", -6.45 + f64::from(i) * 0.0004, 106.95))
            .collect();
        // Five houses of a second desa 10 km away are not outliers of their own desa.
        points.extend((0..5).map(|i| point("3201022002", -6.54 + f64::from(i) * 0.0004, 106.95)));
        let far = point("3201022001", -6.50, 106.95);
        let far_id = far.id;
        points.push(far);
        let mut elsewhere = point("3201022002", -6.5404, 106.95);
        elsewhere.photos.push(PhotoPoint {
            kind: "F-RUMAH",
            position: Position::new(-6.53, 106.95),
            source: GeoSource::PhotoExif,
        });
        let elsewhere_id = elsewhere.id;
        points.push(elsewhere);
        let s = judge(points, 2, &GeoRules::default());
        assert_eq!(s.desas.len(), 2);
        assert_eq!(s.unpositioned, 2);
        assert_eq!(s.flagged.len(), 2, "{:?}", s.flagged);
        assert_eq!(s.flagged[0].point.id, far_id, "farthest first");
        assert!(matches!(
            s.flagged[0].flags[0],
            Flag::FarFromDesa { distance_m, .. } if (5_000.0..6_000.0).contains(&distance_m)
        ));
        assert_eq!(s.flagged[1].point.id, elsewhere_id);
        assert!(matches!(
            s.flagged[1].flags[0],
            Flag::PhotoElsewhere { kind: "F-RUMAH", distance_m, .. } if (1_000.0..1_200.0).contains(&distance_m)
        ));
        assert!(s.is_flagged(far_id) && !s.is_flagged(HouseholdId::new()));
    }
}
