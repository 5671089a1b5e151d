//! Tests of the paper as the browser sees it: tokens, controls, answers read back, refusals.

use super::*;
use crate::test_fixtures::all_types_items;

fn placed(item: &Item, order: Vec<usize>) -> FormItem {
    FormItem {
        version_id: format!("v-{}", item.id),
        item_id: format!("i-{}", item.id),
        points: 1,
        order,
    }
}

fn tokens_of(attempt: &'static str) -> impl Fn(&str, usize) -> String {
    move |item: &str, i: usize| {
        let bytes = crate::vocab::token::keyed_bytes(
            b"test secret",
            "option",
            &format!("{attempt}/{item}/{i}"),
        );
        bytes[..9].iter().map(|b| format!("{b:02x}")).collect()
    }
}

fn fields(pairs: &[(&str, &str)]) -> HashMap<String, Vec<String>> {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in pairs {
        map.entry(k.to_string()).or_default().push(v.to_string());
    }
    map
}

#[test]
fn every_answer_round_trips_through_the_page_and_keys_never_show() {
    let tokens = tokens_of("attempt-1");
    for item in all_types_items() {
        let count = option_count(&item.body);
        let order: Vec<usize> = (0..count).rev().collect();
        let p = placed(&item, order);
        let q = question(&item, &p, None, &tokens);
        let shown = format!("{:?}", q.control);
        assert!(!shown.contains("correct"), "{shown}");
        // Answer as a candidate would from what is shown, read it back, show it again.
        let answer: Vec<(String, String)> = match &q.control {
            Control::Single(options) | Control::Multiple(options) => {
                vec![("answer".into(), options[0].token.clone())]
            }
            Control::TrueFalse(_) => vec![("answer".into(), "false".into())],
            Control::Statements(list) => list
                .iter()
                .map(|(t, _, _)| (t.clone(), "true".into()))
                .collect(),
            Control::Text { .. } => vec![("answer".into(), "2,5".into())],
            Control::Matching { lefts, rights } => (0..lefts.len())
                .map(|i| (format!("m{i}"), rights[i].token.clone()))
                .collect(),
            Control::Ordering(steps) => steps
                .iter()
                .enumerate()
                .map(|(i, (t, _, _))| (t.clone(), (i + 1).to_string()))
                .collect(),
        };
        let pairs: Vec<(&str, &str)> = answer
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let response = read_answer(&item, &p.item_id, &fields(&pairs), &tokens)
            .unwrap()
            .expect("answered");
        let again = question(&item, &p, Some(&response), &tokens);
        assert_ne!(
            format!("{:?}", again.control),
            shown,
            "{}: the saved answer shows",
            item.id
        );
        assert_eq!(
            read_answer(&item, &p.item_id, &fields(&[]), &tokens),
            Ok(None)
        );
    }
}

#[test]
fn statements_show_in_the_drawn_order_under_tokens_and_old_pages_still_save() {
    let tokens = tokens_of("attempt-1");
    let item = all_types_items()
        .into_iter()
        .find(|i| matches!(i.body, Body::GroupedTrueFalse { .. }))
        .unwrap();
    let Body::GroupedTrueFalse { statements } = &item.body else {
        unreachable!()
    };
    let p = placed(&item, vec![2, 0, 3, 1]);
    let Control::Statements(shown) = question(&item, &p, None, &tokens).control else {
        panic!()
    };
    let texts: Vec<&str> = shown.iter().map(|(_, html, _)| html.as_str()).collect();
    let drawn: Vec<&str> = [2, 0, 3, 1]
        .iter()
        .map(|i| statements[*i].text.html.as_str())
        .collect();
    assert_eq!(texts, drawn, "lettered a)–d) in the drawn order");
    assert!(shown.iter().all(|(t, _, _)| t.len() == 18), "{shown:?}");
    // a) is statement 2: answering it true lands on statement 2.
    let answer = fields(&[(shown[0].0.as_str(), "true")]);
    assert_eq!(
        read_answer(&item, &p.item_id, &answer, &tokens),
        Ok(Some(Response::Statements(vec![
            None,
            None,
            Some(true),
            None
        ])))
    );
    let old_page = fields(&[("s1", "false")]);
    assert_eq!(
        read_answer(&item, &p.item_id, &old_page, &tokens),
        Ok(Some(Response::Statements(vec![
            None,
            Some(false),
            None,
            None
        ])))
    );
    // A paper drawn before statements were shuffled stored the file's order.
    let kept = placed(&item, vec![0, 1, 2, 3]);
    let Control::Statements(kept) = question(&item, &kept, None, &tokens).control else {
        panic!()
    };
    assert_eq!(kept[0].1, statements[0].text.html);
}

#[test]
fn tokens_differ_between_attempts_and_foreign_tokens_are_refused() {
    let item = all_types_items()
        .into_iter()
        .find(|i| matches!(i.body, Body::Single { .. }))
        .unwrap();
    let p = placed(&item, vec![0, 1, 2, 3]);
    let (one, two) = (tokens_of("attempt-1"), tokens_of("attempt-2"));
    let Control::Single(a) = question(&item, &p, None, &one).control else {
        panic!()
    };
    let Control::Single(b) = question(&item, &p, None, &two).control else {
        panic!()
    };
    assert!(a.iter().zip(&b).all(|(x, y)| x.token != y.token));
    assert!(
        a.iter()
            .all(|o| o.token.len() == 18 && !o.token.contains(['A', 'B', 'C', 'D']))
    );
    let foreign = fields(&[("answer", &b[0].token)]);
    assert_eq!(
        read_answer(&item, &p.item_id, &foreign, &one),
        Err(Refused::UnknownToken)
    );
    let twice = fields(&[("answer", &a[0].token), ("answer", &a[1].token)]);
    assert_eq!(
        read_answer(&item, &p.item_id, &twice, &one),
        Err(Refused::Malformed)
    );
}
