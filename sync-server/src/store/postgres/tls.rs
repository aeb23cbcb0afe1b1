//! TLS to PostgreSQL, for a database on another machine (a managed PostgreSQL, a standby in
//! another building).
//!
//! When the database URL says `sslmode=require`, every connection is TLS (rustls) and the
//! server's certificate is verified against the public roots (webpki-roots) plus the
//! authorities in `PENDATA_DATABASE_CA` (a PEM file, e.g. the CA bundle a cloud provider gives
//! for its databases, or an office CA). Verification is never switched off: a certificate that
//! does not check out, or a server without TLS, is a connection error. Without `sslmode=require`
//! the connection is plain TCP, as for a database on the same machine or a private network
//! (tokio-postgres's `prefer` is not used to try TLS, because it could not fall back when a
//! certificate fails verification).

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::StoreError;

/// The environment variable naming extra certificate authorities (PEM) for the database.
pub const DATABASE_CA_ENV: &str = "PENDATA_DATABASE_CA";

/// The TLS connector for `config`: `Some` when it requires TLS, with the public roots and the
/// authorities in the PEM file `ca`.
pub(super) fn connector(
    config: &tokio_postgres::Config,
    ca: Option<&Path>,
) -> Result<Option<MakeRustlsConnect>, StoreError> {
    if config.get_ssl_mode() != SslMode::Require {
        return Ok(None);
    }
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca {
        let bad = |e: &dyn std::fmt::Display| {
            StoreError::Config(format!(
                "sertifikat CA basis data {} tidak terbaca (cannot read the database CA file): {e}",
                path.display()
            ))
        };
        let mut added = 0;
        for cert in CertificateDer::pem_file_iter(path).map_err(|e| bad(&e))? {
            roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad(&"no PEM certificate in it"));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Config(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Some(MakeRustlsConnect::new(tls)))
}
