//! The registry checks a Dinsos tunes (`[registry]` in the config file, docs/server.md): the
//! distances that flag a household far from its desa or a photo taken elsewhere (the shared
//! rule, `pendata_shared::month::geo`), and each programme's desil cut-off.
//!
//! No source fixes the distances. The cut-offs are the reported ones (DTSEN-REFERENCE §3.6:
//! PKH desil 1-4; Sembako and PBI-JK desil 1-5); a Dinsos whose programme reads otherwise
//! changes them here. Pendata never computes a desil: it compares BPS's number with these.

use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::dtsen::family::ListProgramme;
use pendata_shared::month::geo::GeoRules;
use serde::{Deserialize, Serialize};

/// `[registry]`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistryRules {
    /// `[registry.geo]`: `min_outlier_m`, `mad_multiple`, `min_households`,
    /// `photo_disagreement_m`.
    pub geo: GeoRules,
    /// `[registry.desil_cutoff]`: the highest desil each programme still serves.
    pub desil_cutoff: DesilCutoffs,
}

/// The highest desil (1-10) each programme serves; a family above it is a tidak layak signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DesilCutoffs {
    pub pkh: u8,
    pub sembako: u8,
    pub pbi_jk: u8,
}

impl Default for DesilCutoffs {
    fn default() -> Self {
        Self {
            pkh: 4,
            sembako: 5,
            pbi_jk: 5,
        }
    }
}

impl DesilCutoffs {
    /// The cut-off of one programme.
    pub fn of(&self, programme: ListProgramme) -> u8 {
        match programme {
            ListProgramme::Pkh => self.pkh,
            ListProgramme::Sembako => self.sembako,
            ListProgramme::PbiJk => self.pbi_jk,
        }
    }

    /// The programmes whose cut-off `desil` lies above: only `programme` when the family is on
    /// one programme's list, else every programme.
    pub fn exceeded(
        &self,
        desil: WelfareDecile,
        programme: Option<ListProgramme>,
    ) -> Vec<(ListProgramme, u8)> {
        let candidates: &[ListProgramme] = match &programme {
            Some(p) => std::slice::from_ref(p),
            None => &ListProgramme::ALL,
        };
        candidates
            .iter()
            .map(|p| (*p, self.of(*p)))
            .filter(|(_, cut)| desil.code() > *cut)
            .collect()
    }

    /// A cut-off outside 1-10 is a typing error, refused at start.
    pub fn check(&self) -> Result<(), String> {
        for (name, v) in [
            ("pkh", self.pkh),
            ("sembako", self.sembako),
            ("pbi_jk", self.pbi_jk),
        ] {
            if !(1..=10).contains(&v) {
                return Err(format!(
                    "[registry.desil_cutoff] {name} = {v}: harus 1-10 (must be 1-10)"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_desil_above_a_programmes_cut_off_names_that_programme() {
        let c = DesilCutoffs::default();
        let d5 = WelfareDecile::from_code(5).unwrap();
        // Desil 5 is above PKH's 4 only.
        assert_eq!(c.exceeded(d5, None), [(ListProgramme::Pkh, 4)]);
        assert!(c.exceeded(d5, Some(ListProgramme::Sembako)).is_empty());
        let d7 = WelfareDecile::from_code(7).unwrap();
        assert_eq!(c.exceeded(d7, None).len(), 3);
        assert_eq!(
            c.exceeded(d7, Some(ListProgramme::PbiJk)),
            [(ListProgramme::PbiJk, 5)]
        );
        let d1 = WelfareDecile::from_code(1).unwrap();
        assert!(c.exceeded(d1, None).is_empty());
    }

    #[test]
    fn the_rules_are_read_from_toml_and_bad_cut_offs_are_refused() {
        let r: RegistryRules =
            toml::from_str("[geo]\nmin_outlier_m = 800.0\n[desil_cutoff]\npkh = 3\n").unwrap();
        assert_eq!(r.geo.min_outlier_m, 800.0);
        assert_eq!(
            r.geo.photo_disagreement_m,
            GeoRules::default().photo_disagreement_m
        );
        assert_eq!(r.desil_cutoff.pkh, 3);
        assert_eq!(r.desil_cutoff.sembako, 5);
        assert!(r.desil_cutoff.check().is_ok());
        let bad = DesilCutoffs {
            pbi_jk: 11,
            ..DesilCutoffs::default()
        };
        assert!(bad.check().unwrap_err().contains("pbi_jk"));
        assert!(toml::from_str::<RegistryRules>("[geo]\nnope = 1\n").is_err());
        // The server's config file refuses a bad cut-off before it starts.
        let err =
            crate::config::FileConfig::parse("[registry.desil_cutoff]\npkh = 0\n").unwrap_err();
        assert!(err.contains("pkh"), "{err}");
    }
}
