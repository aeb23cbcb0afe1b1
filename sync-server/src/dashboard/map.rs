//! `GET /dashboard/map?kecamatan=CODE`: where the households of a kecamatan are (issue 21 §3).
//!
//! The points of every record with a position, coloured by desa, drawn as server-rendered SVG
//! (an equirectangular projection of the desas' extent: no tiles, no CDN, no script). Records
//! the shared rule flags — far from their desa's median position, or a photo taken elsewhere
//! (`crate::whereabouts`) — are drawn as larger ringed marks; one lying outside the drawn extent
//! sits on its edge. The SVG has an accessible name and description, and the flagged records are
//! listed in a table below it with the reason, the distance and a link to their review page.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{html, Markup};
use pendata_shared::model::GeoSource;
use pendata_shared::month::geo::Position;
use pendata_shared::Lang;
use serde::Deserialize;

use super::area::{area_of, choice_page, chooser};
use super::{html_response, page, t, wilayah_name, DashError, WebUser};
use crate::whereabouts::{survey, Flag, Survey};
use crate::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct MapParams {
    kecamatan: Option<String>,
}

/// Desa colours (dark enough for 3:1 against the white map); repeated past eight desas, where
/// the desa is also named in each point's title and the legend.
const PALETTE: [&str; 8] = [
    "#1f5fa8", "#b35900", "#2a7d2a", "#8e2c8e", "#00707a", "#7a5c00", "#5a4fcf", "#a8325e",
];

/// A distance for people: metres below 1 km, else km with one decimal.
pub(crate) fn distance(m: f64) -> String {
    if m < 1_000.0 {
        format!("{m:.0} m")
    } else {
        format!("{:.1} km", m / 1_000.0)
    }
}

fn source_label(lang: Lang, s: GeoSource) -> &'static str {
    match s {
        GeoSource::PhotoExif => t(lang, "EXIF foto", "photo EXIF"),
        GeoSource::Gps => t(lang, "GPS ponsel saat memotret", "phone GPS when taken"),
        GeoSource::Manual => t(lang, "diketik", "typed"),
    }
}

pub(crate) fn flag_text(lang: Lang, f: &Flag) -> String {
    match f {
        Flag::FarFromDesa {
            distance_m,
            threshold_m,
        } => format!(
            "{} {} ({} {})",
            t(
                lang,
                "Jauh dari titik tengah desanya:",
                "Far from its desa's centre:"
            ),
            distance(*distance_m),
            t(lang, "batas", "limit"),
            distance(*threshold_m)
        ),
        Flag::PhotoElsewhere {
            kind,
            source,
            distance_m,
        } => format!(
            "{} {kind} {} {} ({})",
            t(lang, "Foto", "Photo"),
            t(
                lang,
                "diambil jauh dari lokasi rumah:",
                "taken far from the house's position:"
            ),
            distance(*distance_m),
            source_label(lang, *source)
        ),
    }
}

/// Map size in CSS pixels.
const W: f64 = 720.0;
const H: f64 = 480.0;
const PAD: f64 = 24.0;

/// Projects positions into the SVG box: the extent of the unflagged points (so that one point
/// typed with the wrong sign does not shrink the rest to a dot), kept square in metres.
struct Projection {
    min_lat: f64,
    max_lat: f64,
    min_lon: f64,
    max_lon: f64,
    scale: f64,
    kx: f64,
}

impl Projection {
    fn of(s: &Survey) -> Option<Self> {
        let mut pts: Vec<Position> = s
            .desas
            .values()
            .flatten()
            .filter(|p| !s.is_flagged(p.id))
            .map(|p| p.position)
            .collect();
        if pts.is_empty() {
            pts = s.desas.values().flatten().map(|p| p.position).collect();
        }
        let first = pts.first()?;
        let (mut min_lat, mut max_lat, mut min_lon, mut max_lon) = (
            first.latitude,
            first.latitude,
            first.longitude,
            first.longitude,
        );
        for p in &pts {
            min_lat = min_lat.min(p.latitude);
            max_lat = max_lat.max(p.latitude);
            min_lon = min_lon.min(p.longitude);
            max_lon = max_lon.max(p.longitude);
        }
        // At least ~1 km across, so one house or one street is not blown up.
        let span = 0.01;
        if max_lat - min_lat < span {
            let c = (max_lat + min_lat) / 2.0;
            (min_lat, max_lat) = (c - span / 2.0, c + span / 2.0);
        }
        if max_lon - min_lon < span {
            let c = (max_lon + min_lon) / 2.0;
            (min_lon, max_lon) = (c - span / 2.0, c + span / 2.0);
        }
        let kx = ((min_lat + max_lat) / 2.0).to_radians().cos().max(0.1);
        let scale = ((W - 2.0 * PAD) / ((max_lon - min_lon) * kx))
            .min((H - 2.0 * PAD) / (max_lat - min_lat));
        Some(Self {
            min_lat,
            max_lat,
            min_lon,
            max_lon,
            scale,
            kx,
        })
    }

    /// (x, y, inside the extent).
    fn xy(&self, p: Position) -> (f64, f64, bool) {
        let inside = (self.min_lat..=self.max_lat).contains(&p.latitude)
            && (self.min_lon..=self.max_lon).contains(&p.longitude);
        let x = PAD + (p.longitude - self.min_lon) * self.kx * self.scale;
        let y = H - PAD - (p.latitude - self.min_lat) * self.scale;
        (x.clamp(6.0, W - 6.0), y.clamp(6.0, H - 6.0), inside)
    }
}

fn svg(lang: Lang, kec_name: &str, s: &Survey) -> Markup {
    let total: usize = s.desas.values().map(Vec::len).sum();
    let proj = Projection::of(s);
    let desc = format!(
        "{} {total} {} {} {}; {} {}. {}",
        t(lang, "Titik", "Points of"),
        t(lang, "rumah tangga/keluarga di", "households/families in"),
        s.desas.len(),
        t(lang, "desa", "desa"),
        s.flagged.len(),
        t(
            lang,
            "ditandai (lingkaran besar bercincin)",
            "flagged (large ringed marks)"
        ),
        t(
            lang,
            "Daftar yang ditandai ada di tabel di bawah peta.",
            "The flagged ones are listed in the table below the map."
        ),
    );
    html! {
        svg.map #map xmlns="http://www.w3.org/2000/svg" width=(W) height=(H)
            viewBox=(format!("0 0 {W} {H}")) role="img" aria-labelledby="map-title map-desc" {
            title #map-title { (t(lang, "Peta lokasi", "Map of positions")) " — " (kec_name) }
            desc #map-desc { (desc) }
            rect x="0" y="0" width=(W) height=(H) fill="#ffffff" stroke="#5f6b7a" {}
            @if let Some(proj) = &proj {
                @for (i, (desa, points)) in s.desas.iter().enumerate() {
                    g.desa data-desa=(desa) fill=(PALETTE[i % PALETTE.len()]) {
                        @for p in points {
                            @let (x, y, inside) = proj.xy(p.position);
                            @if s.is_flagged(p.id) {
                                circle.outlier data-household=(p.id) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="8"
                                    stroke="#c00000" stroke-width="3" {
                                    title { (p.head_name) " · " (wilayah_name(desa)) " · "
                                        (t(lang, "ditandai", "flagged"))
                                        @if !inside { " · " (t(lang, "di luar batas peta", "outside the drawn area")) } }
                                }
                            } @else {
                                circle.point data-household=(p.id) cx=(format!("{x:.1}")) cy=(format!("{y:.1}")) r="4" {
                                    title { (p.head_name) " · " (wilayah_name(desa)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn legend(lang: Lang, s: &Survey) -> Markup {
    html! {
        table.list #map-desa {
            caption { (t(lang, "Desa di peta", "Desa on the map")) }
            thead { tr {
                th scope="col" { (t(lang, "Warna", "Colour")) }
                th scope="col" { (t(lang, "Desa", "Desa")) }
                th.num scope="col" { (t(lang, "Titik", "Points")) }
                th.num scope="col" { (t(lang, "Ditandai", "Flagged")) }
            } }
            tbody {
                @for (i, (desa, points)) in s.desas.iter().enumerate() {
                    tr {
                        td { svg width="14" height="14" aria-hidden="true" { rect width="14" height="14" fill=(PALETTE[i % PALETTE.len()]) {} } }
                        td { (wilayah_name(desa)) }
                        td.num { (points.len()) }
                        td.num { (points.iter().filter(|p| s.is_flagged(p.id)).count()) }
                    }
                }
            }
        }
    }
}

fn flagged_table(lang: Lang, s: &Survey) -> Markup {
    html! {
        @if s.flagged.is_empty() {
            p.empty #map-flagged-empty { (t(lang,
                "Tidak ada rumah tangga yang ditandai di kecamatan ini.",
                "No household is flagged in this kecamatan.")) }
        } @else {
            table.list #map-flagged {
                caption { (t(lang, "Rumah tangga/keluarga yang ditandai", "Flagged households/families")) " (" (s.flagged.len()) ")" }
                thead { tr {
                    th scope="col" { (t(lang, "Kepala", "Head")) }
                    th scope="col" { (t(lang, "Desa", "Desa")) }
                    th scope="col" { (t(lang, "Alasan", "Reason")) }
                    th scope="col" { (t(lang, "Tinjau", "Review")) }
                } }
                tbody {
                    @for f in &s.flagged {
                        tr data-household=(f.point.id) {
                            td { @if f.point.head_name.is_empty() { "—" } @else { (f.point.head_name) } }
                            td { (wilayah_name(&f.point.desa_code)) }
                            td { ul.reasons { @for fl in &f.flags { li { (flag_text(lang, fl)) } } } }
                            td { a href=(format!("/dashboard/households/{}", f.point.id)) {
                                (t(lang, "Buka", "Open")) span.visually-hidden { " " (f.point.head_name) }
                            } }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /dashboard/map?kecamatan=`
pub async fn page_handler(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<MapParams>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let title = t(lang, "Peta lokasi", "Map of positions");
    let area = area_of(&user, q.kecamatan.as_deref())?;
    let Some(area) = area else {
        return Ok(choice_page(lang, &user, title, "/dashboard/map", html! {}));
    };
    let rules = state.config.registry.geo;
    let scope = area.scope.clone();
    let s = state
        .records(move |store| survey(store, &scope, &rules))
        .await?;
    let kec_name = wilayah_name(&area.kecamatan);
    let body = html! {
        h1 { (title) ": " (kec_name) }
        (chooser(lang, &user, "/dashboard/map", Some(&area.kecamatan)))
        p { (t(lang,
            "Setiap titik adalah lokasi rumah tangga atau keluarga yang dikirim petugas, berwarna menurut desa. Lingkaran besar bercincin merah: lokasinya jauh dari rumah-rumah lain di desanya, atau fotonya diambil di tempat lain.",
            "Each point is a household's or family's position as sent by the facilitator, coloured by desa. Large red-ringed marks: far from the other houses of its desa, or its photos were taken elsewhere.")) }
        @if s.desas.is_empty() {
            p.empty #map-empty { (t(lang, "Belum ada lokasi di kecamatan ini.", "No positions in this kecamatan yet.")) }
        } @else {
            figure.map {
                (svg(lang, &kec_name, &s))
            }
            (legend(lang, &s))
        }
        @if s.unpositioned > 0 {
            p #map-unpositioned { (s.unpositioned) " " (t(lang,
                "catatan tanpa lokasi tidak digambar.",
                "record(s) without a position are not drawn.")) }
        }
        h2 { (t(lang, "Yang ditandai", "Flagged")) }
        (flagged_table(lang, &s))
    };
    Ok(html_response(
        StatusCode::OK,
        page(lang, title, Some(&user), body),
    ))
}
