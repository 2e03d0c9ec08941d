//! Previews (PowerShell's `-WhatIf`): the exact request a mutating call would send.

use super::{Client, PreparedRequest, path_id, user_path};
use crate::error::{Error, Result};
use crate::models::{UserCreate, UserUpdate};
use crate::params::Params;

/// Builds, validates and returns requests without sending them. Get one with [`Client::preview`].
#[derive(Debug, Clone, Copy)]
pub struct Preview<'a> {
    pub(super) client: &'a Client,
}

impl Preview<'_> {
    /// The `POST /admin/v1/users` that [`Client::create_user`] would send.
    pub fn create_user(&self, user: &UserCreate) -> Result<PreparedRequest> {
        self.client.prepare("POST", "/admin/v1/users", user.to_params()?)
    }

    /// The `POST /admin/v1/users/{user_id}` that [`Client::update_user`] would send.
    pub fn update_user(&self, user_id: &str, update: &UserUpdate) -> Result<PreparedRequest> {
        let path = user_path(user_id)?;
        if update.is_empty() {
            return Err(Error::invalid("update", "no field to change"));
        }
        self.client.prepare("POST", &path, update.to_params()?)
    }

    /// The `DELETE /admin/v1/users/{user_id}` that [`Client::delete_user`] would send.
    pub fn delete_user(&self, user_id: &str) -> Result<PreparedRequest> {
        self.client.prepare("DELETE", &user_path(user_id)?, Params::new())
    }

    /// The `POST .../directorysync/{directory_key}/syncuser` that
    /// [`Client::sync_user_from_directory`] would send.
    pub fn sync_user_from_directory(&self, directory_key: &str, username: &str) -> Result<PreparedRequest> {
        let directory_key = path_id("directory_key", directory_key)?;
        if username.trim().is_empty() {
            return Err(Error::invalid("username", "must not be empty"));
        }
        let path = format!("/admin/v1/users/directorysync/{directory_key}/syncuser");
        self.client.prepare("POST", &path, Params::new().with("username", username))
    }

    /// Any call, as [`Client::call`] would send it.
    pub fn call(&self, method: &str, path: &str, params: Params) -> Result<PreparedRequest> {
        self.client.prepare(method, path, params)
    }
}
