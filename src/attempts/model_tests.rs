//! Tests of the attempt rules: states, start and retake rules, access codes.

use super::{AttemptEvent as E, AttemptState as S, *};

#[test]
fn the_normal_path_and_its_detours() {
    let path = [
        E::CheckIn,
        E::Authorise,
        E::Start,
        E::Pause,
        E::Resume,
        E::Submit,
    ];
    let end = path.iter().try_fold(S::NotArrived, |s, e| s.after(*e));
    assert_eq!(end, Some(S::Submitted));
    assert_eq!(S::InProgress.after(E::Terminate), Some(S::Terminated));
    assert_eq!(S::Terminated.after(E::Reopen), Some(S::Paused));
    assert!(S::Submitted.is_final() && S::Terminated.is_final());
}

#[test]
fn nothing_skips_the_proctor() {
    assert_eq!(
        S::NotArrived.after(E::Start),
        None,
        "no start before check-in"
    );
    assert_eq!(
        S::CheckedIn.after(E::Start),
        None,
        "no start before authorisation"
    );
    assert_eq!(S::Submitted.after(E::Resume), None);
    assert_eq!(S::Submitted.after(E::Terminate), None);
    assert_eq!(S::Paused.after(E::Pause), None);
    assert_eq!(S::NotArrived.after(E::Submit), None);
}

fn window(opened: bool, closed: bool) -> Window {
    Window {
        starts_at: 1_000_000,
        ends_at: 1_000_000 + 120 * 60_000,
        late_entry_minutes: 15,
        opened,
        closed,
    }
}

#[test]
fn starting_needs_authorisation_an_open_session_and_the_window() {
    let open = window(true, false);
    let at = open.starts_at + 60_000;
    assert_eq!(may_start(S::Authorised, open, at), Ok(()));
    assert_eq!(
        may_start(S::CheckedIn, open, at),
        Err(StartRefusal::NotAuthorised)
    );
    assert_eq!(
        may_start(S::Authorised, window(false, false), at),
        Err(StartRefusal::SessionNotOpen)
    );
    assert_eq!(
        may_start(S::Authorised, window(true, true), at),
        Err(StartRefusal::SessionClosed)
    );
    assert_eq!(
        may_start(S::Authorised, open, open.starts_at - 1),
        Err(StartRefusal::BeforeWindow)
    );
    let cut_off = open.starts_at + 15 * 60_000;
    assert_eq!(may_start(S::Authorised, open, cut_off), Ok(()));
    assert_eq!(
        may_start(S::Authorised, open, cut_off + 1),
        Err(StartRefusal::AfterCutOff)
    );
}

#[test]
fn extra_time_keeps_the_state_and_reasons_are_asked_for_interventions() {
    assert_eq!(S::InProgress.after(E::ExtraTime), Some(S::InProgress));
    assert_eq!(S::Submitted.after(E::ExtraTime), None);
    assert!(E::Terminate.needs_reason() && !E::CheckIn.needs_reason());
    for state in S::ALL {
        assert_eq!(S::parse(state.as_str()), Some(state));
    }
}

#[test]
fn retakes_follow_the_blueprint() {
    let day = 86_400_000;
    assert_eq!(may_retake(0, None, 1, 0, 0), Ok(()));
    assert_eq!(
        may_retake(1, Some(0), 1, 0, day),
        Err(StartRefusal::NoAttemptsLeft)
    );
    assert_eq!(
        may_retake(1, Some(0), 2, 7, 6 * day),
        Err(StartRefusal::RetakeTooSoon)
    );
    assert_eq!(may_retake(1, Some(0), 2, 7, 7 * day), Ok(()));
}

#[test]
fn access_codes_are_long_unambiguous_and_typed_loosely() {
    let code = access_code_from([7; 32]);
    assert_eq!(code.len(), 11);
    assert!(
        code.chars()
            .filter(|c| *c != '-')
            .all(|c| CODE_ALPHABET.contains(&(c as u8)))
    );
    assert!((CODE_ALPHABET.len() as f64).log2() * 10.0 >= 40.0);
    assert_ne!(code, access_code_from([8; 32]));
    assert_eq!(
        access_code_digest(b"key", &code),
        access_code_digest(b"key", &code.to_lowercase().replace('-', " "))
    );
    assert_ne!(
        access_code_digest(b"key", &code),
        access_code_digest(b"another key", &code),
        "the digest is keyed"
    );
}

#[test]
fn candidate_numbers_sort_within_a_session() {
    assert_eq!(candidate_number("K7QM", 12), "K7QM-012");
}

#[test]
fn an_unknown_stored_state_is_an_error_not_a_state() {
    for state in S::ALL {
        assert_eq!(S::try_from(state.as_str().to_string()), Ok(state));
    }
    let refused = S::try_from("arrived_maybe".to_string()).unwrap_err();
    assert_eq!(refused, UnknownState("arrived_maybe".into()));
    assert!(refused.to_string().contains("\"arrived_maybe\""));
    assert!(S::try_from(String::new()).is_err());
}
