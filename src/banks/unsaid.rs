//! What a bank kept in Word or a spreadsheet does not say (its code, module, and the topics
//! and levels of its questions), taken from the importer's choices: the upload page's fields,
//! the command line's `--code --module --topic --level`. Whatever is still missing is said once,
//! naming the page's field, the command-line flag and how the file itself could say it.

use super::{
    catalog::catalog,
    foreign::{Defaults, code_from_name},
    report::{Arg, Msg, args},
};

/// The bank's code: the chosen one (as for every format: the importer's choice is the latest
/// word), else the file's own, else one made from the file name.
pub fn code(file: Option<&str>, defaults: &Defaults, name: &str) -> String {
    defaults
        .code
        .clone()
        .or_else(|| {
            file.map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
        })
        .unwrap_or_else(|| code_from_name(name))
}

/// The bank's module: the chosen one, else the file's own, else the module of the first topic
/// the file or the chosen default topic names.
pub fn module<'t>(
    file: Option<&str>,
    defaults: &Defaults,
    topics: impl IntoIterator<Item = &'t str>,
) -> Option<String> {
    let of_topic = |t: &str| catalog().topic(t.trim()).map(|(m, _)| m.code.clone());
    defaults
        .module
        .clone()
        .or_else(|| {
            file.map(str::trim)
                .filter(|m| !m.is_empty())
                .map(str::to_string)
        })
        .or_else(|| topics.into_iter().find_map(of_topic))
        .or_else(|| defaults.topic.as_deref().and_then(of_topic))
}

/// How the reader says, in the file's own terms, where a module, a topic and a level go.
pub struct How {
    pub module: &'static str,
    pub topic: &'static str,
    pub level: &'static str,
}

/// The questions still without a topic or a level, as the reader names them ("Câu 3", "7").
#[derive(Default)]
pub struct Missing {
    pub topic: Vec<String>,
    pub level: Vec<String>,
}

/// At most this many questions are named in a message; the count says the rest.
const NAMED: usize = 5;

impl Missing {
    /// One message for the missing topics, one for the missing levels; `which` wraps the list
    /// of names (e.g. "rows 7, 8, 9").
    pub fn messages(&self, how: &How, which: &'static str) -> Vec<Msg> {
        let mut out = Vec::new();
        for (names, key, how) in [
            (&self.topic, "bank.sheets.no_topic", how.topic),
            (&self.level, "bank.sheets.no_level", how.level),
        ] {
            if names.is_empty() {
                continue;
            }
            let mut list = names.iter().take(NAMED).cloned().collect::<Vec<_>>();
            if names.len() > NAMED {
                list.push("…".into());
            }
            let list = Arg::msg(which, args![list = list.join(", ")]);
            let how = Arg::msg(how, vec![]);
            out.push((key, args![count = names.len(), which = list, how = how]));
        }
        out
    }
}

/// The message for a bank whose module nobody says.
pub fn no_module(how: &How) -> Msg {
    (
        "bank.sheets.no_module",
        args![how = Arg::msg(how.module, vec![])],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_first_then_the_file_then_the_file_name() {
        let chosen = Defaults {
            code: Some("CHON".into()),
            module: Some("IU02".into()),
            ..Defaults::default()
        };
        assert_eq!(code(Some("TEP"), &chosen, "x.docx"), "CHON");
        assert_eq!(code(Some("TEP"), &Defaults::default(), "x.docx"), "TEP");
        assert_eq!(
            code(Some(" "), &Defaults::default(), "đề số 1.xlsx"),
            "DE-SO-1"
        );
        assert_eq!(module(Some("IU01"), &chosen, []), Some("IU02".into()));
        let none = Defaults::default();
        assert_eq!(module(Some("IU01"), &none, ["IU03.1"]), Some("IU01".into()));
        assert_eq!(module(None, &chosen, ["IU01.1"]), Some("IU02".into()));
        assert_eq!(module(None, &none, ["IU03.2"]), Some("IU03".into()));
        assert_eq!(module(None, &none, ["không rõ"]), None);
    }

    #[test]
    fn missing_topics_are_one_message_naming_a_few() {
        let missing = Missing {
            topic: (1..=7).map(|n| format!("Câu {n}")).collect(),
            level: vec![],
        };
        let how = How {
            module: "bank.sheets.word_how_module",
            topic: "bank.sheets.word_how_topic",
            level: "bank.sheets.word_how_level",
        };
        let messages = missing.messages(&how, "bank.sheets.word_which");
        assert_eq!(messages.len(), 1);
        let text =
            crate::banks::report::render(crate::vocab::Lang::Vi, messages[0].0, &messages[0].1);
        assert!(
            text.starts_with("7 câu hỏi chưa có chủ đề (Câu 1, Câu 2, Câu 3, Câu 4, Câu 5, …)"),
            "{text}"
        );
        assert!(text.contains("--topic"), "{text}");
    }
}
