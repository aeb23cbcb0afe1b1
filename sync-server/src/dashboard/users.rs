//! Users (admins only): list, add, disable/enable, reset devices. The account store's
//! functions and the CLI's validation rules.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::html;
use serde::Deserialize;

use super::session::CsrfForm;
use super::{csrf_field, html_response, page, role_label, t, wilayah_name, DashError, WebUser};
use crate::auth::{hash_password, validate_username, validate_wilayah};
use crate::store::{NewUser, Role, StoreError};
use crate::AppState;

async fn render(
    state: &AppState,
    user: &WebUser,
    message: Option<(bool, String)>,
) -> Result<Response, DashError> {
    let lang = user.lang;
    let users = state.accounts(|s| s.list_users()).await?;
    let title = t(lang, "Pengguna", "Users");
    let body = html! {
        h1 { (title) }
        @if let Some((ok, m)) = &message {
            p class=(if *ok { "notice" } else { "error" }) role="status" id="users-message" { (m) }
        }
        table.list #users {
            thead { tr {
                th { (t(lang, "Nama pengguna", "Username")) }
                th { (t(lang, "Peran", "Role")) }
                th { (t(lang, "Wilayah", "Region")) }
                th { (t(lang, "Perangkat aktif", "Active devices")) }
                th { (t(lang, "Status", "Status")) }
                th { (t(lang, "Tindakan", "Actions")) }
            } }
            tbody {
                @for u in &users {
                    tr data-username=(u.username) {
                        td { (u.username) }
                        td { (role_label(lang, u.role)) }
                        td { (wilayah_name(&u.wilayah)) @if !u.wilayah.is_empty() { " " small.mono { (u.wilayah) } } }
                        td.num { (u.active_devices) }
                        td { @if u.disabled { (t(lang, "nonaktif", "disabled")) } @else { (t(lang, "aktif", "active")) } }
                        td.actions {
                            @if u.username != user.username {
                                @if u.disabled {
                                    form.inline method="post" action=(format!("/dashboard/users/{}/enable", u.username)) {
                                        (csrf_field(user)) button type="submit" { (t(lang, "Aktifkan", "Enable")) }
                                    }
                                } @else {
                                    form.inline method="post" action=(format!("/dashboard/users/{}/disable", u.username)) {
                                        (csrf_field(user)) button type="submit" { (t(lang, "Nonaktifkan", "Disable")) }
                                    }
                                }
                            }
                            form.inline method="post" action=(format!("/dashboard/users/{}/reset-devices", u.username)) {
                                (csrf_field(user)) button type="submit" { (t(lang, "Atur ulang perangkat", "Reset devices")) }
                            }
                        }
                    }
                }
            }
        }
        section {
            h2 { (t(lang, "Tambah pengguna", "Add a user")) }
            form.stack method="post" action="/dashboard/users" {
                (csrf_field(user))
                label { (t(lang, "Nama pengguna", "Username")) input type="text" name="username" required maxlength="64" pattern="[A-Za-z0-9._\\-]{3,64}"; }
                label { (t(lang, "Kata sandi (min. 10 karakter)", "Password (at least 10 characters)")) input type="password" name="password" required minlength="10" maxlength="1024" autocomplete="new-password"; }
                label { (t(lang, "Peran", "Role"))
                    select name="role" {
                        option value="enumerator" { (role_label(lang, Role::Enumerator)) }
                        option value="supervisor" { (role_label(lang, Role::Supervisor)) }
                        option value="kepala_opd" { (role_label(lang, Role::KepalaOpd)) }
                        option value="admin" { (role_label(lang, Role::Admin)) }
                    }
                }
                label { (t(lang, "Kode wilayah (2, 4, 6 atau 10 angka; kosong untuk admin = semua)", "Region code (2, 4, 6 or 10 digits; empty for an admin = all)"))
                    input type="text" name="wilayah" inputmode="numeric" maxlength="10";
                }
                button type="submit" id="add-user" { (t(lang, "Tambah", "Add")) }
            }
        }
    };
    let status = match &message {
        Some((false, _)) => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::OK,
    };
    Ok(html_response(status, page(lang, title, Some(user), body)))
}

/// `GET /dashboard/users`
pub async fn list(State(state): State<AppState>, user: WebUser) -> Result<Response, DashError> {
    user.require_admin()?;
    render(&state, &user, None).await
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    wilayah: String,
}

/// Minimum password length for accounts made here (as the CLI asks).
const MIN_PASSWORD_CHARS: usize = 10;

/// `POST /dashboard/users`
pub async fn add(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<AddForm>,
) -> Result<Response, DashError> {
    user.require_admin()?;
    user.check_csrf(&f.csrf)?;
    let lang = user.lang;
    let username = f.username.trim().to_owned();
    let wilayah = f.wilayah.trim().to_owned();
    let role: Role = match f.role.parse() {
        Ok(r) => r,
        Err(_) => {
            return render(
                &state,
                &user,
                Some((
                    false,
                    t(lang, "Peran tidak dikenal.", "Unknown role.").into(),
                )),
            )
            .await
        }
    };
    let problem = if validate_username(&username).is_err() {
        Some(t(
            lang,
            "Nama pengguna harus 3-64 huruf, angka, '.', '_' atau '-'.",
            "The username must be 3-64 letters, digits, '.', '_' or '-'.",
        ))
    } else if f.password.chars().count() < MIN_PASSWORD_CHARS || f.password.len() > 1024 {
        Some(t(
            lang,
            "Kata sandi paling sedikit 10 karakter.",
            "The password needs at least 10 characters.",
        ))
    } else if validate_wilayah(role, &wilayah).is_err() {
        Some(t(
            lang,
            "Kode wilayah harus 2, 4, 6 atau 10 angka tanpa titik (kosong hanya untuk admin).",
            "The region code must be 2, 4, 6 or 10 digits without dots (empty only for admins).",
        ))
    } else if !wilayah.is_empty() && pendata_shared::Wilayah::embedded().get(&wilayah).is_none() {
        Some(t(
            lang,
            "Kode wilayah tidak ada dalam daftar Kemendagri.",
            "The region code is not in the Kemendagri list.",
        ))
    } else {
        None
    };
    if let Some(p) = problem {
        return render(&state, &user, Some((false, p.to_owned()))).await;
    }
    let password = f.password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?
        .map_err(|e| DashError::Internal(e.to_string()))?;
    let new = NewUser {
        username: username.clone(),
        password_hash: hash,
        role,
        wilayah,
    };
    let accounts = state.accounts.clone();
    let created = tokio::task::spawn_blocking(move || accounts.create_user(new))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))?;
    match created {
        Ok(_) => {
            tracing::info!(admin = %user.username, username = %username, role = %role, "dashboard: user added");
            render(
                &state,
                &user,
                Some((
                    true,
                    format!("{} {username}", t(lang, "Ditambahkan:", "Added:")),
                )),
            )
            .await
        }
        Err(StoreError::UsernameTaken) => {
            render(
                &state,
                &user,
                Some((
                    false,
                    t(
                        lang,
                        "Nama pengguna sudah dipakai.",
                        "The username is taken.",
                    )
                    .into(),
                )),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

async fn set_disabled(
    state: AppState,
    user: WebUser,
    name: String,
    form: CsrfForm,
    disabled: bool,
) -> Result<Response, DashError> {
    user.require_admin()?;
    user.check_csrf(&form.csrf)?;
    if name.eq_ignore_ascii_case(&user.username) {
        return Err(DashError::bad_request(
            "users.self",
            "Anda tidak dapat menonaktifkan akun sendiri.",
            "You cannot disable your own account.",
        ));
    }
    let n = name.clone();
    if !state
        .accounts(move |s| s.set_disabled(&n, disabled))
        .await?
    {
        return Err(DashError::NotFound);
    }
    tracing::info!(admin = %user.username, username = %name, disabled, "dashboard: user enabled/disabled");
    Ok(Redirect::to("/dashboard/users").into_response())
}

/// `POST /dashboard/users/{username}/disable`
pub async fn disable(
    State(state): State<AppState>,
    user: WebUser,
    Path(name): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, DashError> {
    set_disabled(state, user, name, f, true).await
}

/// `POST /dashboard/users/{username}/enable`
pub async fn enable(
    State(state): State<AppState>,
    user: WebUser,
    Path(name): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, DashError> {
    set_disabled(state, user, name, f, false).await
}

/// `POST /dashboard/users/{username}/reset-devices`: revokes every device token and ends the
/// user's dashboard sessions.
pub async fn reset_devices(
    State(state): State<AppState>,
    user: WebUser,
    Path(name): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Result<Response, DashError> {
    user.require_admin()?;
    user.check_csrf(&f.csrf)?;
    let n = name.clone();
    let revoked = state.accounts(move |s| s.reset_devices(&n)).await?;
    let Some(revoked) = revoked else {
        return Err(DashError::NotFound);
    };
    let sessions = state.web_sessions.clone();
    let n = name.clone();
    let ended = tokio::task::spawn_blocking(move || sessions.end_web_sessions_of(&n))
        .await
        .map_err(|e| DashError::Internal(e.to_string()))??;
    tracing::info!(admin = %user.username, username = %name, revoked, ended, "dashboard: devices reset");
    Ok(Redirect::to("/dashboard/users").into_response())
}
