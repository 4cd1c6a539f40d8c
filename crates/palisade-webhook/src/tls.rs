//! The serving certificate: loading it into a rustls configuration (ring provider), and
//! reloading it in place when the files change, as cert-manager rotates them.
//!
//! Reloading swaps the configuration new handshakes use; connections already open keep the
//! certificate they were made with, so nothing is dropped. The files are polled rather than
//! watched: a Kubernetes secret volume replaces them through a `..data` symlink swap, which
//! inotify watches on the files themselves miss, and two small reads every few seconds cost
//! nothing. A pair that does not load (the key written before the certificate, say) is
//! logged and retried; the old certificate stays in use meanwhile.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum_server::tls_rustls::RustlsConfig;
use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use x509_cert::der::Decode as _;

use crate::metrics::Metrics;

/// A certificate or key that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The certificate file holds no PEM certificate.
    #[error("{path}: no PEM certificate found ({message})")]
    Certificate { path: PathBuf, message: String },
    /// The key file holds no PEM private key.
    #[error("{path}: no PEM private key found ({message})")]
    Key { path: PathBuf, message: String },
    /// rustls refused the pair (for instance, the key does not match the certificate).
    #[error("certificate {cert} and key {key} cannot be used together: {message}")]
    Pair {
        cert: PathBuf,
        key: PathBuf,
        message: String,
    },
}

/// Where the certificate chain and key are.
#[derive(Clone, Debug)]
pub struct CertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A loaded pair: the configuration and what it was made from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: Arc<ServerConfig>,
    /// When the leaf certificate expires (Unix seconds), if it could be read.
    pub not_after: Option<i64>,
    cert_pem: Vec<u8>,
    key_pem: Vec<u8>,
}

impl CertFiles {
    /// Reads and checks the pair.
    pub fn load(&self) -> Result<Loaded, TlsError> {
        let (cert_pem, key_pem) = self.read()?;
        self.build(cert_pem, key_pem)
    }

    fn read(&self) -> Result<(Vec<u8>, Vec<u8>), TlsError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| TlsError::Read {
                path: path.to_path_buf(),
                source,
            })
        };
        Ok((read(&self.cert)?, read(&self.key)?))
    }

    fn build(&self, cert_pem: Vec<u8>, key_pem: Vec<u8>) -> Result<Loaded, TlsError> {
        let chain = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TlsError::Certificate {
                path: self.cert.clone(),
                message: e.to_string(),
            })?;
        let Some(leaf) = chain.first() else {
            return Err(TlsError::Certificate {
                path: self.cert.clone(),
                message: "the file is empty".to_string(),
            });
        };
        let not_after = x509_cert::Certificate::from_der(leaf).ok().and_then(|c| {
            let seconds = c
                .tbs_certificate()
                .validity()
                .not_after
                .to_unix_duration()
                .as_secs();
            i64::try_from(seconds).ok()
        });
        let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| TlsError::Key {
            path: self.key.clone(),
            message: e.to_string(),
        })?;
        let config = server_config(chain, key).map_err(|e| TlsError::Pair {
            cert: self.cert.clone(),
            key: self.key.clone(),
            message: e.to_string(),
        })?;
        Ok(Loaded {
            config: Arc::new(config),
            not_after,
            cert_pem,
            key_pem,
        })
    }
}

/// A TLS 1.2/1.3 server configuration with the ring provider, offering HTTP/2 and HTTP/1.1.
fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<ServerConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    // `with_single_cert` also checks that the key belongs to the certificate.
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Polls the files every `interval` and swaps the configuration in `rustls` when they hold a
/// new, valid pair. Runs until the task is dropped.
pub async fn watch(
    files: CertFiles,
    rustls: RustlsConfig,
    mut current: Loaded,
    metrics: Arc<Metrics>,
    interval: Duration,
) {
    // The contents last tried, so that a broken pair is reported once, not every tick.
    let mut last_tried = (current.cert_pem.clone(), current.key_pem.clone());
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticker.tick().await;
    loop {
        ticker.tick().await;
        let read = {
            let files = files.clone();
            tokio::task::spawn_blocking(move || files.read()).await
        };
        let (cert_pem, key_pem) = match read {
            Ok(Ok(pair)) => pair,
            Ok(Err(error)) => {
                tracing::warn!(error = %error, "certificate files unreadable; keeping the loaded certificate");
                continue;
            }
            Err(_) => continue,
        };
        if (&cert_pem, &key_pem) == (&current.cert_pem, &current.key_pem)
            || (&cert_pem, &key_pem) == (&last_tried.0, &last_tried.1)
        {
            continue;
        }
        last_tried = (cert_pem.clone(), key_pem.clone());
        match files.build(cert_pem, key_pem) {
            Ok(loaded) => {
                rustls.reload_from_config(loaded.config.clone());
                if let Some(not_after) = loaded.not_after {
                    metrics.set_certificate_expiry(not_after);
                }
                metrics.certificate_reloaded(true);
                tracing::info!(
                    cert = %files.cert.display(),
                    not_after = loaded.not_after,
                    "serving certificate reloaded"
                );
                current = loaded;
            }
            Err(error) => {
                metrics.certificate_reloaded(false);
                tracing::warn!(error = %error, "new certificate files do not load; keeping the loaded certificate");
            }
        }
    }
}
