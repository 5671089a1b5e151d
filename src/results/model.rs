//! What staff see of a candidate's result: the verdict from the attempt's state, whether the
//! session is closed, and its current stored result. No IO here.

use crate::{
    attempts::model::AttemptState,
    grading::model::{Outcome, StoredResult},
};

/// A candidate's standing in a session, as the results table and the report print it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Pass,
    Fail,
    /// Scored on the computer; a part scored outside sathach is still to be entered.
    AwaitingPractical,
    /// The session closed before the candidate started.
    Absent,
    /// The proctor terminated the attempt (đình chỉ thi).
    Terminated,
    /// Not submitted yet (the session is still running), or reopened.
    NoResultYet,
}

impl Verdict {
    /// The message-catalog key of the verdict's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Verdict::Pass => "result.verdict_pass",
            Verdict::Fail => "result.verdict_fail",
            Verdict::AwaitingPractical => "result.verdict_pending",
            Verdict::Absent => "result.verdict_absent",
            Verdict::Terminated => "result.verdict_terminated",
            Verdict::NoResultYet => "result.verdict_none",
        }
    }

    /// A stable name for exports and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::AwaitingPractical => "pending",
            Verdict::Absent => "absent",
            Verdict::Terminated => "terminated",
            Verdict::NoResultYet => "none",
        }
    }
}

/// The verdict of one attempt. A terminated attempt is "Đình chỉ" whatever was saved; an
/// attempt never started is "Vắng thi" once the session is closed.
pub fn verdict(
    state: AttemptState,
    session_closed: bool,
    current: Option<&StoredResult>,
) -> Verdict {
    if state == AttemptState::Terminated {
        return Verdict::Terminated;
    }
    match current.and_then(StoredResult::outcome) {
        Some(Outcome::Pass) => Verdict::Pass,
        Some(Outcome::Fail) => Verdict::Fail,
        Some(Outcome::Pending) => Verdict::AwaitingPractical,
        None if session_closed
            && matches!(
                state,
                AttemptState::NotArrived | AttemptState::CheckedIn | AttemptState::Authorised
            ) =>
        {
            Verdict::Absent
        }
        None => Verdict::NoResultYet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grading::model::{ResultKind, ScoreResult, Tally};

    fn result(outcome: Option<Outcome>) -> StoredResult {
        StoredResult {
            id: "r".into(),
            attempt_id: "a".into(),
            seq: 1,
            kind: if outcome.is_some() {
                ResultKind::Submitted
            } else {
                ResultKind::Withdrawn
            },
            scoring_version: "v".into(),
            score: outcome.map(|outcome| ScoreResult {
                items: vec![],
                total: Tally::default(),
                parts: vec![],
                sections: vec![],
                topics: Default::default(),
                modules: vec![],
                outcome,
            }),
            responses_digest: String::new(),
            recorded_by: None,
            recorded_by_name: None,
            reason: None,
            created_at: 0,
            after_approval: false,
        }
    }

    #[test]
    fn verdicts_follow_the_state_the_close_and_the_current_result() {
        use AttemptState as S;
        let pass = result(Some(Outcome::Pass));
        let pending = result(Some(Outcome::Pending));
        let withdrawn = result(None);
        assert_eq!(verdict(S::Submitted, false, Some(&pass)), Verdict::Pass);
        assert_eq!(
            verdict(S::Submitted, true, Some(&pending)),
            Verdict::AwaitingPractical
        );
        assert_eq!(
            verdict(S::Terminated, true, Some(&pass)),
            Verdict::Terminated
        );
        assert_eq!(verdict(S::NotArrived, true, None), Verdict::Absent);
        assert_eq!(verdict(S::CheckedIn, true, None), Verdict::Absent);
        assert_eq!(verdict(S::NotArrived, false, None), Verdict::NoResultYet);
        assert_eq!(
            verdict(S::Paused, false, Some(&withdrawn)),
            Verdict::NoResultYet
        );
        assert_eq!(
            verdict(S::Submitted, true, Some(&result(Some(Outcome::Fail)))),
            Verdict::Fail
        );
    }
}
