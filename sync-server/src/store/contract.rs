//! Contract tests every storage backend must pass. Generic, so another backend (say
//! Postgres) runs the same suite: call them from that backend's tests with a factory that
//! returns a fresh, empty store each time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use uuid::Uuid;

use super::{
    AccountStore, BlobError, BlobStatus, BlobStore, NewUser, Role, Sha256Hex, StoreError, TokenHash,
};
use crate::error::ApiError;

fn new_user(name: &str, role: Role, wilayah: &str) -> NewUser {
    NewUser {
        username: name.into(),
        password_hash: format!("$argon2id$fake-for-{name}"),
        role,
        wilayah: wilayah.into(),
    }
}

/// The behaviour [`AccountStore`] promises.
pub fn account_store_contract<S: AccountStore>(make: impl Fn() -> S) {
    // users: create, unique (case-insensitive), look up, list
    {
        let s = make();
        let ani = s
            .create_user(new_user("ani", Role::Enumerator, "3201012001"))
            .unwrap();
        assert_eq!(ani.username, "ani");
        assert!(!ani.disabled);
        assert!(matches!(
            s.create_user(new_user("ANI", Role::Admin, "")),
            Err(StoreError::UsernameTaken)
        ));
        s.create_user(new_user("budi", Role::Admin, "")).unwrap();
        let creds = s
            .credentials("Ani")
            .unwrap()
            .expect("case-insensitive lookup");
        assert_eq!(creds.user.id, ani.id);
        assert_eq!(creds.password_hash, "$argon2id$fake-for-ani");
        assert_eq!(creds.user.wilayah, "3201012001");
        assert!(s.credentials("nobody").unwrap().is_none());
        let names: Vec<_> = s
            .list_users()
            .unwrap()
            .into_iter()
            .map(|u| (u.username, u.role))
            .collect();
        assert_eq!(
            names,
            vec![
                ("ani".into(), Role::Enumerator),
                ("budi".into(), Role::Admin)
            ]
        );
    }

    // sessions: create, look up, one token per device, revoke
    {
        let s = make();
        let ani = s
            .create_user(new_user("ani", Role::Supervisor, "3201"))
            .unwrap();
        let phone = Uuid::now_v7();
        let t1 = TokenHash([1; 32]);
        s.create_session(ani.id, phone, "HP Ani", t1).unwrap();
        let session = s.session(&t1).unwrap().expect("token valid");
        assert_eq!(session.user.id, ani.id);
        assert_eq!(session.device_id, phone);
        assert_eq!(session.user.active_devices, 1);
        assert!(s.session(&TokenHash([9; 32])).unwrap().is_none());

        // logging in again on the same device replaces the old token
        let t2 = TokenHash([2; 32]);
        s.create_session(ani.id, phone, "HP Ani", t2).unwrap();
        assert!(s.session(&t1).unwrap().is_none(), "old token revoked");
        assert!(s.session(&t2).unwrap().is_some());

        // a second device has its own token
        let tablet = Uuid::now_v7();
        let t3 = TokenHash([3; 32]);
        s.create_session(ani.id, tablet, "Tablet", t3).unwrap();
        assert!(s.session(&t2).unwrap().is_some());
        assert_eq!(s.session(&t3).unwrap().unwrap().user.active_devices, 2);

        assert!(s.revoke_token(&t3).unwrap());
        assert!(!s.revoke_token(&t3).unwrap(), "second revoke is a no-op");
        assert!(s.session(&t3).unwrap().is_none());
        assert!(s.session(&t2).unwrap().is_some());
    }

    // disable and reset-devices take effect at once
    {
        let s = make();
        let ani = s
            .create_user(new_user("ani", Role::Enumerator, "32"))
            .unwrap();
        let t = TokenHash([7; 32]);
        s.create_session(ani.id, Uuid::now_v7(), "HP", t).unwrap();
        assert!(s.set_disabled("ani", true).unwrap());
        assert!(
            s.session(&t).unwrap().is_none(),
            "disabled user's token refused"
        );
        assert!(s.credentials("ani").unwrap().unwrap().user.disabled);
        assert!(s.set_disabled("ani", false).unwrap());
        assert!(s.session(&t).unwrap().is_some(), "re-enabled");
        assert!(!s.set_disabled("nobody", true).unwrap());

        let t2 = TokenHash([8; 32]);
        s.create_session(ani.id, Uuid::now_v7(), "HP2", t2).unwrap();
        assert_eq!(s.reset_devices("ani").unwrap(), Some(2));
        assert!(s.session(&t).unwrap().is_none());
        assert!(s.session(&t2).unwrap().is_none());
        assert_eq!(s.list_users().unwrap()[0].active_devices, 0);
        assert_eq!(s.reset_devices("nobody").unwrap(), None);
    }
}

/// A content check that accepts anything starting with `ok`.
fn starts_with_ok(bytes: &[u8]) -> Result<(), ApiError> {
    if bytes.starts_with(b"ok") {
        Ok(())
    } else {
        Err(ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "test.rejected",
            "ditolak",
        ))
    }
}

fn body(bytes: &[u8]) -> axum::body::Body {
    axum::body::Body::from(bytes.to_vec())
}

/// The behaviour [`BlobStore`] promises. Stores must allow blobs of at least 64 bytes.
pub async fn blob_store_contract<S: BlobStore>(make: impl Fn() -> S) {
    let content = b"ok, some photo bytes that are long enough to split".to_vec();
    let hash = Sha256Hex::of(&content);
    let total = content.len() as u64;

    // whole upload in one chunk; duplicates are free
    {
        let s = make();
        assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(0));
        assert!(s.read(&hash).await.unwrap().is_none());
        let out = s
            .append(&hash, 0, total, body(&content), starts_with_ok)
            .await
            .unwrap();
        assert!(out.complete);
        assert_eq!((out.received, out.total), (total, total));
        assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Complete(total));
        assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
        // a duplicate (even with garbage) is answered complete without rewriting
        let again = s
            .append(&hash, 0, total, body(b"garbage"), starts_with_ok)
            .await
            .unwrap();
        assert!(again.complete);
        assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
    }

    // chunked and resumed; wrong offsets refused with the staged count
    {
        let s = make();
        let (a, b) = content.split_at(10);
        let out = s
            .append(&hash, 0, total, body(a), starts_with_ok)
            .await
            .unwrap();
        assert_eq!((out.received, out.complete), (10, false));
        assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(10));
        assert!(
            s.read(&hash).await.unwrap().is_none(),
            "partial is not readable"
        );
        match s.append(&hash, 0, total, body(a), starts_with_ok).await {
            Err(BlobError::OffsetMismatch { received }) => assert_eq!(received, 10),
            other => panic!("expected OffsetMismatch, got {other:?}"),
        }
        match s
            .append(&hash, 11, total, body(&b[1..]), starts_with_ok)
            .await
        {
            Err(BlobError::OffsetMismatch { received }) => assert_eq!(received, 10),
            other => panic!("expected OffsetMismatch, got {other:?}"),
        }
        let out = s
            .append(&hash, 10, total, body(b), starts_with_ok)
            .await
            .unwrap();
        assert!(out.complete);
        assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
    }

    // past the total: refused, staged bytes unchanged
    {
        let s = make();
        s.append(&hash, 0, total, body(&content[..5]), starts_with_ok)
            .await
            .unwrap();
        let mut too_long = content[5..].to_vec();
        too_long.push(b'!');
        assert!(matches!(
            s.append(&hash, 5, total, body(&too_long), starts_with_ok)
                .await,
            Err(BlobError::PastTotal)
        ));
        assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(5));
        assert!(matches!(
            s.append(&hash, 0, 0, body(b""), starts_with_ok).await,
            Err(BlobError::BadTotal { .. })
        ));
    }

    // wrong content for the name: discarded
    {
        let s = make();
        let mut wrong = content.clone();
        wrong[20] ^= 1;
        assert!(matches!(
            s.append(&hash, 0, total, body(&wrong), starts_with_ok)
                .await,
            Err(BlobError::HashMismatch)
        ));
        assert_eq!(s.status(&hash).await.unwrap(), BlobStatus::Partial(0));
        assert!(s.read(&hash).await.unwrap().is_none());
    }

    // content refused by the check: discarded
    {
        let s = make();
        let bad = b"not ok at all".to_vec();
        let bad_hash = Sha256Hex::of(&bad);
        assert!(matches!(
            s.append(&bad_hash, 0, bad.len() as u64, body(&bad), starts_with_ok)
                .await,
            Err(BlobError::Rejected(_))
        ));
        assert_eq!(s.status(&bad_hash).await.unwrap(), BlobStatus::Partial(0));
    }

    // racing identical chunks: exactly one wins, the blob is intact
    {
        let s = std::sync::Arc::new(make());
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = s.clone();
            let (hash, content) = (hash.clone(), content.clone());
            tasks.push(tokio::spawn(async move {
                s.append(&hash, 0, total, body(&content), starts_with_ok)
                    .await
            }));
        }
        for t in tasks {
            match t.await.unwrap() {
                Ok(out) => assert!(out.complete),
                Err(BlobError::OffsetMismatch { .. }) => {}
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(s.read(&hash).await.unwrap().unwrap(), content);
    }
}
