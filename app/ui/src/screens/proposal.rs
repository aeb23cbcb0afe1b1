//! New proposals (usulan baru) made on the device, and deleting a draft that was never sent.
//!
//! *Tambah usulan baru* on the work list asks for the desa (of the user's area) and sends
//! `Intent::NewProposal`; the service creates the record (`RecordKind::UsulanBaru`, status 4)
//! in the encrypted store and opens the form on it. Its photo checklist is the proposal's
//! (F-KK, F-KTP, F-RUMAH, berita acara) and it is validated, finalized and sent like any other
//! household. The review step offers *Hapus draf ini* (with a confirmation) only for records
//! that the service marks [`Deletable::Yes`]; otherwise it says why not.

use dioxus::prelude::*;
use pendata_shared::{Lang, RecordKind};

use crate::form;
use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, Deletable, FormView};
use crate::widgets::{field_row, tid};

/// The work list's *Tambah usulan baru* button and, once pressed, the desa chooser.
#[component]
pub fn NewProposal() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let s = state.read();
    let lang = s.lang;
    let options = s.list.desa_options.clone();
    drop(s);
    let mut open = use_signal(|| false);
    let mut desa = use_signal(String::new);
    // One desa only: nothing to choose.
    let chosen = match options.as_slice() {
        [(only, _)] => only.clone(),
        _ => desa(),
    };
    let create = {
        let chosen = chosen.clone();
        move |_| {
            svc.send(Intent::NewProposal {
                desa_code: chosen.clone(),
            });
            open.set(false);
            desa.set(String::new());
        }
    };
    rsx! {
        div { class: "new-proposal",
            button { class: "primary", "data-t": tid("proposal-new"),
                onclick: move |_| open.toggle(),
                {tr(lang, "proposal.new")}
            }
        }
        if open() {
            div { class: "proposal-box", "data-t": tid("proposal-box"),
                if options.is_empty() {
                    p { class: "finding warning", {tr(lang, "proposal.no_desa")} }
                } else {
                    p { {tr(lang, "proposal.explain")} }
                    label { {tr(lang, "form.desa")}
                        select { "data-t": tid("proposal-desa"), onchange: move |e: FormEvent| desa.set(e.value()),
                            if options.len() > 1 {
                                option { value: "", selected: chosen.is_empty(), {tr(lang, "form.choose")} }
                            }
                            for (code, name) in options.iter().cloned() {
                                option { key: "{code}", value: "{code}", selected: code == chosen, "{name}" }
                            }
                        }
                    }
                    button { class: "primary", "data-t": tid("proposal-create"), disabled: chosen.is_empty(),
                        onclick: create, {tr(lang, "proposal.create")} }
                }
                button { "data-t": tid("proposal-cancel"), onclick: move |_| open.set(false), {tr(lang, "proposal.cancel")} }
            }
        }
    }
}

/// The musdes/muskel questions of a new proposal (nothing for a prelist household).
pub fn musdes_fields(
    svc: &Service,
    view: &FormView,
    h_json: &serde_json::Value,
    lang: Lang,
) -> Element {
    if !matches!(view.household.kind, RecordKind::UsulanBaru { .. }) {
        return rsx! {};
    }
    rsx! {
        fieldset { class: "musdes", "data-t": tid("musdes"),
            legend { {tr(lang, "proposal.musdes")} }
            for field in form::MUSDES.iter() {
                {field_row(svc, view, h_json, lang, "", field)}
            }
        }
    }
}

/// "usulan baru" beside the state of a new proposal's form.
pub fn kind_tag(view: &FormView, lang: Lang) -> Element {
    if !matches!(view.household.kind, RecordKind::UsulanBaru { .. }) {
        return rsx! {};
    }
    rsx! {
        " · "
        span { class: "tag", "data-t": tid("form-proposal"), {tr(lang, "proposal.tag")} }
    }
}

/// Delete a draft made here and never sent (asks first); otherwise why it cannot be deleted.
#[component]
pub fn DeleteBox() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let ask = use_context::<super::worklist::ListAsk>();
    let s = state.read();
    let lang = s.lang;
    let Some((id, deletable)) = s.form.as_ref().map(|f| (f.household.id, f.deletable)) else {
        return rsx! {};
    };
    let then = ask.current();
    drop(s);
    let mut asking = use_signal(|| false);
    rsx! {
        fieldset { class: "delete", "data-t": tid("delete-box"),
            legend { {tr(lang, "delete.title")} }
            match deletable {
                Deletable::Prelist => rsx! {
                    p { class: "note", "data-t": tid("delete-why"), {tr(lang, "delete.prelist")} }
                },
                Deletable::Sent => rsx! {
                    p { class: "note", "data-t": tid("delete-why"), {tr(lang, "delete.sent")} }
                },
                Deletable::Yes if asking() => rsx! {
                    div { role: "alertdialog", "data-t": tid("delete-confirm"),
                        p { class: "finding error", {tr(lang, "delete.confirm")} }
                        button { class: "danger", "data-t": tid("delete-yes"),
                            onclick: move |_| {
                                asking.set(false);
                                svc.send(Intent::DeleteDraft { id, then: then.clone() });
                            },
                            {tr(lang, "delete.yes")}
                        }
                        button { "data-t": tid("delete-no"), onclick: move |_| asking.set(false), {tr(lang, "delete.no")} }
                    }
                },
                Deletable::Yes => rsx! {
                    button { "data-t": tid("delete-draft"), onclick: move |_| asking.set(true), {tr(lang, "delete.button")} }
                },
            }
        }
    }
}
