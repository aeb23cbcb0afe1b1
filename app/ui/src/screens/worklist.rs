//! Work-list pieces: the query as last asked for ([`ListAsk`]), search as you type (debounced
//! in the component; the search itself runs in the service) and the totals of the current query.

use std::time::Duration;

use dioxus::prelude::*;

use crate::i18n::tr;
use crate::service::{Intent, Service};
use crate::state::{AppState, ListQuery};
use crate::widgets::tid;

/// How long typing must pause before the list is searched.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// The work list's query as last asked for: the text as typed (searched yet or not), the
/// filters and the page, in one place (a context of the root). Every change edits it and
/// bumps its generation; a search always sends all of it, so whichever change came last
/// wins: a filter picked while a typed search waits is sent with the typed text, and the
/// waiting search then finds the generation changed and does nothing.
#[derive(Clone, Copy)]
pub struct ListAsk {
    query: Signal<ListQuery>,
    generation: Signal<u64>,
}

impl ListAsk {
    /// Made in the root component (the signals belong to it).
    pub fn new() -> Self {
        ListAsk {
            query: Signal::new(ListQuery::default()),
            generation: Signal::new(0),
        }
    }

    /// The query as last asked for (does not subscribe the caller).
    pub fn current(&self) -> ListQuery {
        self.query.peek().clone()
    }

    /// The text as typed (subscribes the caller: the search field).
    pub fn text(&self) -> String {
        self.query.read().text.clone()
    }

    /// Changes the query (a filter, the page, Enter in the search field) and searches at once.
    pub fn now(mut self, svc: &Service, change: impl FnOnce(&mut ListQuery)) {
        let q = {
            let mut q = self.query.write();
            change(&mut q);
            q.clone()
        };
        self.generation += 1;
        svc.send(Intent::Search(q));
    }

    /// Typing: keeps the text, back to the first page, and searches the whole query once
    /// typing has paused for [`DEBOUNCE`] (unless something changed since).
    pub fn typed(mut self, svc: &Service, state: Signal<AppState>, text: String) {
        {
            let mut q = self.query.write();
            q.text = text;
            q.page = 0;
        }
        self.generation += 1;
        let mine = *self.generation.peek();
        let svc = svc.clone();
        spawn(async move {
            crate::platform::sleep(DEBOUNCE).await;
            if *self.generation.peek() != mine {
                return;
            }
            let q = self.current();
            if state.peek().list.query == q {
                return;
            }
            svc.send(Intent::Search(q));
        });
    }
}

impl Default for ListAsk {
    fn default() -> Self {
        Self::new()
    }
}

/// The search field. Each keystroke restarts a 300 ms wait; when it runs out, the query as
/// last asked for ([`ListAsk`]: this text with the filters as last picked) is searched. Enter
/// (or leaving the field) searches at once. The field keeps what was typed (a slower answer
/// never overwrites it).
#[component]
pub fn SearchBox() -> Element {
    let state = use_context::<Signal<AppState>>();
    let svc = use_context::<Service>();
    let ask = use_context::<ListAsk>();
    let lang = state.read().lang;
    let typed = ask.text();
    let svc2 = svc.clone();
    rsx! {
        input { "data-t": tid("list-search"), r#type: "search", placeholder: tr(lang, "list.search"),
            value: "{typed}",
            oninput: move |e: FormEvent| ask.typed(&svc, state, e.value()),
            onchange: move |e: FormEvent| {
                let text = e.value();
                ask.now(&svc2, |q| {
                    q.text = text;
                    q.page = 0;
                });
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
