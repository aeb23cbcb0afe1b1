//! Where a household really is. Two signals for the supervisor, both with the distance so a
//! person can judge (DTSEN-REFERENCE §3.2 asks objections to carry the house's coordinates):
//! - a position far from the others of its desa: far from the desa's median position by more
//!   than the usual spread allows (a robust rule: the median distance plus a multiple of the
//!   median absolute deviation, so that a few wrong points cannot move the centre), and more
//!   than a minimum distance (a tight hamlet must not flag a house 300 m away);
//! - a photo whose EXIF position disagrees with the record's own by more than a distance.
//!
//! The distances are [`GeoRules`] fields: no source gives them, so they are the Dinsos's choice.

use serde::{Deserialize, Serialize};

/// A position in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    pub latitude: f64,
    pub longitude: f64,
}

impl Position {
    pub fn new(latitude: f64, longitude: f64) -> Self {
        Self {
            latitude,
            longitude,
        }
    }

    /// Great-circle distance in metres (haversine on a sphere of the Earth's mean radius:
    /// within 0.5 % of the ellipsoid, plenty to judge hundreds of metres).
    pub fn distance_m(self, other: Position) -> f64 {
        const R: f64 = 6_371_008.8;
        let (p1, p2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dp = p2 - p1;
        let dl = (other.longitude - self.longitude).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * R * a.sqrt().min(1.0).asin()
    }
}

/// The Dinsos's distances.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeoRules {
    /// Never flag a house closer than this to the desa's centre.
    pub min_outlier_m: f64,
    /// How many median absolute deviations beyond the median distance make an outlier.
    pub mad_multiple: f64,
    /// Fewer positioned households than this in a desa: no judgement (no centre to trust).
    pub min_households: usize,
    /// A photo taken farther than this from the record's position is flagged.
    pub photo_disagreement_m: f64,
}

impl Default for GeoRules {
    fn default() -> Self {
        Self {
            min_outlier_m: 2_000.0,
            mad_multiple: 5.0,
            min_households: 5,
            photo_disagreement_m: 500.0,
        }
    }
}

/// A household far from its desa.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outlier<K> {
    pub key: K,
    /// From the desa's median position.
    pub distance_m: f64,
    /// Beyond this distance a household of this desa is flagged.
    pub threshold_m: f64,
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// The desa's centre: the median latitude and the median longitude.
pub fn median_position(points: &[Position]) -> Option<Position> {
    let mut lat: Vec<f64> = points.iter().map(|p| p.latitude).collect();
    let mut lon: Vec<f64> = points.iter().map(|p| p.longitude).collect();
    Some(Position::new(median(&mut lat)?, median(&mut lon)?))
}

/// The households of one desa that lie far from the others, farthest first.
pub fn desa_outliers<K: Copy>(households: &[(K, Position)], rules: &GeoRules) -> Vec<Outlier<K>> {
    if households.len() < rules.min_households.max(1) {
        return Vec::new();
    }
    let points: Vec<Position> = households.iter().map(|(_, p)| *p).collect();
    let Some(centre) = median_position(&points) else {
        return Vec::new();
    };
    let distances: Vec<f64> = points.iter().map(|p| p.distance_m(centre)).collect();
    let mut sorted = distances.clone();
    let med = median(&mut sorted).unwrap_or(0.0);
    let mut deviations: Vec<f64> = distances.iter().map(|d| (d - med).abs()).collect();
    let mad = median(&mut deviations).unwrap_or(0.0);
    let threshold_m = (med + rules.mad_multiple * mad).max(rules.min_outlier_m);
    let mut out: Vec<Outlier<K>> = households
        .iter()
        .zip(distances)
        .filter(|(_, d)| *d > threshold_m)
        .map(|((key, _), distance_m)| Outlier {
            key: *key,
            distance_m,
            threshold_m,
        })
        .collect();
    out.sort_by(|a, b| b.distance_m.total_cmp(&a.distance_m));
    out
}

/// The distance between a record's position and a photo's EXIF position, when it is more
/// than the rules allow.
pub fn photo_disagreement(record: Position, photo: Position, rules: &GeoRules) -> Option<f64> {
    let d = record.distance_m(photo);
    (d > rules.photo_disagreement_m).then_some(d)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn distances_are_metres_on_the_ground() {
        // One degree of latitude is ~111.2 km; Bandung to Jakarta is ~120 km in a line.
        let a = Position::new(-6.9, 107.6);
        assert!((a.distance_m(Position::new(-5.9, 107.6)) - 111_195.0).abs() < 100.0);
        let jakarta = Position::new(-6.2, 106.8167);
        let d = Position::new(-6.9175, 107.6191).distance_m(jakarta);
        assert!((115_000.0..125_000.0).contains(&d), "{d}");
        assert_eq!(a.distance_m(a), 0.0);
    }

    /// Twenty houses within ~300 m of a desa centre near Bandung, on a fixed pattern.
    fn village() -> Vec<(u32, Position)> {
        (0..20u32)
            .map(|i| {
                let angle = f64::from(i) * 2.4;
                let r = 0.0005 + 0.0025 * f64::from(i % 5) / 5.0;
                (
                    i,
                    Position::new(-6.9 + r * angle.sin(), 107.6 + r * angle.cos()),
                )
            })
            .collect()
    }

    #[test]
    fn a_house_far_from_its_desa_is_flagged_with_its_distance() {
        let mut houses = village();
        assert!(desa_outliers(&houses, &GeoRules::default()).is_empty());
        // Typed with the wrong sign of the latitude, and one 5 km off.
        houses.push((100, Position::new(6.9, 107.6)));
        houses.push((101, Position::new(-6.945, 107.6)));
        let out = desa_outliers(&houses, &GeoRules::default());
        assert_eq!(out.iter().map(|o| o.key).collect::<Vec<_>>(), [100, 101]);
        assert!(out[0].distance_m > 1_500_000.0);
        assert!((4_500.0..5_500.0).contains(&out[1].distance_m));
        // The wrong points did not drag the centre: the threshold stays the minimum.
        assert_eq!(out[1].threshold_m, 2_000.0);
    }

    #[test]
    fn a_desa_with_few_positions_is_not_judged() {
        let mut houses: Vec<(u32, Position)> = village().into_iter().take(3).collect();
        houses.push((9, Position::new(-7.5, 110.0)));
        assert!(desa_outliers(&houses, &GeoRules::default()).is_empty());
        let rules = GeoRules {
            min_households: 4,
            ..GeoRules::default()
        };
        assert_eq!(desa_outliers(&houses, &rules)[0].key, 9);
    }

    #[test]
    fn a_photo_taken_elsewhere_is_flagged() {
        let house = Position::new(-6.9, 107.6);
        let rules = GeoRules::default();
        assert_eq!(
            photo_disagreement(house, Position::new(-6.9001, 107.6), &rules),
            None
        );
        let d = photo_disagreement(house, Position::new(-6.91, 107.6), &rules).unwrap();
        assert!((1_000.0..1_200.0).contains(&d), "{d}");
    }
}
