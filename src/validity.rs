//! Whether a document is in force (效力状态), as of a reference date.
//!
//! A document is *normative* — listed in the validity register — when it has a 登记号, a
//! 施行日期 or 有效期, or a declared `status`. Its state on a date:
//!
//! 1. a declared `status` wins once its `date` has come (or at once, without a date):
//!    有效, 已失效 or 已废止;
//! 2. otherwise the printed dates: before `valid_from` 尚未施行, after `valid_until` (the last
//!    day in force) 已失效, in between 有效;
//! 3. a document with a 登记号 but no dates: 状态不明.
//!
//! The reference date must never be the build's clock, so that output depends on the input
//! only: it is `SOURCE_DATE_EPOCH` when given, otherwise the newest date of the archive (an
//! issue's publication date or a document's 成文日期). Pages print it, and a small script
//! recomputes the states for the reader's own date from the same rules
//! (`themes/default/static/assets/validity.js`).

use serde::Serialize;

use crate::content::date::Date;
use crate::content::{Archive, DeclaredState, Document};
use crate::error::Error;

/// `SOURCE_DATE_EPOCH` from the environment, the one clock allowed into the output (seconds
/// since 1970-01-01 UTC); `None` when it is unset or empty.
pub fn source_date_epoch_from_env() -> Result<Option<i64>, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => v.trim().parse().map(Some).map_err(|_| {
            Error::Fatal(format!(
                "SOURCE_DATE_EPOCH=`{v}` is not a number of seconds since 1970-01-01"
            ))
        }),
        Err(_) => Ok(None),
    }
}

/// The state of a document on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// 有效.
    InForce,
    /// 尚未施行.
    NotYet,
    /// 已失效.
    Expired,
    /// 已废止.
    Repealed,
    /// 状态不明.
    Unknown,
}

impl State {
    /// Every state, in the register's filter order.
    pub const ALL: [State; 5] = [
        State::InForce,
        State::NotYet,
        State::Expired,
        State::Repealed,
        State::Unknown,
    ];

    /// The label pages show.
    pub fn label(self) -> &'static str {
        match self {
            State::InForce => "有效",
            State::NotYet => "尚未施行",
            State::Expired => "已失效",
            State::Repealed => "已废止",
            State::Unknown => "状态不明",
        }
    }

    /// The code scripts and CSS use.
    pub fn code(self) -> &'static str {
        match self {
            State::InForce => "in-force",
            State::NotYet => "not-yet",
            State::Expired => "expired",
            State::Repealed => "repealed",
            State::Unknown => "unknown",
        }
    }
}

impl DeclaredState {
    fn state(self) -> State {
        match self {
            DeclaredState::InForce => State::InForce,
            DeclaredState::Expired => State::Expired,
            DeclaredState::Repealed => State::Repealed,
        }
    }

    /// The code scripts use for a declared state.
    pub fn code(self) -> &'static str {
        self.state().code()
    }
}

/// Whether the validity register lists `doc`.
pub fn is_normative(doc: &Document) -> bool {
    doc.registration_number.is_some()
        || doc.valid_from.is_some()
        || doc.valid_until.is_some()
        || doc.status.is_some()
}

/// The state of `doc` on `date`, if it is normative.
pub fn state_on(doc: &Document, date: Date) -> Option<State> {
    if !is_normative(doc) {
        return None;
    }
    if let Some(s) = &doc.status
        && s.date.is_none_or(|d| d <= date)
    {
        return Some(s.state.state());
    }
    Some(match (doc.valid_from, doc.valid_until) {
        // Contradictory dates (`gazette check` warns about them): no status can be told.
        (Some(from), Some(until)) if until < from => State::Unknown,
        (Some(from), _) if date < from => State::NotYet,
        (_, Some(until)) if date > until => State::Expired,
        (None, None) => State::Unknown,
        _ => State::InForce,
    })
}

/// Where the reference date came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    /// `SOURCE_DATE_EPOCH`.
    SourceDateEpoch,
    /// The newest date found in the archive.
    Archive,
}

/// The date statuses are computed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferenceDate {
    /// The date.
    pub date: Date,
    /// Where it came from.
    pub source: DateSource,
}

impl ReferenceDate {
    /// `SOURCE_DATE_EPOCH` (seconds since 1970-01-01 UTC) when given, else the newest date of
    /// the archive; 1970-01-01 for an archive without dates.
    pub fn new(source_date_epoch: Option<i64>, archive: &Archive) -> ReferenceDate {
        if let Some(date) =
            source_date_epoch.and_then(|s| Date::from_days_since_epoch(s.div_euclid(86_400)))
        {
            return ReferenceDate {
                date,
                source: DateSource::SourceDateEpoch,
            };
        }
        let newest = archive
            .issues
            .iter()
            .filter_map(|i| i.published)
            .chain(archive.documents.iter().filter_map(|d| d.date))
            .max();
        ReferenceDate {
            date: newest.unwrap_or(Date::new(1970, 1, 1).expect("a date")),
            source: DateSource::Archive,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::DeclaredStatus;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn doc(from: Option<&str>, until: Option<&str>) -> Document {
        Document {
            issue: 0,
            source: String::new(),
            stem: String::new(),
            title: String::new(),
            section: 0,
            doc_number: None,
            registration_number: Some("ZJCC00-2019-0007".into()),
            issuers: vec![],
            date: None,
            doc_type: None,
            addressees: vec![],
            valid_from: from.map(date),
            valid_until: until.map(date),
            status: None,
            pages: None,
            position: None,
            attachments: vec![],
            subjects: vec![],
            draft: false,
            extra: Default::default(),
            body: Default::default(),
            body_line: 1,
            positions: Default::default(),
        }
    }

    #[test]
    fn dates_decide_without_a_declared_status() {
        let d = doc(Some("2020-02-01"), Some("2021-12-31"));
        assert_eq!(state_on(&d, date("2020-01-31")), Some(State::NotYet));
        assert_eq!(state_on(&d, date("2020-02-01")), Some(State::InForce));
        assert_eq!(state_on(&d, date("2021-12-31")), Some(State::InForce));
        assert_eq!(state_on(&d, date("2022-01-01")), Some(State::Expired));
        assert_eq!(
            state_on(&doc(None, None), date("2020-01-01")),
            Some(State::Unknown)
        );
        let mut plain = doc(None, None);
        plain.registration_number = None;
        assert_eq!(state_on(&plain, date("2020-01-01")), None);
    }

    #[test]
    fn a_declared_status_wins_from_its_date() {
        let mut d = doc(Some("2020-02-01"), Some("2025-12-31"));
        d.status = Some(DeclaredStatus {
            state: DeclaredState::Repealed,
            date: Some(date("2021-03-01")),
            reason: None,
            replaced_by: None,
        });
        assert_eq!(state_on(&d, date("2021-02-28")), Some(State::InForce));
        assert_eq!(state_on(&d, date("2021-03-01")), Some(State::Repealed));
        d.status.as_mut().unwrap().date = None;
        assert_eq!(state_on(&d, date("2019-01-01")), Some(State::Repealed));
    }

    #[test]
    fn reference_date_from_epoch_or_archive() {
        let archive = Archive::default();
        let r = ReferenceDate::new(Some(1_577_750_400), &archive); // 2019-12-31T00:00:00Z
        assert_eq!(r.date, date("2019-12-31"));
        assert_eq!(r.source, DateSource::SourceDateEpoch);
        let mut archive = Archive::default();
        let mut d = doc(None, None);
        d.date = Some(date("2019-12-27"));
        archive.documents.push(d);
        assert_eq!(ReferenceDate::new(None, &archive).date, date("2019-12-27"));
    }
}
