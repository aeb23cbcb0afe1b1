//! HTTPS to a server whose certificate is signed by an office CA: refused by default, trusted
//! once the CA's PEM file is configured (docs/tls.md). A real TLS handshake on a real socket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use pendata_core::sync::{Client, ClientConfig};
use pendata_shared::ids::DeviceId;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

struct Office {
    ca_pem: String,
    base: String,
}

/// An office CA, a server certificate for `localhost` signed by it, and a tiny HTTPS server that
/// answers every request with a `/api/v1/me` body.
async fn office_server() -> Office {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();

    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();

    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![CertificateDer::from(cert.der().to_vec())],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A refused handshake (the client does not trust us) ends here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut req = Vec::new();
                let mut buf = [0u8; 1024];
                while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => req.extend_from_slice(&buf[..n]),
                    }
                }
                let body = br#"{"user":{"username":"ani","role":"enumerator","wilayah":"3201012001"},"device_id":"0192f5a0-0000-7000-8000-000000000001"}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(head.as_bytes()).await;
                let _ = tls.write_all(body).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    Office {
        ca_pem: ca.pem(),
        base: format!("https://localhost:{port}"),
    }
}

#[tokio::test]
async fn an_office_ca_is_trusted_only_when_configured() {
    let office = office_server().await;

    // Without the CA: the handshake fails, as a network error (never silently accepted).
    let plain = Client::new(ClientConfig::new(&office.base, DeviceId::new())).unwrap();
    plain.set_token(Some("t".into()));
    let err = plain.me().await.unwrap_err();
    assert_eq!(err.code(), "net.unreachable", "{err}");

    // With the CA's PEM file: the same server is trusted.
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("ca-dinsos.pem");
    std::fs::write(&pem, &office.ca_pem).unwrap();
    let mut config = ClientConfig::new(&office.base, DeviceId::new());
    config.ca_cert_pem = Some(pem);
    let trusted = Client::new(config).unwrap();
    trusted.set_token(Some("t".into()));
    let me = trusted.me().await.unwrap();
    assert_eq!(me.user.username, "ani");
    assert_eq!(me.user.wilayah, "3201012001");
}
