//! `GET /dashboard/signals?kecamatan=CODE&signal=asn|died|desil`: the tidak-layak signals the
//! registry can see in a kecamatan (issue 21 §3, `crate::tidak_layak`), each record with its
//! reasons and a link to its review page. A signal is a reason to check, not a decision.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use pendata_shared::Lang;
use serde::Deserialize;

use super::area::{area_of, choice_page, chooser, filter_form, registry_rows_of};
use super::{html_response, page, t, wilayah_name, DashError, WebUser};
use crate::registry_rules::DesilCutoffs;
use crate::tidak_layak::{RegistryRow, Signal};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct SignalParams {
    kecamatan: Option<String>,
    /// `asn`, `died`, `desil`; absent or empty: every signal.
    signal: Option<String>,
}

const KINDS: [&str; 3] = ["asn", "died", "desil"];

fn kind_label(lang: Lang, code: &str) -> &'static str {
    match code {
        "asn" => t(lang, "Anggota ASN/TNI/Polri", "Member is ASN/TNI/Polri"),
        "died" => t(lang, "Anggota meninggal", "Member died"),
        _ => t(
            lang,
            "Desil di atas batas program",
            "Desil above the programme's cut-off",
        ),
    }
}

pub(crate) fn signal_text(lang: Lang, s: &Signal) -> String {
    match s {
        Signal::Asn { member } => format!(
            "{member}: {}",
            t(
                lang,
                "PNS/ASN/TNI/Polri/BUMN/BUMD/pejabat negara (status pekerjaan kode 5)",
                "civil servant/military/police/state enterprise/state official (employment status code 5)"
            )
        ),
        Signal::Died { member } => format!(
            "{member}: {}",
            t(
                lang,
                "meninggal (keberadaan kode 2)",
                "deceased (presence code 2)"
            )
        ),
        Signal::DesilAbove { desil, programmes } => {
            let list: Vec<String> = programmes
                .iter()
                .map(|(p, cut)| format!("{} 1–{cut}", p.text().get(lang)))
                .collect();
            format!(
                "Desil {} {} {}",
                desil.code(),
                t(lang, "di atas batas", "above the cut-off of"),
                list.join(", ")
            )
        }
    }
}

fn cutoff_note(lang: Lang, c: &DesilCutoffs) -> Markup {
    html! {
        p.note #desil-cutoffs {
            (t(lang, "Batas desil (konfigurasi [registry.desil_cutoff]):", "Desil cut-offs ([registry.desil_cutoff] in the configuration):"))
            " PKH 1–" (c.pkh) ", BPNT/Sembako 1–" (c.sembako) ", PBI-JK 1–" (c.pbi_jk) ". "
            (t(lang,
                "Desil adalah angka BPS dari berkas SIKS-NG yang diimpor; Pendata tidak menghitungnya.",
                "The desil is BPS's number from the imported SIKS-NG file; Pendata does not compute it."))
        }
    }
}

fn table(lang: Lang, rows: &[&RegistryRow], only: Option<&str>) -> Markup {
    html! {
        table.list #signals {
            caption { (t(lang, "Catatan dengan sinyal tidak layak", "Records with tidak-layak signals")) " (" (rows.len()) ")" }
            thead { tr {
                th scope="col" { (t(lang, "Kepala", "Head")) }
                th scope="col" { (t(lang, "Desa", "Desa")) }
                th scope="col" { (t(lang, "Desil", "Desil")) }
                th scope="col" { (t(lang, "Alasan", "Reasons")) }
                th scope="col" { (t(lang, "Tinjau", "Review")) }
            } }
            tbody {
                @for r in rows {
                    tr data-household=(r.id) {
                        td { @if r.head_name.is_empty() { "—" } @else { (r.head_name) } }
                        td { (wilayah_name(&r.desa_code)) }
                        td { (super::desil::desil_cell(lang, &r.desil)) }
                        td { ul.reasons {
                            @for s in r.signals.iter().filter(|s| only.is_none_or(|o| s.code() == o)) {
                                li data-signal=(s.code()) { (signal_text(lang, s)) }
                            }
                        } }
                        td { a href=(format!("/dashboard/households/{}", r.id)) {
                            (t(lang, "Buka", "Open")) span.visually-hidden { " " (r.head_name) }
                        } }
                    }
                }
            }
        }
    }
}

/// `GET /dashboard/signals?kecamatan=&signal=`
pub async fn page_handler(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<SignalParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let title = t(lang, "Sinyal tidak layak", "Tidak-layak signals");
    let only = match q.signal.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(*KINDS.iter().find(|k| **k == s).ok_or_else(|| {
            DashError::bad_request(
                "signals.bad_signal",
                "Sinyal harus asn, died atau desil",
                "The signal must be asn, died or desil",
            )
        })?),
    };
    let cutoffs = state.config.registry.desil_cutoff;
    let Some(area) = area_of(&user, q.kecamatan.as_deref())? else {
        let note = cutoff_note(lang, &cutoffs);
        return Ok(choice_page(lang, &user, title, "/dashboard/signals", note));
    };
    let rows = registry_rows_of(&state, &area).await?;
    let shown: Vec<&RegistryRow> = rows
        .iter()
        .filter(|r| match only {
            None => !r.signals.is_empty(),
            Some(o) => r.signals.iter().any(|s| s.code() == o),
        })
        .collect();
    let kec = area.kecamatan.clone();
    let mut options = vec![(
        String::new(),
        t(lang, "semua sinyal", "every signal").to_owned(),
    )];
    options.extend(
        KINDS
            .iter()
            .map(|k| ((*k).to_owned(), kind_label(lang, k).to_owned())),
    );
    let body = html! {
        h1 { (title) ": " (wilayah_name(&kec)) }
        p { (t(lang,
            "Tanda-tanda dari data registri yang membuat sebuah keluarga mungkin tidak layak menerima bansos (DTSEN-REFERENCE §3.8). Periksa setiap catatan; sinyal bukan keputusan.",
            "Signs in the registry's data that a family may not be eligible for social aid (DTSEN-REFERENCE §3.8). Check each record; a signal is not a decision.")) }
        (chooser(lang, &user, "/dashboard/signals", Some(&kec)))
        (filter_form(lang, "/dashboard/signals", &kec,
            (t(lang, "Sinyal", "Signal"), "signal", "signal"), &options, only.unwrap_or("")))
        (cutoff_note(lang, &cutoffs))
        @if shown.is_empty() {
            p.empty #signals-empty { (t(lang,
                "Tidak ada catatan dengan sinyal ini di wilayah Anda.",
                "No record with this signal in your wilayah.")) }
        } @else {
            (table(lang, &shown, only))
        }
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}
