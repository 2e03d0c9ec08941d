//! JSON seed files that preload an emulator:
//! `{"users": [ ...Duo user objects... ], "directories": {"KEY": [ ...directory users... ]}}`.
//! Both members are optional; unknown members are refused so that typos do not go unnoticed.

use crate::{Emulator, EmulatorError};
use duo_directory::{DirectoryUser, User};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The seed file's shape.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// Duo users, in listing order.
    #[serde(default)]
    pub users: Vec<User>,
    /// Directory users by directory key.
    #[serde(default)]
    pub directories: BTreeMap<String, Vec<DirectoryUser>>,
}

impl SeedFile {
    /// Parses seed-file JSON text; errors name the line and column.
    pub fn parse(text: &str) -> Result<SeedFile, String> {
        let de = &mut serde_json::Deserializer::from_str(text);
        parse_strict(de)
    }
}

fn parse_strict(de: &mut serde_json::Deserializer<serde_json::de::StrRead<'_>>) -> Result<SeedFile, String> {
    let seed = SeedFile::deserialize(&mut *de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(seed)
}

/// Reads `path` and adds its users (insert or replace by `user_id`) and directories (replacing
/// each named directory) to `emulator`. Nothing is added when the file is invalid.
pub fn load(emulator: &Emulator, path: &Path) -> Result<(), EmulatorError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| EmulatorError::SeedFile { path: path.to_path_buf(), message: format!("cannot read it: {e}") })?;
    let seed = SeedFile::parse(&text).map_err(|message| EmulatorError::SeedFile {
        path: path.to_path_buf(),
        message: format!("not a valid seed file: {message}"),
    })?;
    let mut ids = std::collections::HashSet::new();
    for user in &seed.users {
        if user.user_id.trim().is_empty() || user.username.trim().is_empty() {
            return Err(EmulatorError::SeedFile {
                path: path.to_path_buf(),
                message: "every user needs a non-empty user_id and username".into(),
            });
        }
        if !ids.insert(user.user_id.as_str()) {
            return Err(EmulatorError::SeedFile {
                path: path.to_path_buf(),
                message: format!("user_id {} appears twice", user.user_id),
            });
        }
    }
    for user in seed.users {
        emulator.add_user(user);
    }
    for (key, users) in seed.directories {
        emulator.add_directory(&key, users);
    }
    Ok(())
}
