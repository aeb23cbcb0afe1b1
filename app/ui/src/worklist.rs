//! Work-list pieces: search as you type (debounced in the component; the search itself runs
//! in the service) and the totals of the current query.

use std::time::Duration;

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::screens::tid;
use crate::service::{Intent, Service};
use crate::state::{AppState, ListQuery};

/// How long typing must pause before the list is searched.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// The search field. Each keystroke restarts a 300 ms wait; when it runs out, the text is
/// searched with the filters on screen at that moment. Enter (or leaving the field) searches
/// at once. The field keeps what was typed (a slower answer never overwrites it).
#[component]
pub fn SearchBox(text: String) -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let lang = state.read().lang;
    let mut typed = use_signal(|| text.clone());
    // Bumped by every keystroke and every immediate search: a wait that finds it changed
    // does nothing.
    let mut generation = use_signal(|| 0u64);
    let svc2 = svc.clone();
    rsx! {
        input { "data-t": tid("list-search"), r#type: "search", placeholder: tr(lang, "list.search"),
            value: "{typed}",
            oninput: move |e: FormEvent| {
                let text = e.value();
                typed.set(text.clone());
                generation += 1;
                let mine = *generation.peek();
                let svc = svc.clone();
                spawn(async move {
                    tokio::time::sleep(DEBOUNCE).await;
                    if *generation.peek() != mine {
                        return;
                    }
                    let current = state.peek().list.query.clone();
                    if current.text == text && current.page == 0 {
                        return;
                    }
                    svc.send(Intent::Search(ListQuery { text, page: 0, ..current }));
                });
            },
            onchange: move |e: FormEvent| {
                let text = e.value();
                typed.set(text.clone());
                generation += 1;
                let current = state.peek().list.query.clone();
                svc2.send(Intent::Search(ListQuery { text, page: 0, ..current }));
            }
        }
    }
}

/// "1.234 cocok" for the query on screen (prelist and own households together), once the
/// service has counted them.
#[component]
pub fn MatchCount() -> Element {
    let state = use_context::<Signal<AppState>>();
    let s = state.read();
    let lang = s.lang;
    let Some(c) = s
        .list_counts
        .clone()
        .filter(|c| c.query.same_filter(&s.list.query))
    else {
        return rsx! {};
    };
    drop(s);
    let total = c.households + c.assignments;
    rsx! {
        small { class: "count", "data-t": tid("list-count"),
            " · {group_digits(total)} {tr(lang, \"list.matches\")}"
        }
    }
}

/// 1234567 → "1.234.567" (the Indonesian grouping, also readable in English).
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}
