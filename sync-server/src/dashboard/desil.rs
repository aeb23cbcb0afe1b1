//! Desil on the dashboard (issue 21 §3): the desil of each family as BPS ranked it (imported
//! from SIKS-NG's "Pemeringkatan Desil" file, `import-desil`; Pendata shows it, never computes
//! it) on the review pages, and `GET /dashboard/desil?kecamatan=CODE&desil=1-4|5|none` listing a
//! kecamatan's records filtered by it.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use pendata_shared::dtsen::codes::WelfareDecile;
use pendata_shared::Lang;
use serde::Deserialize;

use super::area::{area_of, choice_page, chooser, filter_form, registry_rows_of};
use super::{html_response, page, t, wilayah_name, DashError, WebUser};
use crate::tidak_layak::{DesilSource, RegistryRow};
use crate::AppState;

/// The desil of a record's families as one cell ("Desil 3"; several families: "Desil 3 · Desil
/// 6"; none: "—"), with where it came from.
pub(crate) fn desil_cell(lang: Lang, desil: &[(WelfareDecile, DesilSource)]) -> Markup {
    html! {
        @if desil.is_empty() {
            span.desil.none { "—" }
        } @else {
            @for (i, (d, source)) in desil.iter().enumerate() {
                @if i > 0 { " · " }
                span.desil data-desil=(d.code()) { "Desil " (d.code()) }
                @if *source == DesilSource::GroundCheckList {
                    " " small { "(" (t(lang, "dari daftar cek lapangan", "from the ground-check list")) ")" }
                }
            }
        }
    }
}

/// The review page's desil line (`dt`/`dd` inside the page's address list).
pub(crate) fn desil_entry(lang: Lang, desil: &[(WelfareDecile, DesilSource)]) -> Markup {
    html! {
        dt { (t(lang, "Desil (BPS, SIKS-NG)", "Desil (BPS, SIKS-NG)")) }
        dd #desil {
            (desil_cell(lang, desil))
            @if desil.is_empty() {
                " " small { (t(lang, "belum ada di berkas desil yang diimpor", "not in the imported desil file yet")) }
            }
        }
    }
}

/// The desil of the record on a review page: its families' KK numbers looked up in the imported
/// SIKS-NG desil, else the ground-check list's.
pub(crate) async fn of_record(
    state: &AppState,
    household: Option<&pendata_shared::model::Household>,
    family: Option<&pendata_shared::dtsen::FamilyRecord>,
) -> Result<Vec<(WelfareDecile, DesilSource)>, DashError> {
    use pendata_shared::dtsen::family::FamilyProcess;
    let (kks, list): (Vec<String>, Option<WelfareDecile>) = match (household, family) {
        (Some(h), _) => (
            h.families.iter().map(|f| f.kk_number.clone()).collect(),
            None,
        ),
        (None, Some(f)) => (
            f.kk_number.iter().cloned().collect(),
            match &f.process {
                FamilyProcess::GroundCheck { desil, .. } => *desil,
                FamilyProcess::UsulanBaru { .. } => None,
            },
        ),
        (None, None) => return Ok(Vec::new()),
    };
    let registry = state.backend.registry.clone();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = kks.iter().map(String::as_str).collect();
        crate::tidak_layak::desil_of_record(registry.as_ref(), &refs, list)
    })
    .await
    .map_err(|e| DashError::Internal(e.to_string()))?
    .map_err(DashError::from)
}

/// Which records a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DesilFilter {
    All,
    /// Without a desil.
    None,
    Range(u8, u8),
}

impl DesilFilter {
    fn parse(s: Option<&str>) -> Option<Self> {
        let s = s.map(str::trim).unwrap_or("");
        if s.is_empty() {
            return Some(DesilFilter::All);
        }
        if s == "none" {
            return Some(DesilFilter::None);
        }
        let (lo, hi) = s.split_once('-').unwrap_or((s, s));
        let lo: u8 = lo.trim().parse().ok()?;
        let hi: u8 = hi.trim().parse().ok()?;
        ((1..=10).contains(&lo) && (lo..=10).contains(&hi)).then_some(DesilFilter::Range(lo, hi))
    }

    fn value(self) -> String {
        match self {
            DesilFilter::All => String::new(),
            DesilFilter::None => "none".into(),
            DesilFilter::Range(lo, hi) if lo == hi => lo.to_string(),
            DesilFilter::Range(lo, hi) => format!("{lo}-{hi}"),
        }
    }

    fn keeps(self, r: &RegistryRow) -> bool {
        match self {
            DesilFilter::All => true,
            DesilFilter::None => r.desil.is_empty(),
            DesilFilter::Range(lo, hi) => r.desil_within(lo, hi),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DesilParams {
    kecamatan: Option<String>,
    /// `N`, `N-M` (1-10), `none`; absent or empty: every record.
    desil: Option<String>,
}

/// The choices of the filter.
fn options(lang: Lang) -> Vec<(String, String)> {
    let mut v = vec![
        (String::new(), t(lang, "semua", "all").to_owned()),
        ("1-4".into(), "Desil 1–4 (PKH)".into()),
        ("1-5".into(), "Desil 1–5 (BPNT/Sembako, PBI-JK)".into()),
        ("6-10".into(), "Desil 6–10".into()),
    ];
    v.extend((1..=10).map(|d| (d.to_string(), format!("Desil {d}"))));
    v.push((
        "none".into(),
        t(lang, "tanpa desil", "without a desil").to_owned(),
    ));
    v
}

/// `GET /dashboard/desil?kecamatan=&desil=`
pub async fn page_handler(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<DesilParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let title = t(lang, "Desil keluarga", "Families' desil");
    let filter = DesilFilter::parse(q.desil.as_deref()).ok_or_else(|| {
        DashError::bad_request(
            "desil.bad_filter",
            "Desil harus 1-10, rentang seperti 1-4, atau none",
            "The desil must be 1-10, a range such as 1-4, or none",
        )
    })?;
    let Some(area) = area_of(&user, q.kecamatan.as_deref())? else {
        return Ok(choice_page(
            lang,
            &user,
            title,
            "/dashboard/desil",
            html! {},
        ));
    };
    let rows = registry_rows_of(&state, &area).await?;
    let shown: Vec<&RegistryRow> = rows.iter().filter(|r| filter.keeps(r)).collect();
    let kec = area.kecamatan.clone();
    let current = filter.value();
    let body = html! {
        h1 { (title) ": " (wilayah_name(&kec)) }
        p { (t(lang,
            "Desil adalah peringkat kesejahteraan dari BPS (berkas \"Pemeringkatan Desil\" SIKS-NG yang diimpor); Pendata menampilkannya, tidak menghitungnya.",
            "The desil is BPS's welfare ranking (SIKS-NG's imported \"Pemeringkatan Desil\" file); Pendata shows it and never computes it.")) }
        (chooser(lang, &user, "/dashboard/desil", Some(&kec)))
        (filter_form(lang, "/dashboard/desil", &kec,
            (t(lang, "Desil", "Desil"), "desil", "desil-filter"), &options(lang), &current))
        @if shown.is_empty() {
            p.empty #desil-empty { (t(lang, "Tidak ada catatan untuk filter ini.", "No record for this filter.")) }
        } @else {
            table.list #desil-list {
                caption { (t(lang, "Rumah tangga dan keluarga", "Households and families")) " (" (shown.len()) ")" }
                thead { tr {
                    th scope="col" { (t(lang, "Kepala", "Head")) }
                    th scope="col" { (t(lang, "Desa", "Desa")) }
                    th scope="col" { (t(lang, "Kuesioner", "Questionnaire")) }
                    th scope="col" { (t(lang, "Desil", "Desil")) }
                } }
                tbody {
                    @for r in &shown {
                        tr data-household=(r.id) {
                            td { a href=(format!("/dashboard/households/{}", r.id)) {
                                @if r.head_name.is_empty() { "—" } @else { (r.head_name) }
                            } }
                            td { (wilayah_name(&r.desa_code)) }
                            td { (r.questionnaire.text().get(lang)) }
                            td { (desil_cell(lang, &r.desil)) }
                        }
                    }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_reads_one_desil_a_range_or_none_and_refuses_the_rest() {
        assert_eq!(DesilFilter::parse(None), Some(DesilFilter::All));
        assert_eq!(
            DesilFilter::parse(Some("4")),
            Some(DesilFilter::Range(4, 4))
        );
        assert_eq!(
            DesilFilter::parse(Some("1-4")),
            Some(DesilFilter::Range(1, 4))
        );
        assert_eq!(DesilFilter::parse(Some("none")), Some(DesilFilter::None));
        for bad in ["0", "11", "5-2", "x", "1-"] {
            assert_eq!(DesilFilter::parse(Some(bad)), None, "{bad}");
        }
        assert_eq!(DesilFilter::Range(1, 4).value(), "1-4");
    }
}
