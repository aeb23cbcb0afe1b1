//! What a family's screens show beside its form (issue 21): BPS's desil from the Dinsos's
//! SIKS-NG import ("Desil 3 (peringkat BPS, SIKS-NG) · impor Dinsos 07-12-2026") and the
//! members' PKH components. Display only: the service fills `DesilLine` and `PkhLine` from the
//! store and the shared crate's rules.

use dioxus::prelude::*;
use pendata_shared::text::Localized;
use pendata_shared::Lang;

use crate::i18n::tr;
use crate::state::{DesilLine, PkhLine};
use crate::widgets::tid;

/// "Desil 3 (peringkat BPS, SIKS-NG) · impor Dinsos 07-12-2026".
pub fn desil_text(lang: Lang, d: &DesilLine) -> String {
    format!(
        "Desil {} ({}) · {} {}",
        d.desil,
        tr(lang, "facts.desil_rank"),
        tr(lang, "facts.desil_import"),
        d.imported_on.format("%d-%m-%Y")
    )
}

/// The desil entries of a `dl`: one per family that has one (with its KK number when there
/// are several), or the line saying the Dinsos's data has none yet.
pub fn desil_entries(lang: Lang, desil: &[DesilLine], with_kk: bool) -> Element {
    rsx! {
        dt { {tr(lang, "facts.desil")} }
        if desil.is_empty() {
            dd { "data-t": tid("desil-none"), {tr(lang, "facts.desil_none")} }
        }
        for (i, d) in desil.iter().enumerate() {
            dd { key: "{d.kk_number}", "data-t": tid(&format!("desil-{i}")), "data-desil": "{d.desil}",
                if with_kk { "{d.kk_number}: " }
                {desil_text(lang, d)}
            }
        }
    }
}

/// The family's PKH components: "Ibu hamil — Siti Aminah", one per line.
pub fn pkh_entries(lang: Lang, pkh: &[PkhLine]) -> Element {
    rsx! {
        dt { {tr(lang, "facts.pkh")} }
        if pkh.is_empty() {
            dd { "data-t": tid("pkh-none"), {tr(lang, "facts.pkh_none")} }
        }
        for (i, p) in pkh.iter().enumerate() {
            dd { key: "{i}", "data-t": tid(&format!("pkh-{i}")),
                {p.component.text().get(lang).to_string()} " — {p.member_name}"
            }
        }
    }
}
