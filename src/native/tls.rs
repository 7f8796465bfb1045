//! TLS for `imap-sandbox serve --tls`: the certificate (from PEM files, or self-signed at start
//! for 127.0.0.1 and localhost) and the rustls configuration. The TCP driver
//! ([`crate::native::tcp`]) runs the connections; the engine knows nothing of TLS beyond
//! [`crate::server::Transport`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

/// A server certificate ready to serve, and what to tell the user about it.
#[derive(Debug, Clone)]
pub struct TlsIdentity {
    /// The rustls server configuration, shared by every connection.
    pub config: Arc<ServerConfig>,
    /// Where the certificate is (the user's --cert, or the generated one).
    pub cert_path: PathBuf,
    /// SHA-256 of the leaf certificate's DER, as `AB:CD:...` (the form `openssl x509
    /// -fingerprint -sha256` prints).
    pub fingerprint: String,
    /// Whether the certificate was generated at start.
    pub generated: bool,
}

impl TlsIdentity {
    /// The certificate chain and private key from PEM files (the key in PKCS #8, PKCS #1 or
    /// SEC1 form).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<TlsIdentity, String> {
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("{}: {e}", cert.display()))?;
        let Some(leaf) = chain.first() else {
            return Err(format!("{}: no certificate in the file", cert.display()));
        };
        let fingerprint = fingerprint(leaf);
        let key =
            PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
        Ok(TlsIdentity {
            config: server_config(chain, key)?,
            cert_path: cert.to_path_buf(),
            fingerprint,
            generated: false,
        })
    }

    /// A new self-signed certificate for `127.0.0.1`, `::1` and `localhost`, written as PEM to
    /// `cert_path` so that clients can trust it (`ssl.create_default_context(cafile=...)`).
    pub fn self_signed(cert_path: &Path) -> Result<TlsIdentity, String> {
        let names = ["127.0.0.1", "::1", "localhost"].map(String::from).to_vec();
        let made = rcgen::generate_simple_self_signed(names)
            .map_err(|e| format!("cannot make a certificate: {e}"))?;
        std::fs::write(cert_path, made.cert.pem())
            .map_err(|e| format!("{}: {e}", cert_path.display()))?;
        let leaf = made.cert.der().clone();
        let fingerprint = fingerprint(&leaf);
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
        Ok(TlsIdentity {
            config: server_config(vec![leaf], key)?,
            cert_path: cert_path.to_path_buf(),
            fingerprint,
            generated: true,
        })
    }
}

/// TLS 1.2 and 1.3 with rustls' safe defaults, on the `ring` provider, no client certificates.
fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<ServerConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| format!("the certificate and key do not make a TLS identity: {e}"))?;
    Ok(Arc::new(config))
}

/// SHA-256 of a certificate's DER as colon-separated upper-case hex.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, cert.as_ref());
    digest
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_certificate_round_trips_through_its_pem_file() {
        let dir = std::env::temp_dir().join(format!("imap-sandbox-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cert.pem");
        let made = TlsIdentity::self_signed(&path).unwrap();
        assert!(made.generated);
        // 32 bytes: 64 hex digits and 31 colons.
        assert_eq!(made.fingerprint.len(), 95, "{}", made.fingerprint);
        let pem = std::fs::read_to_string(&path).unwrap();
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
        let der = CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
        assert_eq!(fingerprint(&der), made.fingerprint);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_or_wrong_files_are_errors_naming_the_file() {
        let err = TlsIdentity::from_pem_files(Path::new("/nonexistent/c.pem"), Path::new("k"))
            .unwrap_err();
        assert!(err.contains("/nonexistent/c.pem"), "{err}");
        let dir = std::env::temp_dir().join(format!("imap-sandbox-tls2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let empty = dir.join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        let err = TlsIdentity::from_pem_files(&empty, &empty).unwrap_err();
        assert!(err.contains("no certificate"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
