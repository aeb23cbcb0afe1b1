//! The S3 client of a `blob_url`, configured from the environment an operator expects:
//! `PENDATA_S3_ENDPOINT` (a self-hosted store: Garage, MinIO, Ceph RGW, SeaweedFS), `AWS_REGION`,
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (and the other `AWS_*` settings object_store
//! reads), plain `http://` only with `AWS_ALLOW_HTTP=true`. Path-style addressing
//! (`endpoint/bucket/key`), which every self-hosted store speaks.

use std::sync::Arc;

use object_store::aws::AmazonS3Builder;
use object_store::ObjectStore;

use crate::config::BlobUrl;

/// Why the S3 client could not be made.
#[derive(Debug, thiserror::Error)]
pub enum S3ConfigError {
    #[error("S3 photo storage: {0}")]
    Client(#[from] object_store::Error),
}

/// The bucket of `url`, with the endpoint, region and keys from the environment.
pub fn from_env(url: &BlobUrl) -> Result<Arc<dyn ObjectStore>, S3ConfigError> {
    let mut builder = AmazonS3Builder::from_env()
        .with_bucket_name(&url.bucket)
        .with_virtual_hosted_style_request(false);
    if let Some(endpoint) = std::env::var("PENDATA_S3_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())
    {
        builder = builder.with_endpoint(endpoint);
    }
    if std::env::var("AWS_REGION").is_err() {
        // Self-hosted stores accept any region; SigV4 needs one.
        builder = builder.with_region("us-east-1");
    }
    Ok(Arc::new(builder.build()?))
}
