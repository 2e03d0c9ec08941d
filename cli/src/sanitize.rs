//! Making text from the server harmless on a terminal.
//!
//! A Duo field can hold anything: `ESC[31m` colours the terminal, an OSC sequence sets its
//! title, a right-to-left override reorders what follows. Every string printed in table or text
//! mode goes through [`for_terminal`], which shows each such character in Rust's escape form
//! `\u{XX}` (lower-case hex): ESC is shown as `\u{1b}`, a newline as `\u{a}`, U+202E as `\u{202e}`.
//! JSON output is not touched: serde escapes control characters and keeps every value exact.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as is: C0 controls (tab and newline included), DEL,
/// C1 controls, and the Unicode bidirectional marks, embeddings, overrides and isolates
/// (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) plus the line and paragraph
/// separators U+2028/U+2029.
pub fn is_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// `text` with every [unsafe](is_unsafe) character replaced by `\u{XX}`; borrowed when clean.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_and_keeps_the_rest() {
        assert_eq!(for_terminal("\u{1b}[31mred\u{7}"), "\\u{1b}[31mred\\u{7}");
        assert_eq!(for_terminal("a\nb\tc\u{7f}\u{9b}"), "a\\u{a}b\\u{9}c\\u{7f}\\u{9b}");
        assert_eq!(for_terminal("\u{202e}evil\u{2066}\u{200f}"), "\\u{202e}evil\\u{2066}\\u{200f}");
        assert!(matches!(for_terminal("Zoë O'Brien, 日本, DOMAIN\\user"), Cow::Borrowed(_)));
    }
}
