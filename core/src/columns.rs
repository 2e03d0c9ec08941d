//! The scalars of a listed page's users as a few flat columns, filled by the one pass that splits
//! the page (no allocation per field): one text of every scalar string, their offsets, flags and
//! numbers. A listed [`LazyUser`] reads its [`UserSummary`] from here; a binding can hand the
//! whole page across its language boundary at once (one string and three arrays, instead of one
//! object and one call per user and field) and slice fields out only when they are read.

use crate::listing::{LazyUser, UserSummary};
use crate::models::UserStatus;
use std::borrow::Cow;

/// How many text fields a user has: the first twelve of [`UserSummary::ROW_FIELDS`]
/// (`user_id` .. `alias4`).
pub const TEXT_FIELDS: usize = 12;
/// How many numbers a user has: `created`, `last_login`, `last_directory_sync`.
pub const NUMBER_FIELDS: usize = 3;

/// Bit `c` of [`UserColumns::flags`] (`c < TEXT_FIELDS`): text field `c` is null.
pub const FLAG_TEXT_NULL: u32 = 1;
/// Bit of [`UserColumns::flags`]: `is_enrolled` is present (not null).
pub const FLAG_ENROLLED_PRESENT: u32 = 1 << 12;
/// Bit of [`UserColumns::flags`]: `is_enrolled` is true.
pub const FLAG_ENROLLED: u32 = 1 << 13;
/// Bit of [`UserColumns::flags`]: the user's scalars were not decoded here; read the user itself
/// (its summary decodes from its JSON, or says why it cannot). The user's other bits and columns
/// are then meaningless.
pub const FLAG_UNDECODED: u32 = 1 << 15;
/// Bit `16 + j` of [`UserColumns::flags`] (`j < NUMBER_FIELDS`): number `j` is null.
pub const FLAG_NUMBER_NULL: u32 = 1 << 16;

/// A page's user scalars as columns. For user `i`:
/// - text field `c` (`c < TEXT_FIELDS`, in [`UserSummary::ROW_FIELDS`] order) is
///   `text[bounds[2k] .. bounds[2k + 1]]` with `k = i * TEXT_FIELDS + c` (byte offsets; see
///   [`UserColumns::utf16_bounds`]), or null when bit `c` of `flags[i]` is set;
/// - `numbers[i * NUMBER_FIELDS + j]` is `created`, `last_login`, `last_directory_sync`, null
///   when bit `16 + j` is set;
/// - `is_enrolled` is in the [`FLAG_ENROLLED_PRESENT`] and [`FLAG_ENROLLED`] bits.
///
/// ```
/// use duo_directory::{LazyUser, UserColumns};
/// let users = [LazyUser::from_json(r#"{"user_id":"DU1","username":"jösmith","status":"active","created":7}"#)];
/// let columns = UserColumns::from_users(&users);
/// assert_eq!(columns.text_field(0, 1), Some("jösmith"));
/// assert_eq!(columns.text_field(0, 3), None); // realname is null
/// assert_eq!(columns.summary(0).unwrap().created, Some(7));
/// assert_eq!(columns.utf16_bounds()[2..4], [3, 10]); // "ö" is one UTF-16 unit, two bytes
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserColumns {
    /// Every text field of every user, one after the other.
    pub text: String,
    /// Start and end (byte offsets into `text`) of every text field: `2 * TEXT_FIELDS` per user.
    pub bounds: Vec<u32>,
    /// Per user: null fields, `is_enrolled` and [`FLAG_UNDECODED`] (see the `FLAG_` constants).
    pub flags: Vec<u32>,
    /// `NUMBER_FIELDS` numbers per user (0 where null).
    pub numbers: Vec<i64>,
    /// `bounds` in UTF-16 code units, kept from the first non-ASCII text on (empty before: the
    /// two are equal while `text` is ASCII).
    utf16: Vec<u32>,
    /// Length of `text` in UTF-16 code units.
    utf16_len: u32,
}

impl UserColumns {
    /// Lays out the scalars of any users (each decoded once, if it was not yet).
    pub fn from_users(users: &[LazyUser]) -> UserColumns {
        let mut out = UserColumns::default();
        for user in users {
            match user.summary() {
                Ok(s) => out.push_summary(s),
                Err(_) => out.push_undecoded(),
            }
        }
        out
    }

    /// The columns of a page's users: borrowed when they are exactly the users one page pass
    /// decoded (the common case), otherwise laid out from their summaries.
    pub fn of_page(users: &[LazyUser]) -> Cow<'_, UserColumns> {
        if let Some(columns) = crate::listing::shared_columns(users) {
            return Cow::Borrowed(columns);
        }
        Cow::Owned(UserColumns::from_users(users))
    }

    /// How many users.
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    /// True when there is no user.
    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// Text field `c` of user `i` (`None`: null, undecoded or out of range).
    pub fn text_field(&self, i: usize, c: usize) -> Option<&str> {
        let flags = *self.flags.get(i)?;
        if c >= TEXT_FIELDS || flags & (FLAG_UNDECODED | (FLAG_TEXT_NULL << c)) != 0 {
            return None;
        }
        let k = 2 * (i * TEXT_FIELDS + c);
        let (start, end) = (*self.bounds.get(k)?, *self.bounds.get(k + 1)?);
        self.text.get(start as usize..end as usize)
    }

    /// Number `j` of user `i` (`None`: null, undecoded or out of range).
    pub fn number(&self, i: usize, j: usize) -> Option<i64> {
        let flags = *self.flags.get(i)?;
        if j >= NUMBER_FIELDS || flags & (FLAG_UNDECODED | (FLAG_NUMBER_NULL << j)) != 0 {
            return None;
        }
        self.numbers.get(i * NUMBER_FIELDS + j).copied()
    }

    /// User `i`'s scalars as a [`UserSummary`] (`None`: undecoded or out of range).
    pub fn summary(&self, i: usize) -> Option<UserSummary> {
        let flags = *self.flags.get(i)?;
        if flags & FLAG_UNDECODED != 0 {
            return None;
        }
        let text = |c| self.text_field(i, c).map(Box::from);
        Some(UserSummary {
            user_id: text(0)?,
            username: text(1)?,
            status: UserStatus::from(self.text_field(i, 2)?),
            realname: text(3),
            firstname: text(4),
            lastname: text(5),
            email: text(6),
            notes: text(7),
            alias1: text(8),
            alias2: text(9),
            alias3: text(10),
            alias4: text(11),
            created: self.number(i, 0),
            last_login: self.number(i, 1),
            last_directory_sync: self.number(i, 2),
            is_enrolled: (flags & FLAG_ENROLLED_PRESENT != 0).then_some(flags & FLAG_ENROLLED != 0),
        })
    }

    /// `bounds` counted in UTF-16 code units, the unit of JavaScript and JVM strings (the same
    /// values when `text` is ASCII).
    pub fn utf16_bounds(&self) -> &[u32] {
        if self.utf16.is_empty() { &self.bounds } else { &self.utf16 }
    }

    /// The columns as a language with UTF-16 strings and `f64` numbers reads them (JavaScript,
    /// the JVM): moved, not copied, except the numbers.
    pub fn into_utf16(mut self) -> Utf16Columns {
        let numbers = self.numbers_f64();
        let bounds = if self.utf16.is_empty() { self.bounds } else { std::mem::take(&mut self.utf16) };
        Utf16Columns { text: self.text, bounds, flags: self.flags, numbers }
    }

    /// `numbers` as JavaScript numbers (`f64`, exact up to 2^53, as `JSON.parse` would make
    /// them), NaN where null.
    pub fn numbers_f64(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.numbers.len());
        for (i, &flags) in self.flags.iter().enumerate() {
            for j in 0..NUMBER_FIELDS {
                let null = flags & (FLAG_UNDECODED | (FLAG_NUMBER_NULL << j)) != 0;
                #[allow(clippy::cast_precision_loss)]
                out.push(match self.numbers.get(i * NUMBER_FIELDS + j) {
                    Some(&n) if !null => n as f64,
                    _ => f64::NAN,
                });
            }
        }
        out
    }

    fn push_summary(&mut self, s: &UserSummary) {
        let texts: [Option<&str>; TEXT_FIELDS] = [
            Some(&s.user_id),
            Some(&s.username),
            Some(s.status.as_str()),
            s.realname.as_deref(),
            s.firstname.as_deref(),
            s.lastname.as_deref(),
            s.email.as_deref(),
            s.notes.as_deref(),
            s.alias1.as_deref(),
            s.alias2.as_deref(),
            s.alias3.as_deref(),
            s.alias4.as_deref(),
        ];
        let mut user = self.begin();
        for (c, text) in texts.into_iter().enumerate() {
            if let Some(text) = text {
                user.text(c, text);
            }
        }
        for (j, n) in [s.created, s.last_login, s.last_directory_sync].into_iter().enumerate() {
            if let Some(n) = n {
                user.number(j, n);
            }
        }
        if let Some(enrolled) = s.is_enrolled {
            user.enrolled(enrolled);
        }
        user.finish();
    }

    fn push_undecoded(&mut self) {
        self.begin().abandon();
    }

    /// Starts the next user (every field null until written).
    pub(crate) fn begin(&mut self) -> ColumnsUser<'_> {
        let user = self.flags.len();
        let (text_start, utf16_start) = (self.text.len(), self.utf16_len);
        self.bounds.extend([0; 2 * TEXT_FIELDS]);
        if !self.utf16.is_empty() {
            self.utf16.extend([0; 2 * TEXT_FIELDS]);
        }
        self.numbers.extend([0; NUMBER_FIELDS]);
        let all_null = ((1 << TEXT_FIELDS) - 1) | (((1 << NUMBER_FIELDS) - 1) << 16);
        self.flags.push(FLAG_UNDECODED);
        ColumnsUser { columns: self, user, text_start, utf16_start, flags: all_null }
    }
}

/// [`UserColumns`] for JavaScript or the JVM (see [`UserColumns::into_utf16`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Utf16Columns {
    /// [`UserColumns::text`].
    pub text: String,
    /// [`UserColumns::bounds`] in UTF-16 code units.
    pub bounds: Vec<u32>,
    /// [`UserColumns::flags`].
    pub flags: Vec<u32>,
    /// [`UserColumns::numbers_f64`].
    pub numbers: Vec<f64>,
}

/// One user being written into [`UserColumns`] (see [`UserColumns::begin`]); flagged
/// [`FLAG_UNDECODED`] unless [`ColumnsUser::finish`] is called.
pub(crate) struct ColumnsUser<'a> {
    columns: &'a mut UserColumns,
    user: usize,
    text_start: usize,
    utf16_start: u32,
    flags: u32,
}

impl ColumnsUser<'_> {
    /// Sets text field `c`.
    pub(crate) fn text(&mut self, c: usize, text: &str) {
        let columns = &mut *self.columns;
        let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let (start, start16) = (offset(columns.text.len()), columns.utf16_len);
        columns.text.push_str(text);
        let end = offset(columns.text.len());
        let ascii = text.is_ascii();
        let units = if ascii { end - start } else { offset(text.chars().map(char::len_utf16).sum()) };
        columns.utf16_len = start16.saturating_add(units);
        if !ascii && columns.utf16.is_empty() {
            // all text so far was ASCII: the UTF-16 offsets were the byte offsets
            columns.utf16.clone_from(&columns.bounds);
        }
        let k = 2 * (self.user * TEXT_FIELDS + c);
        if let Some([s, e]) = columns.bounds.get_mut(k..k + 2) {
            (*s, *e) = (start, end);
        }
        if let Some([s, e]) = columns.utf16.get_mut(k..k + 2) {
            (*s, *e) = (start16, columns.utf16_len);
        }
        self.flags &= !(FLAG_TEXT_NULL << c);
    }

    /// Sets number `j`.
    pub(crate) fn number(&mut self, j: usize, n: i64) {
        if let Some(slot) = self.columns.numbers.get_mut(self.user * NUMBER_FIELDS + j) {
            *slot = n;
        }
        self.flags &= !(FLAG_NUMBER_NULL << j);
    }

    /// Sets `is_enrolled`.
    pub(crate) fn enrolled(&mut self, enrolled: bool) {
        self.flags |= FLAG_ENROLLED_PRESENT | if enrolled { FLAG_ENROLLED } else { 0 };
    }

    /// The user is complete.
    pub(crate) fn finish(self) {
        if let Some(flags) = self.columns.flags.get_mut(self.user) {
            *flags = self.flags;
        }
    }

    /// The user's scalars are not decoded here after all: its text is dropped, it stays flagged
    /// [`FLAG_UNDECODED`].
    pub(crate) fn abandon(self) {
        self.columns.text.truncate(self.text_start);
        self.columns.utf16_len = self.utf16_start;
        let k = 2 * self.user * TEXT_FIELDS;
        for bounds in [&mut self.columns.bounds, &mut self.columns.utf16] {
            if let Some(bounds) = bounds.get_mut(k..k + 2 * TEXT_FIELDS) {
                bounds.fill(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every column holds the value of the Duo field `ROW_FIELDS` names at its index, through
    /// escapes, non-ASCII and astral text, nulls, and a user that does not decode.
    #[test]
    fn columns_follow_row_fields() {
        let user = serde_json::json!({
            "user_id": "DUABCDEFGHIJKLMNOPQR", "username": "jsmith", "status": "locked out",
            "realname": "Jo \"JS\" Sm\u{ef}th \u{1f600}", "firstname": "", "lastname": "Smith", "email": "jo@example.com",
            "notes": "line\nnext", "alias1": "a1", "alias2": null, "alias3": "\u{1f600}", "alias4": "a4",
            "created": 1_700_000_001, "last_login": null, "last_directory_sync": 1_700_000_003,
            "is_enrolled": false, "groups": [{"name": "g"}], "phones": []
        });
        let users = [
            LazyUser::from_json(&user.to_string()),
            LazyUser::from_json(r#"{"username":"no id"}"#),
            LazyUser::from_json(r#"{"user_id":"DU2","username":"u2","status":"active","is_enrolled":true}"#),
        ];
        let columns = UserColumns::from_users(&users);
        assert_eq!(columns.len(), 3);
        assert_eq!(columns.bounds.len(), 3 * 2 * TEXT_FIELDS);
        assert_eq!(columns.numbers.len(), 3 * NUMBER_FIELDS);
        for (c, name) in UserSummary::ROW_FIELDS.iter().take(TEXT_FIELDS).enumerate() {
            assert_eq!(columns.text_field(0, c), user[name].as_str(), "column {c} ({name})");
        }
        assert_eq!(
            (0..3).map(|j| columns.number(0, j)).collect::<Vec<_>>(),
            [Some(1_700_000_001), None, Some(1_700_000_003)]
        );
        assert_eq!(
            columns.numbers_f64()[..3].iter().map(|n| n.to_string()).collect::<Vec<_>>(),
            ["1700000001", "NaN", "1700000003"]
        );
        assert_eq!(columns.flags[0] & (FLAG_ENROLLED_PRESENT | FLAG_ENROLLED), FLAG_ENROLLED_PRESENT);
        assert_eq!(columns.flags[1], FLAG_UNDECODED);
        assert_eq!(columns.summary(1), None);
        assert_eq!(columns.summary(0).as_ref(), users[0].summary().ok());
        assert_eq!(columns.summary(2).as_ref(), users[2].summary().ok());
        assert_eq!(columns.summary(2).unwrap().is_enrolled, Some(true));

        // UTF-16 offsets slice the same text out of the JavaScript form of `text`
        let utf16: Vec<u16> = columns.text.encode_utf16().collect();
        let bounds = columns.utf16_bounds();
        for i in [0, 2] {
            for c in 0..TEXT_FIELDS {
                let k = 2 * (i * TEXT_FIELDS + c);
                let sliced = String::from_utf16(&utf16[bounds[k] as usize..bounds[k + 1] as usize]).unwrap();
                assert_eq!(
                    Some(sliced.as_str()).filter(|_| columns.text_field(i, c).is_some()),
                    columns.text_field(i, c),
                    "{i} {c}"
                );
            }
        }
        let js = columns.clone().into_utf16();
        assert_eq!((js.bounds.as_slice(), &js.flags, &js.text), (bounds, &columns.flags, &columns.text));
        assert!(UserColumns::from_users(&[]).is_empty());
    }
}
