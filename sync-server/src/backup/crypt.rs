//! Optional encryption of a backup with [age](https://age-encryption.org/v1) (the `age` crate,
//! the reference design's Rust implementation: authenticated, streaming, with a passphrase or
//! X25519 public keys, and readable with the `age`/`rage` command-line tools when Pendata is
//! not at hand).
//!
//! Every file of an encrypted snapshot (the database and each photo) is one age file,
//! `NAME.age`, encrypted to the snapshot's recipients:
//!
//! * `--encrypt-to age1…` (repeatable): public keys; the private key (`age-keygen`'s
//!   `AGE-SECRET-KEY-1…` line) stays off this machine, so a thief of the server cannot read
//!   its backups.
//! * `--passphrase-file FILE`: age's scrypt costs about a second per file, far too much for
//!   tens of thousands of photos, so the repository gets one X25519 key of its own, kept in
//!   `key.age` encrypted with the passphrase (one scrypt per run), and every file is
//!   encrypted to that key's public half (`recipient.txt`).
//!
//! Photos keep their plain SHA-256 as their name (a hash says nothing about a face or a
//! NIK), so later backups still copy only new photos.

use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};

use super::layout::{write_atomically, Repository};
use super::manifest::EncryptionInfo;
use super::BackupError;

/// The file name suffix of an encrypted file.
pub const SUFFIX: &str = ".age";
/// The repository key under the passphrase.
pub const KEY_FILE: &str = "key.age";
/// The repository key's public half.
pub const RECIPIENT_FILE: &str = "recipient.txt";

/// How a new backup is encrypted.
pub enum Encryption {
    None,
    /// To these age public keys (`age1…`).
    Recipients(Vec<String>),
    /// Under a passphrase (through the repository key).
    Passphrase(SecretString),
}

/// How a backup is read.
pub enum Decryption {
    None,
    /// An age identity file (lines `AGE-SECRET-KEY-1…`; `#` comments allowed).
    IdentityFile(std::path::PathBuf),
    Passphrase(SecretString),
}

/// Reads a passphrase from a file (its first line; trailing newline dropped).
pub fn passphrase_from_file(path: &Path) -> Result<SecretString, BackupError> {
    let text = std::fs::read_to_string(path)
        .map_err(BackupError::io(format!("reading {}", path.display())))?;
    let line = text.lines().next().unwrap_or("").to_owned();
    if line.is_empty() {
        return Err(BackupError::Crypt(format!(
            "{} holds no passphrase",
            path.display()
        )));
    }
    Ok(SecretString::from(line))
}

/// The encrypting side of a backup.
pub struct Sealer {
    recipients: Vec<age::x25519::Recipient>,
    info: Option<EncryptionInfo>,
}

impl Sealer {
    /// Resolves `encryption` for `repo` (making the repository key on a first passphrase run).
    pub fn prepare(repo: &Repository, encryption: Encryption) -> Result<Self, BackupError> {
        match encryption {
            Encryption::None => Ok(Sealer {
                recipients: Vec::new(),
                info: None,
            }),
            Encryption::Recipients(keys) => {
                let mut recipients = Vec::new();
                for key in &keys {
                    let r = key.trim().parse::<age::x25519::Recipient>().map_err(|e| {
                        BackupError::Crypt(format!(
                            "{key:?} bukan kunci publik age (not an age public key): {e}"
                        ))
                    })?;
                    recipients.push(r);
                }
                if recipients.is_empty() {
                    return Err(BackupError::Crypt("no recipient given".into()));
                }
                Ok(Sealer::to(recipients, false))
            }
            Encryption::Passphrase(passphrase) => {
                let identity = repository_key(repo, &passphrase, true)?;
                Ok(Sealer::to(vec![identity.to_public()], true))
            }
        }
    }

    fn to(recipients: Vec<age::x25519::Recipient>, passphrase: bool) -> Self {
        let info = EncryptionInfo {
            scheme: "age".into(),
            recipients: recipients.iter().map(ToString::to_string).collect(),
            passphrase,
        };
        Sealer {
            recipients,
            info: Some(info),
        }
    }

    /// What the manifest says about it.
    pub fn info(&self) -> Option<EncryptionInfo> {
        self.info.clone()
    }

    /// The stored file name suffix: `.age` or nothing.
    pub fn suffix(&self) -> &'static str {
        if self.info.is_some() {
            SUFFIX
        } else {
            ""
        }
    }

    /// Copies `input` to `output`, encrypted when the backup is.
    pub fn seal(&self, input: &mut dyn Read, output: &mut dyn Write) -> Result<(), BackupError> {
        let ctx = "encrypting";
        if self.info.is_none() {
            std::io::copy(input, output).map_err(BackupError::io(ctx))?;
            return Ok(());
        }
        let encryptor = age::Encryptor::with_recipients(
            self.recipients.iter().map(|r| r as &dyn age::Recipient),
        )
        .map_err(|e| BackupError::Crypt(e.to_string()))?;
        let mut writer = encryptor
            .wrap_output(output)
            .map_err(BackupError::io(ctx))?;
        std::io::copy(input, &mut writer).map_err(BackupError::io(ctx))?;
        writer.finish().map_err(BackupError::io(ctx))?;
        Ok(())
    }
}

/// The decrypting side: opens what a [`Sealer`] wrote.
pub struct Opener {
    identities: Vec<age::x25519::Identity>,
}

impl Opener {
    /// Resolves `decryption` for `repo`. `encrypted`: whether the snapshot is.
    pub fn prepare(
        repo: &Repository,
        decryption: &Decryption,
        encrypted: bool,
    ) -> Result<Self, BackupError> {
        let identities = match (decryption, encrypted) {
            (_, false) => Vec::new(),
            (Decryption::None, true) => return Err(BackupError::KeyNeeded),
            (Decryption::Passphrase(p), true) => vec![repository_key(repo, p, false)?],
            (Decryption::IdentityFile(path), true) => {
                let text = std::fs::read_to_string(path)
                    .map_err(BackupError::io(format!("reading {}", path.display())))?;
                let keys: Vec<age::x25519::Identity> = text
                    .lines()
                    .map(str::trim)
                    .filter(|l| l.starts_with("AGE-SECRET-KEY-"))
                    .filter_map(|l| l.parse().ok())
                    .collect();
                if keys.is_empty() {
                    return Err(BackupError::WrongKey(format!(
                        "{} holds no AGE-SECRET-KEY-1… line",
                        path.display()
                    )));
                }
                keys
            }
        };
        Ok(Opener { identities })
    }

    /// Copies `input` to `output`, decrypting when the snapshot is encrypted.
    pub fn open(&self, input: &mut dyn Read, output: &mut dyn Write) -> Result<(), BackupError> {
        if self.identities.is_empty() {
            std::io::copy(input, output).map_err(BackupError::io("reading the backup"))?;
            return Ok(());
        }
        let decryptor = age::Decryptor::new(input)
            .map_err(|e| BackupError::Damaged(format!("not an age file: {e}")))?;
        let mut reader = decryptor
            .decrypt(self.identities.iter().map(|i| i as &dyn age::Identity))
            .map_err(|e| BackupError::WrongKey(e.to_string()))?;
        std::io::copy(&mut reader, output)
            .map_err(|e| BackupError::Damaged(format!("decrypting: {e}")))?;
        Ok(())
    }

    /// The plain bytes of `input`.
    pub fn open_to_vec(&self, input: &mut dyn Read) -> Result<Vec<u8>, BackupError> {
        let mut out = Vec::new();
        self.open(input, &mut out)?;
        Ok(out)
    }
}

/// The repository's X25519 key under `passphrase`: read from `key.age`, or (when `create`)
/// made and written there with its public half in `recipient.txt`.
fn repository_key(
    repo: &Repository,
    passphrase: &SecretString,
    create: bool,
) -> Result<age::x25519::Identity, BackupError> {
    let key_path = repo.root.join(KEY_FILE);
    match std::fs::read(&key_path) {
        Ok(sealed) => {
            let decryptor = age::Decryptor::new(&sealed[..])
                .map_err(|e| BackupError::Damaged(format!("{}: {e}", key_path.display())))?;
            let identity = age::scrypt::Identity::new(passphrase.clone());
            let mut reader = decryptor
                .decrypt(std::iter::once(&identity as &dyn age::Identity))
                .map_err(|_| {
                    BackupError::WrongKey(
                        "kata sandi tidak cocok dengan kunci repositori ini \
                         (the passphrase does not open this repository's key.age)"
                            .into(),
                    )
                })?;
            let mut text = String::new();
            reader
                .read_to_string(&mut text)
                .map_err(|e| BackupError::Damaged(format!("{}: {e}", key_path.display())))?;
            text.trim()
                .parse::<age::x25519::Identity>()
                .map_err(|e| BackupError::Damaged(format!("{}: {e}", key_path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            std::fs::create_dir_all(&repo.root)
                .map_err(BackupError::io(format!("creating {}", repo.root.display())))?;
            let identity = age::x25519::Identity::generate();
            let secret = identity.to_string();
            let sealed = age::encrypt(
                &age::scrypt::Recipient::new(passphrase.clone()),
                secret.expose_secret().as_bytes(),
            )
            .map_err(|e| BackupError::Crypt(e.to_string()))?;
            write_atomically(&key_path, &sealed)?;
            write_atomically(
                &repo.root.join(RECIPIENT_FILE),
                format!("{}\n", identity.to_public()).as_bytes(),
            )?;
            Ok(identity)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BackupError::Damaged(format!(
            "{} is missing: the passphrase has no key to open",
            key_path.display()
        ))),
        Err(e) => Err(BackupError::io(format!("reading {}", key_path.display()))(
            e,
        )),
    }
}
