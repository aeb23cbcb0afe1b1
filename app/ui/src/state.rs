//! What the screens draw: one [`AppState`] in a signal. The service sends [`Update`]s; the UI
//! task applies them here. Nothing in this file does I/O.

use std::collections::BTreeMap;

use pendata_core::store::{HouseholdSummary, RecordState};
use pendata_shared::dtsen::FamilyRecord;
use pendata_shared::protocol::Assignment;
use pendata_shared::{Finding, Household, HouseholdId, Lang};
use serde::{Deserialize, Serialize};

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Screen {
    /// Starting: the service is checking the data directory.
    Starting,
    Enrol,
    Unlock,
    Home,
    List,
    Form,
    /// A DTSEN ground-check visit (the family form, `screens/ground_check/`).
    Visit,
    /// "Kunjungi lagi": families nobody was home at.
    Revisits,
    /// A case (usul-sanggah, PBI-JK reactivation, graduasi PKH): `screens/case/`.
    Case,
    Sync,
    Settings,
}

/// The steps of the household form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Location,
    Status,
    Housing,
    Assets,
    Members,
    Photos,
    Review,
}

impl Step {
    pub const ALL: [Step; 7] = [
        Step::Location,
        Step::Status,
        Step::Housing,
        Step::Assets,
        Step::Members,
        Step::Photos,
        Step::Review,
    ];

    /// The key of its title in the string table.
    pub const fn key(self) -> &'static str {
        match self {
            Step::Location => "step.location",
            Step::Status => "step.status",
            Step::Housing => "step.housing",
            Step::Assets => "step.assets",
            Step::Members => "step.members",
            Step::Photos => "step.photos",
            Step::Review => "step.review",
        }
    }

    /// A short stable name (test hooks).
    pub const fn slug(self) -> &'static str {
        match self {
            Step::Location => "location",
            Step::Status => "status",
            Step::Housing => "housing",
            Step::Assets => "assets",
            Step::Members => "members",
            Step::Photos => "photos",
            Step::Review => "review",
        }
    }
}

/// The parts of a ground-check visit. Only a family found living here gets the form's blocks
/// and the photos; every outcome ends at the review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VisitStep {
    /// The listed family, the outcome, each member's keberadaan, "kunjungi lagi".
    Outcome,
    /// Blok I-III: KK, building, respondent, housing.
    Housing,
    /// Blok IV: the members' answers.
    Members,
    /// Blok V: programmes, assets, internet, bank.
    Assets,
    Photos,
    Review,
}

impl VisitStep {
    pub const ALL: [VisitStep; 6] = [
        VisitStep::Outcome,
        VisitStep::Housing,
        VisitStep::Members,
        VisitStep::Assets,
        VisitStep::Photos,
        VisitStep::Review,
    ];

    /// The key of its title in the string table.
    pub const fn key(self) -> &'static str {
        match self {
            VisitStep::Outcome => "visit.step.outcome",
            VisitStep::Housing => "visit.step.housing",
            VisitStep::Members => "visit.step.members",
            VisitStep::Assets => "visit.step.assets",
            VisitStep::Photos => "step.photos",
            VisitStep::Review => "step.review",
        }
    }

    /// A short stable name (test hooks).
    pub const fn slug(self) -> &'static str {
        match self {
            VisitStep::Outcome => "outcome",
            VisitStep::Housing => "housing",
            VisitStep::Members => "members",
            VisitStep::Assets => "assets",
            VisitStep::Photos => "photos",
            VisitStep::Review => "review",
        }
    }

    /// Whether the step is part of the form for a family found living here only.
    pub const fn only_when_found(self) -> bool {
        matches!(
            self,
            VisitStep::Housing | VisitStep::Members | VisitStep::Assets | VisitStep::Photos
        )
    }
}

/// Counts for the home screen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HomeView {
    /// (state, count) for draft … conflict.
    pub states: Vec<(RecordState, u64)>,
    pub unsent: u64,
    pub assignments: u64,
    /// Ground-check families waiting for another visit.
    pub revisits: u64,
    pub last_sync_at: Option<String>,
    pub username: Option<String>,
    /// The monthly cut-off as the core counts it (`Store::countdown`: the server's cut-off
    /// day, the facilitator's own day); `None` when the store could not say.
    pub countdown: Option<HomeCountdown>,
}

/// "Batas kirim: 17 Des, 3 hari lagi", both languages, as `pendata_shared::month` words it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HomeCountdown {
    pub text: pendata_shared::text::Text,
    pub days_left: i64,
}

/// The work list's filters and current page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListQuery {
    pub text: String,
    pub state: Option<RecordState>,
    pub desa: Option<String>,
    pub page: u32,
}

/// Rows per page of the work list.
pub const PAGE_SIZE: u32 = 50;

/// One page of the work list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListView {
    pub query: ListQuery,
    pub assignments: Vec<Assignment>,
    pub households: Vec<HouseholdSummary>,
    /// The desa the user may work in (code, name) for the filter.
    pub desa_options: Vec<(String, String)>,
    /// The facilitator's day (`Store::local_today`): a case past its due date is marked.
    #[serde(default)]
    pub today: Option<chrono::NaiveDate>,
    /// The opened cases' due dates (`Store::case_list`): (record id, due date, days left,
    /// overdue while not sent).
    #[serde(default)]
    pub case_due: Vec<(HouseholdId, chrono::NaiveDate, i64, bool)>,
}

/// A photo in the checklist: its kind, the thumbnail as a data URL, and its geotag if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoThumb {
    pub kind: String,
    pub sha256: String,
    pub data_url: String,
    pub has_position: bool,
}

/// An answer the store refused: the field keeps what was typed until it is fixed, with why
/// under it. Nothing typed is ever blanked by the app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refused {
    pub typed: String,
    pub why: String,
}

/// The household being edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormView {
    pub household: Household,
    pub state: RecordState,
    pub review_note: Option<String>,
    pub findings: Vec<Finding>,
    /// Conditional questions that do not apply now (full paths).
    pub hidden: Vec<String>,
    /// Values the store refused, by path: what was typed (kept in the field) and why.
    pub field_errors: BTreeMap<String, Refused>,
    pub photos: Vec<PhotoThumb>,
    /// The desa of the user's kecamatan (code, name).
    pub desa_options: Vec<(String, String)>,
    /// Whether the facilitator may delete it from the device, or why not.
    pub deletable: Deletable,
    /// BPS's desil of its families that the Dinsos's import has (in family order).
    pub desil: Vec<DesilLine>,
}

/// One family's desil as the device received it (BPS's number from the Dinsos's SIKS-NG
/// import; the app shows it, never computes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesilLine {
    pub kk_number: String,
    /// 1-10.
    pub desil: u8,
    /// The import's day, on the facilitator's calendar.
    pub imported_on: chrono::NaiveDate,
}

/// One member's PKH component, as `pendata_shared::month::pkh` decides it under the Dinsos's
/// thresholds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PkhLine {
    pub component: pendata_shared::month::pkh::PkhComponent,
    pub member_name: String,
}

/// The DTSEN family of a ground check being visited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitView {
    pub family: FamilyRecord,
    pub state: RecordState,
    pub review_note: Option<String>,
    pub findings: Vec<Finding>,
    /// Questions that do not apply now (full paths), as the shared validator decides.
    pub hidden: Vec<String>,
    /// Values the store refused, by path: what was typed (kept in the field) and why.
    pub field_errors: BTreeMap<String, Refused>,
    pub photos: Vec<PhotoThumb>,
    /// Where the family stands on the revisit list (nobody home at the last visit).
    pub revisit: Option<RevisitView>,
    /// BPS's desil of the family, if the Dinsos's import has it.
    pub desil: Option<DesilLine>,
    /// The members' PKH components today.
    pub pkh: Vec<PkhLine>,
}

/// The case being worked on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseView {
    pub record: pendata_shared::cases::CaseRecord,
    pub state: RecordState,
    pub review_note: Option<String>,
    /// `pendata_shared::cases::validate_case`'s findings, through the core.
    pub findings: Vec<Finding>,
    /// Values the store refused, by path: what was typed (kept in the field) and why.
    pub field_errors: BTreeMap<String, Refused>,
    pub photos: Vec<PhotoThumb>,
    /// The facilitator's day (`Store::local_today`), for the due date.
    pub today: chrono::NaiveDate,
    /// BPS's desil of the family the case is about, if the Dinsos's import has it.
    pub desil: Option<DesilLine>,
}

/// The parts of a case's screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseStep {
    /// Who and what it is about, and the finding.
    #[default]
    Finding,
    Photos,
    Review,
}

impl CaseStep {
    pub const ALL: [CaseStep; 3] = [CaseStep::Finding, CaseStep::Photos, CaseStep::Review];

    pub const fn key(self) -> &'static str {
        match self {
            CaseStep::Finding => "case.step.finding",
            CaseStep::Photos => "step.photos",
            CaseStep::Review => "step.review",
        }
    }

    pub const fn slug(self) -> &'static str {
        match self {
            CaseStep::Finding => "finding",
            CaseStep::Photos => "photos",
            CaseStep::Review => "review",
        }
    }
}

/// A family waiting for another visit (`pendata_core::store::RevisitRow`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisitView {
    pub id: HouseholdId,
    pub head_name: String,
    pub address: String,
    pub attempts: u32,
    pub max_attempts: u8,
    /// Local date of the last visit (`DD-MM-YYYY`).
    pub last_visit: String,
    /// The first day the next visit is due (`DD-MM-YYYY`).
    pub next_visit: Option<String>,
    /// Whether the next visit is due today or earlier.
    pub due: bool,
    pub attempts_used_up: bool,
}

/// One sync's progress.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncView {
    pub running: bool,
    pub phase: Option<SyncPhase>,
    pub items_done: u64,
    pub items_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
    /// One-line summary of the last finished sync.
    pub summary: Option<String>,
    /// Per-record problems in plain words.
    pub problems: Vec<String>,
    /// Rejected households: (id, head name, supervisor's note).
    pub rejected: Vec<(HouseholdId, String, String)>,
    /// Set when the server could not be reached: the plain-words message with what waits to
    /// be sent (already in the user's language).
    pub offline: Option<String>,
    /// Set when the server no longer takes this device's token: "Masuk lagi" right here.
    #[serde(default)]
    pub relogin: Option<ReloginView>,
}

/// Who logs in again from the sync screen (the saved session's server and user).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReloginView {
    pub server: String,
    pub username: String,
}

/// Where a sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SyncPhase {
    Photos,
    Push,
    Pull,
    /// The pulled assignments join the work list.
    Listing,
    Done,
}

impl SyncPhase {
    /// The key of its name in the string table.
    pub const fn key(self) -> &'static str {
        match self {
            SyncPhase::Photos => "sync.phase.photos",
            SyncPhase::Push => "sync.phase.push",
            SyncPhase::Pull => "sync.phase.pull",
            SyncPhase::Listing => "sync.phase.listing",
            SyncPhase::Done => "sync.phase.done",
        }
    }
}

/// Settings and about.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub server: Option<String>,
    pub username: Option<String>,
    pub data_dir: String,
    pub data_bytes: u64,
}

/// Everything the screens draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppState {
    pub lang: Lang,
    pub screen: Screen,
    pub step: Step,
    /// The step to show when the next household opens (a jump from the sync screen).
    pub next_step: Option<Step>,
    /// Index of the member whose form is open.
    pub member_open: Option<usize>,
    pub busy: bool,
    /// Something asked for waits for the running sync to end (said, and cancellable).
    pub waiting_for_sync: bool,
    /// The last error for people (already in the user's language).
    pub error: Option<String>,
    /// A short confirmation ("PIN sudah diganti").
    pub notice: Option<String>,
    pub home: HomeView,
    pub list: ListView,
    pub form: Option<FormView>,
    /// The ground-check family being visited.
    pub visit: Option<VisitView>,
    /// The part of the visit on screen.
    pub visit_step: VisitStep,
    /// The revisit list ("Kunjungi lagi").
    pub revisits: Vec<RevisitView>,
    /// The case being worked on.
    pub case: Option<CaseView>,
    /// The part of the case on screen.
    pub case_step: CaseStep,
    pub sync: SyncView,
    pub settings: SettingsView,
    /// A photo shown full size (data URL).
    pub full_photo: Option<String>,
    /// Recent messages, oldest first (errors stay until dismissed); see [`AppState::push_message`].
    pub messages: Vec<Message>,
    /// The id the next message gets.
    pub next_message: u64,
    /// Whether the server answered the last `/healthz` check.
    pub connection: ConnectionView,
    /// Totals of the work list's current query (arrive after the page).
    pub list_counts: Option<ListCounts>,
    /// The highest `Intent::Flush` number answered (nothing sent before it is in flight).
    pub flushed: u64,
    /// A backup file waiting to be handed to the browser's download (taken at once).
    pub download: Option<Download>,
    /// What waits to be sent, shown before a logout is confirmed.
    pub logout_ask: Option<UnsentView>,
    /// Logged out with the store kept: the enrolment form only logs in (no new PIN).
    pub login_only: bool,
    /// What the worker said about the edits it served (the label "Menyimpan…/Tersimpan").
    pub save: SaveView,
}

/// The worker's answers to the edits (`Intent::is_edit`): how many it served, and whether the
/// last one was stored. The edits sent are counted on the page ([`EditsSent`]); fewer served
/// than sent means one is still in flight.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveView {
    pub served: u64,
    /// Local time (`HH:MM`) the last edit was stored.
    pub saved_at: Option<String>,
    /// Why the last edit was not stored (already in the user's language).
    pub failed: Option<String>,
}

/// How many edits the page has sent to the worker: a signal of its own (the service handle
/// counts as it sends, even while the state signal is borrowed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EditsSent(pub u64);

/// A backup the worker made for the person to save (the browser's Downloads): the file
/// `name` in the origin's private file system (`service::BACKUP_DIR`), `bytes` long.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Download {
    pub name: String,
    pub bytes: u64,
}

/// What is on this device and not on the server (`pendata_core::sync::Unsent`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsentView {
    /// Households not on the server, drafts included.
    pub households: u64,
    pub drafts: u64,
    pub photos: u64,
}

impl AppState {
    /// The state of the very first render: the unlock screen when the data directory holds a
    /// key file, else the enrolment form. Only the file's presence is checked (nothing is
    /// read), so the first frame is already the screen a person uses instead of a "please
    /// wait" until the worker thread has started and said the same (it still does; its answer
    /// wins if the directory changed in between).
    /// In the browser the data lives in the worker's storage, which the page cannot see: the
    /// first frame says "starting" until the worker answers.
    pub fn first_for(data_dir: &std::path::Path) -> Self {
        #[cfg(target_family = "wasm")]
        let screen = {
            let _ = data_dir;
            Screen::Starting
        };
        #[cfg(not(target_family = "wasm"))]
        let screen = if pendata_core::Device::exists(data_dir) {
            Screen::Unlock
        } else {
            Screen::Enrol
        };
        Self {
            screen,
            ..Self::default()
        }
    }
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            lang: Lang::Id,
            screen: Screen::Starting,
            step: Step::Location,
            next_step: None,
            member_open: None,
            busy: false,
            waiting_for_sync: false,
            error: None,
            notice: None,
            home: HomeView::default(),
            list: ListView::default(),
            form: None,
            visit: None,
            visit_step: VisitStep::Outcome,
            revisits: Vec::new(),
            case: None,
            case_step: CaseStep::default(),
            sync: SyncView::default(),
            settings: SettingsView::default(),
            full_photo: None,
            messages: Vec::new(),
            next_message: 0,
            connection: ConnectionView::default(),
            list_counts: None,
            flushed: 0,
            download: None,
            logout_ask: None,
            login_only: false,
            save: SaveView::default(),
        }
    }
}

/// What the service reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Update {
    /// The data directory has no key yet (first start) or has one (ask the PIN).
    NeedsEnrol,
    NeedsUnlock,
    /// Unlocked (or enrolled): go home.
    Unlocked {
        lang: Lang,
    },
    Busy(bool),
    Error(String),
    Notice(String),
    Home(HomeView),
    List(ListView),
    /// A household was opened (or changed): show the form.
    Form(Box<FormView>),
    /// A ground-check family was opened (or changed): show the visit screen.
    Visit(Box<VisitView>),
    /// The revisit list.
    Revisits(Vec<RevisitView>),
    /// A case was opened (or changed): show the case screen.
    Case(Box<CaseView>),
    SyncProgress {
        phase: SyncPhase,
        items_done: u64,
        items_total: u64,
        bytes_done: u64,
        bytes_total: u64,
    },
    SyncDone(SyncView),
    Settings(SettingsView),
    Lang(Lang),
    FullPhoto(Option<String>),
    Locked,
    /// The result (or start) of a server reachability check.
    Connection(ConnectionView),
    /// Totals of a work-list query.
    ListCounts(ListCounts),
    /// A household was deleted from the device: close its form, back to the work list.
    Deleted(HouseholdId),
    /// Every intent sent before `Intent::Flush(n)` has been served.
    Flushed(u64),
    /// Whether something the facilitator asked for (lock, backup, restore, PIN, logout, login
    /// again, a reload) waits for the running sync to end.
    WaitingForSync(bool),
    /// A backup to save (the browser); natively the worker writes it and says where.
    BackupReady(Download),
    /// What waits to be sent, before a logout is confirmed.
    LogoutAsk(UnsentView),
    /// Logged out (the token forgotten, every record kept): log in again.
    LoggedOut,
    /// An edit was served: `served` edits so far; `Ok(HH:MM)` stored, or why not.
    EditDone {
        served: u64,
        result: Result<String, String>,
    },
}

impl AppState {
    /// Applies one update from the service.
    pub fn apply(&mut self, update: Update) {
        match update {
            Update::NeedsEnrol => {
                self.screen = Screen::Enrol;
                self.login_only = false;
            }
            Update::NeedsUnlock => self.screen = Screen::Unlock,
            Update::Unlocked { lang } => {
                self.lang = lang;
                self.login_only = false;
                self.error = None;
                self.messages.clear();
                self.screen = Screen::Home;
            }
            Update::Busy(b) => self.busy = b,
            Update::Error(e) => {
                self.push_message(MessageKind::Error, e.clone());
                self.error = Some(e);
                self.notice = None;
            }
            Update::Notice(n) => {
                self.push_message(MessageKind::Notice, n.clone());
                self.notice = Some(n);
                self.error = None;
            }
            Update::Home(h) => self.home = h,
            Update::List(l) => self.list = l,
            Update::Form(f) => {
                let same = self
                    .form
                    .as_ref()
                    .is_some_and(|old| old.household.id == f.household.id);
                if !same {
                    self.step = self.next_step.take().unwrap_or(Step::Location);
                    self.member_open = None;
                }
                self.form = Some(*f);
                self.visit = None;
                self.case = None;
                self.screen = Screen::Form;
                self.error = None;
            }
            Update::Visit(v) => {
                let same = self
                    .visit
                    .as_ref()
                    .is_some_and(|old| old.family.id == v.family.id);
                if !same {
                    self.member_open = None;
                    self.visit_step = VisitStep::Outcome;
                }
                self.form = None;
                self.case = None;
                self.visit = Some(*v);
                self.screen = Screen::Visit;
                self.error = None;
            }
            Update::Revisits(r) => self.revisits = r,
            Update::Case(c) => {
                if self.case.as_ref().map(|old| old.record.id) != Some(c.record.id) {
                    self.case_step = CaseStep::Finding;
                }
                self.form = None;
                self.visit = None;
                self.case = Some(*c);
                self.screen = Screen::Case;
                self.error = None;
            }
            Update::SyncProgress {
                phase,
                items_done,
                items_total,
                bytes_done,
                bytes_total,
            } => {
                self.sync.running = true;
                self.sync.phase = Some(phase);
                self.sync.items_done = items_done;
                self.sync.items_total = items_total;
                self.sync.bytes_done = bytes_done;
                self.sync.bytes_total = bytes_total;
            }
            Update::SyncDone(v) => self.sync = v,
            Update::Settings(s) => {
                self.settings = s;
                // A count asked before is stale once the screen is shown again.
                self.logout_ask = None;
            }
            Update::Lang(l) => self.lang = l,
            Update::FullPhoto(p) => self.full_photo = p,
            Update::Locked => {
                *self = AppState {
                    lang: self.lang,
                    screen: Screen::Unlock,
                    save: std::mem::take(&mut self.save),
                    ..AppState::default()
                };
            }
            Update::Connection(c) => {
                // Checks may finish out of order: an older one never replaces a newer one.
                if c.seq >= self.connection.seq {
                    self.connection = c;
                }
            }
            Update::ListCounts(c) => {
                // Only the totals of the query on screen (a newer search may be under way).
                if c.query.same_filter(&self.list.query) {
                    self.list_counts = Some(c);
                }
            }
            Update::Deleted(id) => {
                if self.visit.as_ref().is_some_and(|v| v.family.id == id) {
                    self.visit = None;
                }
                if self.case.as_ref().is_some_and(|c| c.record.id == id) {
                    self.case = None;
                }
                if self.form.as_ref().is_some_and(|f| f.household.id == id) {
                    self.form = None;
                    self.member_open = None;
                    self.full_photo = None;
                }
                self.screen = Screen::List;
            }
            Update::Flushed(n) => self.flushed = self.flushed.max(n),
            Update::WaitingForSync(w) => self.waiting_for_sync = w,
            Update::BackupReady(d) => self.download = Some(d),
            Update::LogoutAsk(u) => self.logout_ask = Some(u),
            Update::LoggedOut => {
                *self = AppState {
                    lang: self.lang,
                    screen: Screen::Enrol,
                    login_only: true,
                    save: std::mem::take(&mut self.save),
                    ..AppState::default()
                };
            }
            Update::EditDone { served, result } => {
                self.save.served = self.save.served.max(served);
                match result {
                    Ok(at) => {
                        self.save.saved_at = Some(at);
                        self.save.failed = None;
                    }
                    Err(why) => self.save.failed = Some(why),
                }
            }
        }
    }

    /// Adds a message to the recent list. The same text again moves to the end instead of
    /// showing twice. At most [`MAX_MESSAGES`] are kept: the oldest notice goes first, errors
    /// only when nothing but errors is left (they otherwise stay until dismissed).
    pub fn push_message(&mut self, kind: MessageKind, text: String) {
        self.messages
            .retain(|m| !(m.kind == kind && m.text == text));
        let id = self.next_message;
        self.next_message += 1;
        self.messages.push(Message { id, kind, text });
        while self.messages.len() > MAX_MESSAGES {
            let oldest_notice = self
                .messages
                .iter()
                .position(|m| m.kind == MessageKind::Notice);
            self.messages.remove(oldest_notice.unwrap_or(0));
        }
    }

    /// An error for people (stays until dismissed).
    pub fn push_error(&mut self, text: impl Into<String>) {
        let text = text.into();
        self.push_message(MessageKind::Error, text.clone());
        self.error = Some(text);
    }

    /// Removes one message (its close button).
    pub fn dismiss(&mut self, id: u64) {
        self.messages.retain(|m| m.id != id);
        if !self.messages.iter().any(|m| m.kind == MessageKind::Error) {
            self.error = None;
        }
    }

    /// Drops the notices (moving to another screen); errors stay.
    pub fn clear_notices(&mut self) {
        self.messages.retain(|m| m.kind == MessageKind::Error);
        self.notice = None;
    }
}

/// How many recent messages are kept on screen.
pub const MAX_MESSAGES: usize = 5;

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageKind {
    /// Something failed: stays until dismissed.
    Error,
    /// A confirmation: goes with the next screen change.
    Notice,
}

/// One message of the recent list (already in the user's language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: u64,
    pub kind: MessageKind,
    pub text: String,
}

/// Whether the server can be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Reach {
    /// Not checked since the app was unlocked (or no server to ask).
    #[default]
    Unknown,
    Checking,
    Online,
    Offline,
}

/// The last reachability check (`GET /healthz`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionView {
    /// Increases with every check, so a late answer never replaces a newer one.
    pub seq: u64,
    pub reach: Reach,
    /// Local time of the answer (`HH:MM`).
    pub checked_at: Option<String>,
    /// Why it failed, with the error code.
    pub detail: Option<String>,
}

/// Totals of a work-list query over all its pages.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListCounts {
    pub query: ListQuery,
    /// Own households matching.
    pub households: u64,
    /// Unopened prelist households matching.
    pub assignments: u64,
}

impl ListQuery {
    /// Same text and filters (the page may differ).
    pub fn same_filter(&self, other: &ListQuery) -> bool {
        self.text.trim() == other.text.trim()
            && self.state == other.state
            && self.desa == other.desa
    }
}

/// Whether a household may be deleted from the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Deletable {
    /// Made on this device and never sent: it can go.
    Yes,
    /// A prelist household (an assignment from the server): its status says what happened.
    #[default]
    Prelist,
    /// Sent (or queued, or answered by the server): only the supervisor can reject it.
    Sent,
}
