//! The secret key never appears in `Debug`, `Display` or error text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::{ClientConfig, Params, Secret, SignOptions, Signer, blocking};

const SKEY: &str = "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep";

#[test]
fn debug_of_every_credential_type_hides_the_secret() {
    let secret = Secret::new(SKEY);
    let config = ClientConfig::new("DIWJ8X6AEYOR5OMC6TQ1", SKEY, "api-3f2a91c4.duosecurity.com");
    let signer = Signer::new("DIWJ8X6AEYOR5OMC6TQ1", &secret).unwrap();
    let client = duo_directory::Client::new(config.clone()).unwrap();
    let blocking = blocking::Client::new(config.clone()).unwrap();
    let signed = signer.sign("GET", "h", "/p", &Params::new(), &SignOptions::default()).unwrap();
    let preview = client.preview().delete_user("DU1").unwrap();
    for text in [
        format!("{secret:?}"),
        format!("{secret}"),
        format!("{config:?}"),
        format!("{signer:?}"),
        format!("{client:?}"),
        format!("{blocking:?}"),
        format!("{signed:?}"),
        format!("{preview:?}"),
        preview.to_json(),
    ] {
        assert!(!text.contains(SKEY), "secret leaked: {text}");
        assert!(!text.contains("Zh5eGm"), "part of the secret leaked: {text}");
    }
    // the preview carries no Authorization header at all
    assert!(!preview.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("authorization")));
    assert_eq!(secret.expose(), SKEY);
}

#[test]
fn errors_never_carry_the_secret() {
    let mut config = ClientConfig::new("DI1", SKEY, "http://bad host");
    let err = duo_directory::Client::new(config.clone()).unwrap_err();
    assert!(!err.to_string().contains(SKEY) && !format!("{err:?}").contains(SKEY));
    config.host = "example.com".into();
    config.scheme = duo_directory::Scheme::Http;
    let err = duo_directory::Client::new(config).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("loopback"), "{err}");
    assert!(!err.to_string().contains(SKEY));
}
