//! The form's save label tells the truth: "Menyimpan…" while an edit waits in the worker,
//! "Tersimpan HH:MM" once the store holds it, and why not when the store could not take it.

use super::common::*;

use pendata_core::Device;

/// The save label's text.
pub(super) fn label(html: &str) -> String {
    let start = html
        .find("data-t=\"save-status\"")
        .unwrap_or_else(|| panic!("no save label: {html}"));
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</span>").unwrap();
    rest[open..close].to_string()
}

/// "Tersimpan 14:05": a real clock time.
pub(super) fn says_saved_at(text: &str) -> bool {
    text.strip_prefix("Tersimpan ")
        .is_some_and(|t| chrono::NaiveTime::parse_from_str(t, "%H:%M").is_ok())
}

#[test]
fn the_save_label_says_menyimpan_until_the_store_holds_the_edit() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    device_with(dir.path(), std::slice::from_ref(&h));
    let mut app = Harness::start(dir.path());
    super::open_example(&mut app, "review");
    let html = app.wait_text("data-t=\"f-notes\"");
    assert_eq!(label(&html), "Tersimpan otomatis");

    // Another connection holds the database's write lock: the edit waits in the worker.
    let other = Device::unlock(dir.path(), PIN).unwrap();
    other
        .store()
        .connection()
        .execute_batch("BEGIN IMMEDIATE")
        .unwrap();
    app.change("f-notes", "Pintu biru");
    assert_eq!(label(&app.html()), "Menyimpan…");
    for _ in 0..6 {
        app.pump();
    }
    assert_eq!(label(&app.html()), "Menyimpan…", "not stored yet");
    other.store().connection().execute_batch("COMMIT").unwrap();
    let html = app.wait_for("saved at", |h| says_saved_at(&label(h)));
    assert!(html.contains("value=\"Pintu biru\""), "{html}");
    assert_eq!(
        stored(dir.path(), h.id).0.notes.as_deref(),
        Some("Pintu biru")
    );

    // Held past the store's patience: the edit is not stored, the label and the field say so
    // in Bahasa Indonesia, and the next edit (lock gone) is stored.
    other
        .store()
        .connection()
        .execute_batch("BEGIN IMMEDIATE")
        .unwrap();
    app.change("f-notes", "Pintu hijau");
    let html = app.wait_for("save failed", |h| !label(h).starts_with("Menyimpan"));
    let text = label(&html);
    assert!(
        text.starts_with("Belum tersimpan") || text.starts_with("Gagal menyimpan"),
        "{text}"
    );
    assert!(!says_saved_at(&text), "{text}");
    other.store().connection().execute_batch("COMMIT").unwrap();
    assert_eq!(
        stored(dir.path(), h.id).0.notes.as_deref(),
        Some("Pintu biru")
    );
    app.change("f-notes", "Pintu hijau");
    app.wait_for("saved again", |h| says_saved_at(&label(h)));
    assert_eq!(
        stored(dir.path(), h.id).0.notes.as_deref(),
        Some("Pintu hijau")
    );
}

/// The `value` attribute of the input with hook `hook`.
fn value_of(html: &str, hook: &str) -> String {
    let start = html
        .find(&format!("data-t=\"{hook}\""))
        .unwrap_or_else(|| panic!("no {hook}: {html}"));
    let tag_start = html[..start].rfind('<').unwrap();
    let tag = &html[tag_start..start + html[start..].find('>').unwrap()];
    tag.split("value=\"")
        .nth(1)
        .map(|v| v[..v.find('"').unwrap()].to_string())
        .unwrap_or_default()
}

#[test]
fn a_refused_answer_stays_in_the_field_with_why_until_it_is_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let h = example_without_photos();
    device_with(dir.path(), std::slice::from_ref(&h));
    let stored_rooms = h.housing.rooms;
    let mut app = Harness::start(dir.path());
    super::open_example(&mut app, "housing");
    app.wait_text("data-t=\"f-housing.rooms\"");

    // Words where the store takes a number: refused, and the words stay where they were typed.
    app.change("f-housing.rooms", "tiga kamar");
    let html = app.wait_for("refused and answered", |h| {
        h.contains("data-t=\"refused-housing.rooms\"") && !label(h).starts_with("Menyimpan")
    });
    assert_eq!(value_of(&html, "f-housing.rooms"), "tiga kamar", "{html}");
    assert!(
        html.contains("Belum tersimpan: &#34;tiga kamar&#34; bukan angka"),
        "{html}"
    );
    assert!(label(&html).starts_with("Belum tersimpan"), "{html}");
    assert_eq!(stored(dir.path(), h.id).0.housing.rooms, stored_rooms);

    // Another answer meanwhile does not blank it.
    app.change("f-housing.floor_area_m2", "36");
    let html = app.wait_for("the other answer served", |h| {
        !label(h).starts_with("Menyimpan")
    });
    assert_eq!(stored(dir.path(), h.id).0.housing.floor_area_m2, Some(36.0));
    assert_eq!(value_of(&html, "f-housing.rooms"), "tiga kamar", "{html}");
    assert!(html.contains("data-t=\"refused-housing.rooms\""), "{html}");

    // Fixed: stored, and the reason goes.
    let fixed = stored_rooms.unwrap_or(0) + 1;
    app.change("f-housing.rooms", &fixed.to_string());
    let html = app.wait_for("saved", |h| says_saved_at(&label(h)));
    assert!(!html.contains("data-t=\"refused-housing.rooms\""), "{html}");
    assert_eq!(
        value_of(&html, "f-housing.rooms"),
        fixed.to_string(),
        "{html}"
    );
    assert_eq!(stored(dir.path(), h.id).0.housing.rooms, Some(fixed));
}
