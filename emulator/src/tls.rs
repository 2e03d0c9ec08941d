//! A throw-away CA and a leaf certificate for the loopback names, served with rustls (aws-lc-rs).

use crate::EmulatorError;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::IpAddr;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

pub(crate) struct TlsMaterial {
    pub(crate) acceptor: TlsAcceptor,
    pub(crate) ca_pem: String,
}

fn tls_err(what: &str, e: impl std::fmt::Display) -> EmulatorError {
    EmulatorError::Tls(format!("{what}: {e}"))
}

/// Generates the CA and the leaf (for `localhost`, `127.0.0.1`, `::1` and `bind`), and the acceptor.
pub(crate) fn generate(bind: IpAddr) -> Result<TlsMaterial, EmulatorError> {
    let ca_key = KeyPair::generate().map_err(|e| tls_err("CA key", e))?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| tls_err("CA parameters", e))?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(DnType::CommonName, "duo-directory emulator CA");
    ca_params.distinguished_name.push(DnType::OrganizationName, "duo-directory");
    ca_params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(|e| tls_err("CA certificate", e))?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    let bind_name = bind.to_string();
    if !bind.is_unspecified() && !names.contains(&bind_name) {
        names.push(bind_name);
    }
    let leaf_key = KeyPair::generate().map_err(|e| tls_err("server key", e))?;
    let mut leaf_params = CertificateParams::new(names).map_err(|e| tls_err("server certificate parameters", e))?;
    leaf_params.distinguished_name.push(DnType::CommonName, "localhost");
    leaf_params.is_ca = IsCa::ExplicitNoCa;
    leaf_params.use_authority_key_identifier_extension = true;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    leaf_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer).map_err(|e| tls_err("server certificate", e))?;

    let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err("protocol versions", e))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| tls_err("server certificate", e))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsMaterial { acceptor: TlsAcceptor::from(Arc::new(config)), ca_pem })
}
