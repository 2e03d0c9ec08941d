//! A user listing written as it is fetched, in every format.
//!
//! JSON lines and the JSON array are written page by page. The table has fixed column widths
//! (values that do not fit are cut and end with `…`; the last column, aliases, is never cut), so
//! its rows are printed as their page arrives too.

use crate::exit::CliError;
use crate::output::{LIST_HEADER, OutputFormat, list_row};
use duo_directory::User;
use indicatif::ProgressBar;
use std::io::Write;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display widths of the listing's columns but the last: user_id, username, realname, email, status.
const WIDTHS: [usize; 5] = [20, 20, 24, 30, 16];
/// Between two columns.
const GAP: &str = "  ";

/// Collects the output of one page and writes it when told to.
pub struct UserSink {
    format: OutputFormat,
    buffer: String,
    count: u64,
}

impl UserSink {
    /// An empty listing.
    pub fn new(format: OutputFormat) -> Self {
        UserSink { format, buffer: String::new(), count: 0 }
    }

    /// How many users were pushed.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Adds one user (the table's header comes before the first).
    pub fn push(&mut self, user: &User) {
        match self.format {
            OutputFormat::Table => {
                if self.count == 0 {
                    self.buffer.push_str(&table_line(&LIST_HEADER.map(String::from)));
                }
                self.buffer.push_str(&table_line(&list_row(user)));
            }
            OutputFormat::Json => {
                self.buffer.push_str(if self.count == 0 { "[\n  " } else { ",\n  " });
                self.buffer.push_str(&user.to_json());
            }
            OutputFormat::Jsonl => {
                self.buffer.push_str(&user.to_json());
                self.buffer.push('\n');
            }
        }
        self.count += 1;
    }

    /// Writes what is buffered (above the progress bar, if one is drawn).
    pub fn flush(&mut self, out: &mut impl Write, bar: Option<&ProgressBar>) -> Result<(), CliError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.buffer);
        let mut write = || -> std::io::Result<()> {
            out.write_all(text.as_bytes())?;
            out.flush()
        };
        match bar {
            Some(bar) => bar.suspend(write)?,
            None => write()?,
        }
        Ok(())
    }

    /// Ends a complete listing: the table's count line, the JSON array's closing bracket.
    pub fn finish(mut self, out: &mut impl Write) -> Result<(), CliError> {
        match self.format {
            OutputFormat::Table => {
                if self.count == 0 {
                    self.buffer.push_str(&table_line(&LIST_HEADER.map(String::from)));
                }
                let plural = if self.count == 1 { "" } else { "s" };
                self.buffer.push_str(&format!("{} user{plural}\n", self.count));
            }
            OutputFormat::Json => self.buffer.push_str(if self.count == 0 { "[]\n" } else { "\n]\n" }),
            OutputFormat::Jsonl => {}
        }
        self.flush(out, None)
    }

    /// Ends a listing that failed midway: a JSON array already begun is closed, so that what
    /// was printed stays valid JSON (the error object follows it).
    pub fn abort(mut self, out: &mut impl Write) -> Result<(), CliError> {
        self.buffer.clear();
        if self.format == OutputFormat::Json && self.count > 0 {
            out.write_all(b"\n]\n")?;
            out.flush()?;
        }
        Ok(())
    }
}

/// One line of the fixed-width table; the cells are already safe for a terminal.
fn table_line(cells: &[String]) -> String {
    let mut line = String::new();
    let last = cells.len().saturating_sub(1);
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push_str(GAP);
        }
        match WIDTHS.get(i) {
            Some(&width) if i < last => line.push_str(&fit(cell, width)),
            _ => line.push_str(cell),
        }
    }
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

/// `text` cut or padded to exactly `width` terminal columns.
fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    if text.width() > width {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        used += 1;
    } else {
        out.push_str(text);
        used = text.width();
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_pads_and_cuts_by_display_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 5), "abcd…");
        assert_eq!(fit("日本語です", 5), "日本…");
        assert_eq!(fit("日本語", 6), "日本語");
    }
}
