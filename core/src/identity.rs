//! What each type shows of itself in a binding's `repr()` / `toString()` / `inspect`: its name and
//! a few identity fields, chosen here once so that every language prints the same (and none
//! prints a secret: a signed request's `Authorization` is shown masked).

use crate::models::{
    BypassCode, DesktopAuthenticator, DirectoryGroup, DirectoryRole, DirectoryUser, Group, Phone, Token, U2fToken,
    User, WebauthnCredential,
};
use crate::{PreparedRequest, SignedRequest, UserSummary};

/// One identity field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown<'a> {
    /// A string, quoted in the host language's way.
    Text(&'a str),
    /// An absent value (`None`, `null`).
    Missing,
}

impl<'a> From<&'a str> for Shown<'a> {
    fn from(s: &'a str) -> Self {
        Shown::Text(s)
    }
}

impl<'a> From<&'a String> for Shown<'a> {
    fn from(s: &'a String) -> Self {
        Shown::Text(s)
    }
}

impl<'a> From<&'a Box<str>> for Shown<'a> {
    fn from(s: &'a Box<str>) -> Self {
        Shown::Text(s)
    }
}

impl<'a> From<&'a Option<Box<str>>> for Shown<'a> {
    fn from(s: &'a Option<Box<str>>) -> Self {
        s.as_deref().map_or(Shown::Missing, Shown::Text)
    }
}

impl<'a> From<&'a Option<String>> for Shown<'a> {
    fn from(s: &'a Option<String>) -> Self {
        s.as_deref().map_or(Shown::Missing, Shown::Text)
    }
}

/// A type's printed identity: `TypeName(field=value, ...)`.
pub trait Identity {
    /// The type's name as every binding exposes it.
    const TYPE_NAME: &'static str;
    /// The identity fields, in order.
    fn identity(&self) -> Vec<(&'static str, Shown<'_>)>;
}

/// Formats an identity with `quote` rendering text values (the host language's string repr).
///
/// ```
/// use duo_directory::{User, identity::{render, Identity}};
/// let user = User::from_json(r#"{"user_id":"DU1","username":"jsmith","status":"active"}"#)?;
/// assert_eq!(render(&user, |s| format!("'{s}'")), "User(user_id='DU1', username='jsmith', status='active')");
/// # Ok::<(), duo_directory::Error>(())
/// ```
pub fn render<T: Identity + ?Sized>(value: &T, quote: impl Fn(&str) -> String) -> String {
    let fields: Vec<String> = value
        .identity()
        .into_iter()
        .map(|(name, shown)| {
            let text = match shown {
                Shown::Text(s) => quote(s),
                Shown::Missing => "None".to_owned(),
            };
            format!("{name}={text}")
        })
        .collect();
    format!("{}({})", T::TYPE_NAME, fields.join(", "))
}

macro_rules! identity {
    ($($ty:ty => $name:literal { $($field:literal : |$v:ident| $expr:expr),* $(,)? })*) => {$(
        impl Identity for $ty {
            const TYPE_NAME: &'static str = $name;
            fn identity(&self) -> Vec<(&'static str, Shown<'_>)> {
                vec![$(($field, { let $v = self; Shown::from($expr) })),*]
            }
        }
    )*};
}

identity! {
    User => "User" { "user_id": |u| &u.user_id, "username": |u| &u.username, "status": |u| u.status.as_str() }
    UserSummary => "User" { "user_id": |u| &u.user_id, "username": |u| &u.username, "status": |u| u.status.as_str() }
    Group => "Group" { "group_id": |g| &g.group_id, "name": |g| &g.name }
    Phone => "Phone" { "phone_id": |p| &p.phone_id, "number": |p| &p.number, "type": |p| &p.phone_type }
    Token => "Token" { "token_id": |t| &t.token_id, "type": |t| &t.token_type, "serial": |t| &t.serial }
    U2fToken => "U2fToken" { "registration_id": |t| &t.registration_id }
    WebauthnCredential => "WebauthnCredential" { "webauthnkey": |w| &w.webauthnkey, "label": |w| &w.label }
    DesktopAuthenticator => "DesktopAuthenticator" { "daid": |d| &d.daid, "device_name": |d| &d.device_name, "os_family": |d| &d.os_family }
    DirectoryUser => "DirectoryUser" { "id": |u| &u.id, "email": |u| &u.email, "state": |u| u.state.as_str() }
    DirectoryGroup => "DirectoryGroup" { "id": |g| &g.id, "name": |g| &g.name }
    DirectoryRole => "InlineRole" { "slug": |r| &r.slug }
    crate::Directory => "Directory" { "id": |d| &d.id, "name": |d| &d.name, "state": |d| &d.state }
    crate::DirectoryToken => "DirectoryToken" { "id": |t| &t.id, "directory_id": |t| &t.directory_id }
    crate::DirectoryEvent => "DirectoryEvent" { "id": |e| &e.id, "event": |e| &e.event }
    BypassCode => "BypassCode" { "bypass_code_id": |c| &c.bypass_code_id }
}

impl Identity for PreparedRequest {
    const TYPE_NAME: &'static str = "PreparedRequest";
    fn identity(&self) -> Vec<(&'static str, Shown<'_>)> {
        vec![
            ("method", Shown::Text(&self.method)),
            ("path", Shown::Text(&self.path)),
            ("query", Shown::Text(&self.query)),
            ("body", self.body.as_ref().map_or(Shown::Missing, |b| Shown::Text(b.text()))),
        ]
    }
}

impl Identity for SignedRequest {
    const TYPE_NAME: &'static str = "SignedRequest";
    fn identity(&self) -> Vec<(&'static str, Shown<'_>)> {
        vec![
            ("authorization", Shown::Text("Basic ***")),
            ("date", Shown::Text(&self.date)),
            ("query", Shown::Text(&self.query)),
            ("body", self.body.as_ref().map_or(Shown::Missing, |b| Shown::Text(b.text()))),
        ]
    }
}
