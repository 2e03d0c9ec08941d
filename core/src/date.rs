//! Dates as Duo signs and sends them (RFC 2822, as `email.utils.formatdate()` writes them).

use std::time::SystemTime;

/// The RFC 2822 date `duo_client` sends (`email.utils.formatdate()`), e.g. `Tue, 21 Aug 2012 17:29:18 -0000`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = UNIX_EPOCH + Duration::from_secs(1_345_570_158);
/// assert_eq!(duo_directory::date::rfc2822_date(t), "Tue, 21 Aug 2012 17:29:18 -0000");
/// ```
pub fn rfc2822_date(at: SystemTime) -> String {
    let t = time::OffsetDateTime::from(at);
    let weekday = match t.weekday() {
        time::Weekday::Monday => "Mon",
        time::Weekday::Tuesday => "Tue",
        time::Weekday::Wednesday => "Wed",
        time::Weekday::Thursday => "Thu",
        time::Weekday::Friday => "Fri",
        time::Weekday::Saturday => "Sat",
        time::Weekday::Sunday => "Sun",
    };
    let month = match t.month() {
        time::Month::January => "Jan",
        time::Month::February => "Feb",
        time::Month::March => "Mar",
        time::Month::April => "Apr",
        time::Month::May => "May",
        time::Month::June => "Jun",
        time::Month::July => "Jul",
        time::Month::August => "Aug",
        time::Month::September => "Sep",
        time::Month::October => "Oct",
        time::Month::November => "Nov",
        time::Month::December => "Dec",
    };
    format!(
        "{weekday}, {:02} {month} {:04} {:02}:{:02}:{:02} -0000",
        t.day(),
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Parses an RFC 2822 date as any official client sends it (`-0000`, `+0000`, `+0200` or `GMT`).
pub fn parse_rfc2822_date(text: &str) -> Option<SystemTime> {
    let normalized = match text.trim().strip_suffix(" GMT").or_else(|| text.trim().strip_suffix(" UT")) {
        Some(head) => format!("{head} +0000"),
        None => text.trim().replace(" -0000", " +0000"),
    };
    time::OffsetDateTime::parse(&normalized, &time::format_description::well_known::Rfc2822).ok().map(SystemTime::from)
}

/// The HTTP `Date` header form (RFC 7231 IMF-fixdate), e.g. `Tue, 21 Aug 2012 17:29:18 GMT`.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = UNIX_EPOCH + Duration::from_secs(1_345_570_158);
/// assert_eq!(duo_directory::date::http_date(t), "Tue, 21 Aug 2012 17:29:18 GMT");
/// assert_eq!(duo_directory::date::parse_rfc2822_date("Tue, 21 Aug 2012 17:29:18 GMT"), Some(t));
/// ```
pub fn http_date(at: SystemTime) -> String {
    let text = rfc2822_date(at);
    match text.strip_suffix(" -0000") {
        Some(head) => format!("{head} GMT"),
        None => text,
    }
}
