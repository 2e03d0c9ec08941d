//! A bypass code's metadata (never the code: new codes are returned as plain `list[str]`).

use super::nested::arc_model;
use super::{Model, getters};
use crate::convert::Json;
use duo_directory::{BypassCode, Error};
use pyo3::prelude::*;
use std::sync::Arc;

arc_model!(
    /// A bypass code as Duo lists it: its metadata, never the code itself.
    PyBypassCode(BypassCode) as "BypassCode"
);
getters!(PyBypassCode, value, |c| {
    /// Email of the administrator who created it.
    admin_email: Option<&str> = c.admin_email.as_deref();
    /// The code's id.
    bypass_code_id: &str = &c.bypass_code_id;
    /// Creation time, UNIX seconds.
    created: Option<i64> = c.created;
    /// Expiry, UNIX seconds; None when it never expires.
    expiration: Option<i64> = c.expiration;
    /// Uses left (0: unlimited).
    reuse_count: Option<i64> = c.reuse_count;
    /// Members this version does not model (such as `user`).
    extra: Json = Json::object(&c.extra);
});
