//! Component tests without a window: render with dioxus-ssr.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dioxus::prelude::*;
use pendata_app::{App, PhotoChecklist, PhotoChecklistProps, EXAMPLE_HOUSEHOLD};
use pendata_shared::{Household, PhotoKind};

fn render_checklist(h: Household) -> String {
    let mut dom = VirtualDom::new_with_props(PhotoChecklist, PhotoChecklistProps { household: h });
    dom.rebuild_in_place();
    dioxus_ssr::render(&dom)
}

#[test]
fn checklist_counts_the_photos_taken() {
    let mut h: Household = serde_json::from_str(EXAMPLE_HOUSEHOLD).unwrap();
    let html = render_checklist(h.clone());
    assert!(html.contains("Foto 9/9"), "{html}");
    assert!(!html.contains("missing"), "{html}");
    h.photos
        .retain(|p| p.kind != PhotoKind::Ktp && p.kind != PhotoKind::Dapur);
    let html = render_checklist(h);
    assert!(html.contains("Foto 7/9"), "{html}");
    assert_eq!(html.matches("class=\"missing\"").count(), 2, "{html}");
    assert!(html.contains("F-KTP"));
}

#[test]
fn first_screen_names_the_household_and_its_desa() {
    let mut dom = VirtualDom::new(App);
    dom.rebuild_in_place();
    let html = dioxus_ssr::render(&dom);
    assert!(html.contains("Ahmad Suryana"), "{html}");
    assert!(html.contains("Desa Wanaherang, Kec. Gunungputri"), "{html}");
}
