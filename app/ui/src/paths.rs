//! Where the encrypted data directory lives.
//!
//! `$PENDATA_DATA_DIR` when set (every platform). Otherwise on Android the app's internal
//! files directory (what `Context.getFilesDir()` returns: private to the app, removed with
//! it); elsewhere `$XDG_DATA_HOME/pendata`, else `~/.local/share/pendata`.
//!
//! Android: the workspace forbids `unsafe`, and a JNI call through `ndk-context` needs it (the
//! VM and context arrive as raw pointers), so the directory is worked out the way Android lays
//! it out: `/data/user/<user>/<package>/files`, the package being the process name (the first
//! word of `/proc/self/cmdline`, without a `:service` suffix) and the user the Linux uid
//! divided by 100,000 (Android's per-user uid range). For the owner (user 0) that is
//! `/data/user/0/org.pendata.app/files`, the path `getFilesDir()` gives since Android 7
//! (`/data/data/org.pendata.app` links to it). When `/proc` cannot be read:
//! [`ANDROID_FALLBACK`].

use std::path::PathBuf;

/// The app's bundle id (Dioxus.toml `[bundle] identifier`).
pub const ANDROID_PACKAGE: &str = "org.pendata.app";

/// Android's files directory for [`ANDROID_PACKAGE`] of the device owner.
pub const ANDROID_FALLBACK: &str = "/data/data/org.pendata.app/files";

/// Android's range of Linux uids per user (`AID_USER_OFFSET`).
const ANDROID_UIDS_PER_USER: u32 = 100_000;

/// The data directory: `$PENDATA_DATA_DIR`, else the platform's default.
pub fn data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("PENDATA_DATA_DIR") {
        return PathBuf::from(d);
    }
    platform_default()
}

#[cfg(target_os = "android")]
fn platform_default() -> PathBuf {
    let cmdline = std::fs::read("/proc/self/cmdline").unwrap_or_default();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    android_files_dir(&cmdline, &status).unwrap_or_else(|| PathBuf::from(ANDROID_FALLBACK))
}

#[cfg(not(target_os = "android"))]
fn platform_default() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return PathBuf::from(d).join("pendata");
    }
    match std::env::var_os("HOME") {
        Some(h) => PathBuf::from(h).join(".local/share/pendata"),
        None => PathBuf::from("pendata-data"),
    }
}

/// Where "Cadangkan data" writes the backup file natively: `$PENDATA_BACKUP_DIR` when set,
/// else `$XDG_DOWNLOAD_DIR`, else `~/Downloads` when it exists, else the home directory, else
/// the folder that holds the data directory. (In the browser the file goes to the browser's
/// own Downloads instead; on Android this is the app's private storage, see docs/app.md.)
pub fn backup_dir(data_dir: &std::path::Path) -> PathBuf {
    if let Some(d) = std::env::var_os("PENDATA_BACKUP_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_DOWNLOAD_DIR") {
        return PathBuf::from(d);
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        let downloads = home.join("Downloads");
        return if downloads.is_dir() { downloads } else { home };
    }
    data_dir
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_else(|| data_dir.to_path_buf())
}

/// The internal files directory from the process's `/proc/self/cmdline` and
/// `/proc/self/status` contents; `None` when the process name is not a package name or there
/// is no real uid.
pub fn android_files_dir(cmdline: &[u8], status: &str) -> Option<PathBuf> {
    let first = cmdline.split(|b| *b == 0).next()?;
    let name = std::str::from_utf8(first).ok()?;
    let package = name.split(':').next()?.trim();
    let valid = package.contains('.')
        && package.split('.').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if !valid {
        return None;
    }
    let uid: u32 = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let user = uid / ANDROID_UIDS_PER_USER;
    Some(PathBuf::from(format!("/data/user/{user}/{package}/files")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Name:\torg.pendata.app\nUmask:\t0077\nState:\tS (sleeping)\nUid:\t10234\t10234\t10234\t10234\nGid:\t10234\t10234\t10234\t10234\n";

    #[test]
    fn the_owner_gets_the_package_files_dir() {
        assert_eq!(
            android_files_dir(b"org.pendata.app\0", STATUS),
            Some(PathBuf::from("/data/user/0/org.pendata.app/files"))
        );
    }

    #[test]
    fn a_second_user_and_a_service_process() {
        let status = STATUS.replace("10234\t10234", "1010234\t1010234");
        assert_eq!(
            android_files_dir(b"org.pendata.app:sync\0", &status),
            Some(PathBuf::from("/data/user/10/org.pendata.app/files"))
        );
    }

    #[test]
    fn not_a_package_name_or_no_uid_gives_none() {
        assert_eq!(
            android_files_dir(b"/system/bin/app_process64\0", STATUS),
            None
        );
        assert_eq!(android_files_dir(b"", STATUS), None);
        assert_eq!(android_files_dir(b"org..app\0", STATUS), None);
        assert_eq!(android_files_dir(b"org.pendata.app\0", "Name:\tx\n"), None);
    }

    #[test]
    fn the_fallback_is_the_package_of_the_bundle() {
        assert!(ANDROID_FALLBACK.contains(ANDROID_PACKAGE));
    }
}
